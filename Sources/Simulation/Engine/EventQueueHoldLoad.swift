/// The "hold" load on an event queue, for `cretoscale bench` to time the simulator's queue
/// against the alternative it was chosen over.
///
/// The queue starts at its steady state with `pending` events, and each operation pops the
/// earliest event and schedules a new one at its time plus a delay drawn from
/// ``referenceDelay(_:)``: the count of pending events stays the same, so repeated calls of
/// ``hold(operations:)`` measure one steady state. All draws come from the seed, so every
/// kind sees the same sequence of delays. Nothing here reads a clock: the caller times it.
public final class EventQueueHoldLoad {
    /// The queue implementations that can be measured.
    public enum Kind: String, CaseIterable, Sendable {
        /// ``EventQueue``, the calendar queue the simulator uses.
        case calendarQueue = "calendar"
        /// A 4-ary implicit min-heap on (time, sequence).
        case quaternaryHeap = "heap4"
    }

    /// A payload the size of the simulator's events (16 bytes; an entry with its key is 32).
    struct Payload {
        var node: UInt32
        var kind: UInt32
        var value: UInt64
    }

    private final class Box<Queue: HoldBenchmarkQueue & ~Copyable> {
        var queue: Queue
        init(_ queue: consuming Queue) { self.queue = queue }
    }

    private let calendar: Box<EventQueue<Payload>>?
    private let heap: Box<HeapEventQueue<Payload>>?
    private var random: Xoshiro256StarStar
    private var checksum: UInt64 = 0

    /// A queue of `kind` filled with `pending` events of the reference load's steady state.
    public init(kind: Kind, pending: Int, seed: UInt64) {
        precondition(pending > 0, "pending must be positive")
        random = RandomStreams(seed: seed).stream(StreamID("event-queue-benchmark"))
        switch kind {
        case .calendarQueue:
            var queue = EventQueue<Payload>()
            Self.fill(&queue, pending: pending, random: &random)
            calendar = Box(queue)
            heap = nil
        case .quaternaryHeap:
            var queue = HeapEventQueue<Payload>()
            Self.fill(&queue, pending: pending, random: &random)
            heap = Box(queue)
            calendar = nil
        }
    }

    /// Performs `operations` hold operations (one `popNext` plus one `schedule` each);
    /// returns a checksum of what came out, so that the work cannot be optimised away.
    public func hold(operations: Int) -> UInt64 {
        if let calendar {
            checksum &+= Self.holdLoop(&calendar.queue, operations: operations, random: &random)
        } else if let heap {
            checksum &+= Self.holdLoop(&heap.queue, operations: operations, random: &random)
        }
        return checksum
    }

    /// Per mille of delays that are WAN message latencies, 50–200 ms.
    static let wanPerMille: UInt64 = 800
    /// Per mille that are CPU service times, 10 µs–1 ms; the rest are 1–4 s timeouts.
    static let cpuPerMille: UInt64 = 180

    /// A delay of the reference load: 80% WAN latencies uniform in 50–200 ms, 18% CPU service
    /// times uniform in 10 µs–1 ms, 2% timeouts uniform in 1–4 s.
    public static func referenceDelay(_ random: inout Xoshiro256StarStar) -> SimDuration {
        .nanoseconds(Int64(referenceDelayNanoseconds(&random)))
    }

    /// One 64-bit draw per delay, so the load generator costs little next to the queue: the
    /// high half picks the class (multiply-shift onto 0..<1000), the low half the value within
    /// the class's range (multiply-shift onto 0..<width, width < 2^32). The bias is below 2^-22.
    @inline(__always)
    static func referenceDelayNanoseconds(_ random: inout Xoshiro256StarStar) -> UInt64 {
        let bits = random.next()
        let draw = ((bits >> 32) &* 1_000) >> 32
        let low = bits & 0xFFFF_FFFF
        if draw < wanPerMille {
            return 50_000_000 + (low &* 150_000_000) >> 32
        }
        if draw < wanPerMille + cpuPerMille {
            return 10_000 + (low &* 990_000) >> 32
        }
        return 1_000_000_000 + (low &* 3_000_000_000) >> 32
    }

    /// Longest delay `referenceDelayNanoseconds` can return.
    static let maximumDelay: UInt64 = 4_000_000_000

    /// Fills `queue` with `pending` events at the steady state of the hold model: the time
    /// left on a pending event is the residual of a length-biased delay, so delays are picked
    /// with probability proportional to their length (by rejection), then a uniform point within.
    private static func fill<Queue: HoldBenchmarkQueue & ~Copyable>(
        _ queue: inout Queue, pending: Int, random: inout Xoshiro256StarStar
    ) where Queue.Event == Payload {
        for index in 0..<pending {
            var delay: UInt64
            repeat {
                delay = referenceDelayNanoseconds(&random)
            } while random.nextBelow(maximumDelay) >= delay
            let remaining = random.nextBelow(delay)
            queue.schedule(Payload(node: UInt32(truncatingIfNeeded: index), kind: 0, value: remaining),
                           at: SimInstant(nanosecondsSinceStart: Int64(remaining)))
        }
    }

    @inline(__always)
    static func holdLoop<Queue: HoldBenchmarkQueue & ~Copyable>(
        _ queue: inout Queue, operations: Int, random: inout Xoshiro256StarStar
    ) -> UInt64 where Queue.Event == Payload {
        var checksum: UInt64 = 0
        var previous = SimInstant.zero
        for _ in 0..<operations {
            guard let (time, payload) = queue.popNext() else {
                preconditionFailure("hold benchmark queue ran dry")
            }
            precondition(time >= previous, "hold benchmark queue delivered out of order")
            previous = time
            checksum = checksum &* 31 &+ payload.value &+ UInt64(payload.node)
            let delay = referenceDelayNanoseconds(&random)
            let next = Payload(node: payload.node, kind: payload.kind &+ 1, value: delay)
            queue.schedule(next, at: SimInstant(nanosecondsSinceStart: time.nanosecondsSinceStart &+ Int64(delay)))
        }
        return checksum
    }
}

/// What the hold benchmark needs from a queue.
protocol HoldBenchmarkQueue: ~Copyable {
    associatedtype Event
    @discardableResult
    mutating func schedule(_ event: Event, at time: SimInstant) -> EventTicket
    mutating func popNext() -> (time: SimInstant, event: Event)?
}

extension EventQueue: HoldBenchmarkQueue {}

/// The 4-ary heap with sequence numbering, as an event queue without cancellation.
struct HeapEventQueue<Event>: HoldBenchmarkQueue {
    private var heap = EventHeap<Event>()
    private var nextSequence: UInt64 = 1
    private var lastTime: Int64 = 0

    @discardableResult
    mutating func schedule(_ event: Event, at time: SimInstant) -> EventTicket {
        precondition(time.nanosecondsSinceStart >= lastTime, "event scheduled in the past")
        let sequence = nextSequence
        nextSequence &+= 1
        heap.push(ScheduledEvent(time: time.nanosecondsSinceStart, sequence: sequence, event: event))
        return EventTicket(sequence: sequence, time: time)
    }

    mutating func popNext() -> (time: SimInstant, event: Event)? {
        guard let entry = heap.popMinimum() else { return nil }
        lastTime = entry.time
        return (SimInstant(nanosecondsSinceStart: entry.time), entry.event)
    }
}
