/// The handle of one scheduled event, used to cancel it.
///
/// It holds the event's insertion sequence number (unique within its queue) and its time;
/// the time lets ``EventQueue/cancel(_:)`` recognise an event that has already been delivered
/// without keeping any record of delivered events.
public struct EventTicket: Hashable, Sendable {
    /// The insertion sequence number: the n-th event scheduled on a queue has sequence n (from 1).
    public let sequence: UInt64
    /// The time the event was scheduled for.
    public let time: SimInstant
}

/// The simulation's pending events, delivered in (time, insertion sequence) order.
///
/// Equal times come out first-in-first-out. Cancelling is lazy: a cancelled event stays stored
/// until it reaches the front, where it is discarded unseen and its cancellation record is
/// dropped, so the bookkeeping never outgrows the events stored.
///
/// This is a two-level calendar queue. Time is cut into buckets of `bucketWidth` (by default
/// 2^18 ns ≈ 262 µs) and periods of `bucketCount` buckets (by default 1,024, ≈ 268 ms). A near
/// ring of buckets holds the current and the next period, so every delay of up to one period
/// (WAN latencies, CPU service times) is appended to its bucket in O(1). When the front
/// reaches a bucket, the bucket is sorted once (a counting sort on the high bits of the time
/// offset, then an insertion pass on the full (time, sequence) key) and read in order. Longer
/// delays (timeouts, periodic timers) go to a far ring of period-wide buckets (by default 64,
/// ≈ 17 s) and are spread into the near ring, again in O(1) each, when their period becomes the
/// next one; only events beyond that horizon wait in a heap. Events scheduled into the bucket
/// being read go to a small heap beside it. The order delivered is exactly (time, sequence)
/// whatever the layout; the layout only changes the speed. On the reference hold load
/// (``EventQueueHoldLoad``, `cretoscale bench --filter queue`) it is about ten times faster
/// than a binary or 4-ary heap.
///
/// The queue is noncopyable: it owns large, manually managed buffers, and a simulation has
/// one. Keep it in a local variable or in a stored property of a noncopyable struct and pass
/// it `inout` (from a class property, every access pays Swift's dynamic exclusivity check).
/// `Event` should be a small value (the simulator's events are at most a message header
/// and two references); each stored event costs its size plus 16 bytes, and every byte is
/// moved once more when its bucket is sorted.
public struct EventQueue<Event>: ~Copyable {
    typealias Entry = ScheduledEvent<Event>

    /// Near ring slots `0 ..< 2·bucketCount` (bucket `b` in slot `b mod 2·bucketCount`), far
    /// ring slots after them (far bucket `f` in slot `2·bucketCount + f mod farBucketCount`),
    /// and the sorted run of the current bucket.
    private var ring: CalendarRing<Event>
    /// log2 of the bucket width in nanoseconds.
    private let widthShift: Int64
    /// log2 of the buckets per period; far bucket number = bucket number >> periodShift.
    private let periodShift: Int64
    private let nearSlotCount: Int
    private let farSlotCount: Int
    /// Bucket number of the run. Every stored event with a bucket number at or below it is in
    /// the run or in `besideRun`; those in buckets up to the end of the next period are in the
    /// near ring; those in the following `farSlotCount` periods are in the far ring; the rest
    /// are in `beyondHorizon`.
    private var current: Int64
    /// The period of `current`, `current >> periodShift`.
    private var period: Int64
    /// The first bucket after the near ring's window: the start of period `period + 2`.
    private var nearWindowEnd: Int64
    /// Events scheduled into the current bucket (or an earlier one) after it was sorted.
    private var besideRun = EventHeap<Event>()
    /// Events beyond the far ring's horizon.
    private var beyondHorizon = EventHeap<Event>()

    private var nextSequence: UInt64 = 1
    /// Events held in any structure, cancelled ones included.
    private var storedCount = 0
    /// Stored events whose tickets are cancelled.
    private var cancelledStoredCount = 0
    /// Sequences of cancelled events still stored, plus those in `discardedAhead`.
    private var cancelled = SequenceBitset()
    /// Cancelled events that `peekTime` discarded after the last delivered event; their bits
    /// stay in `cancelled` until delivery passes them, so a repeated cancel still sees them.
    private var discardedAhead: [(time: Int64, sequence: UInt64)] = []
    /// Key of the last delivered event; every stored event's key is greater.
    private var lastDeliveredTime: Int64 = 0
    private var lastDeliveredSequence: UInt64 = 0

    /// Default width of one bucket: 2^18 ns ≈ 262 µs.
    public static var defaultBucketWidth: SimDuration { .nanoseconds(Int64(1) << 18) }
    /// Default number of buckets in a period; with the default width a period is about 268 ms.
    public static var defaultBucketCount: Int { 1_024 }
    /// Default number of far buckets, each a period wide: about 17 s ahead by default.
    static var defaultFarBucketCount: Int { 64 }
    /// Events per pool chunk: 64 × 32-byte entries is 2 KiB, long enough runs for prefetching.
    static var defaultChunkSize: Int { 64 }

    /// The bucket width for a simulation whose events come at least `shortestDelay` after the
    /// event that schedules them (its shortest message latency): the widest power of two
    /// nanoseconds no more than half of it, from 2^10 ns up to ``defaultBucketWidth``.
    ///
    /// An event scheduled into the bucket being read goes to the heap beside it, and a heap
    /// costs a logarithm and a copy of the event per operation where a bucket costs an
    /// append. With buckets no wider than the shortest delay no message lands there; at half
    /// of it, in a sharded run, only the mail that arrives in the part of a bucket a window
    /// left unread. On the Local profile (messages from 100 µs) the default 262 µs put 4 % of
    /// a one-queue run's events beside the run. The LAN, WAN and Degraded profiles keep the
    /// default. The order of events does not depend on the width.
    public static func bucketWidth(forShortestDelay shortestDelay: SimDuration) -> SimDuration {
        var width = defaultBucketWidth.nanoseconds
        while width > 1 << 10 && width > shortestDelay.nanoseconds / 2 { width >>= 1 }
        return .nanoseconds(width)
    }

    /// Creates an empty queue whose clock starts at ``SimInstant/zero``.
    ///
    /// The layout affects speed only: a period (`bucketWidth × bucketCount`) should cover the
    /// common delays, and a bucket should hold from a few to a few thousand events.
    /// - Parameters:
    ///   - bucketWidth: span of one bucket; a power of two nanoseconds from 2 to 2^31.
    ///   - bucketCount: buckets in a period; a power of two, at least 2.
    public init(bucketWidth: SimDuration = defaultBucketWidth, bucketCount: Int = defaultBucketCount) {
        self.init(bucketWidth: bucketWidth, bucketCount: bucketCount,
                  farBucketCount: EventQueue.defaultFarBucketCount, chunkSize: EventQueue.defaultChunkSize)
    }

    /// Creates an empty queue with every layout parameter explicit, for tests and tuning.
    /// `farBucketCount` and `chunkSize` must be powers of two.
    init(bucketWidth: SimDuration, bucketCount: Int, farBucketCount: Int, chunkSize: Int) {
        let width = bucketWidth.nanoseconds
        // At least 2 ns, so that bucket numbers stay below 2^62 and window arithmetic cannot
        // overflow even for events at `SimInstant.max`.
        precondition(width >= 2 && width & (width - 1) == 0 && width <= Int64(1) << 31,
                     "bucket width must be a power of two nanoseconds from 2 to 2^31")
        precondition(bucketCount >= 2 && bucketCount & (bucketCount - 1) == 0 && bucketCount <= 1 << 20,
                     "bucket count must be a power of two between 2 and 2^20")
        precondition(farBucketCount >= 1 && farBucketCount & (farBucketCount - 1) == 0,
                     "far bucket count must be a power of two")
        widthShift = Int64(width.trailingZeroBitCount)
        periodShift = Int64(bucketCount.trailingZeroBitCount)
        nearSlotCount = 2 * bucketCount
        farSlotCount = farBucketCount
        ring = CalendarRing(slotCount: nearSlotCount + farSlotCount, chunkSize: chunkSize)
        // The front starts just before bucket 0, at the end of period -1, so the near window
        // is period 0 and the far ring holds periods 1 ... farBucketCount.
        current = -1
        period = -1
        nearWindowEnd = 1 &<< periodShift
    }

    /// Number of pending events that have not been cancelled.
    public var count: Int { storedCount - cancelledStoredCount }

    /// Whether no uncancelled event is pending.
    public var isEmpty: Bool { count == 0 }

    /// The time of the last event delivered by ``popNext()`` (zero before the first); events
    /// may not be scheduled earlier.
    public var now: SimInstant { SimInstant(nanosecondsSinceStart: lastDeliveredTime) }

    /// Schedules `event` at `time` and returns the ticket that can cancel it.
    ///
    /// `time` must not be earlier than ``now`` (a precondition, checked in release builds).
    /// Events at equal times are delivered in the order they were scheduled.
    @discardableResult
    @inline(__always)
    public mutating func schedule(_ event: consuming Event, at time: SimInstant) -> EventTicket {
        let nanoseconds = time.nanosecondsSinceStart
        precondition(nanoseconds >= lastDeliveredTime, "event scheduled in the past")
        let sequence = nextSequence
        nextSequence &+= 1
        return store(event, at: nanoseconds, sequence: sequence)
    }

    /// Takes the next insertion sequence number without scheduling anything: an event
    /// scheduled later with it (``schedule(_:at:sequence:)``) is ordered among equal times
    /// as if it had been scheduled now.
    mutating func reserveSequence() -> UInt64 {
        defer { nextSequence &+= 1 }
        return nextSequence
    }

    /// Schedules `event` at `time` with a sequence number taken earlier by
    /// ``reserveSequence()``, used for no other event. The key (`time`, `sequence`) must come
    /// after the last event delivered (a precondition).
    @discardableResult
    mutating func schedule(_ event: consuming Event, at time: SimInstant, sequence: UInt64) -> EventTicket {
        let nanoseconds = time.nanosecondsSinceStart
        precondition(nanoseconds > lastDeliveredTime || (nanoseconds == lastDeliveredTime && sequence > lastDeliveredSequence),
                     "event scheduled before the last one delivered")
        precondition(sequence < nextSequence, "sequence number not reserved")
        return store(event, at: nanoseconds, sequence: sequence)
    }

    @inline(__always)
    private mutating func store(_ event: consuming Event, at nanoseconds: Int64, sequence: UInt64) -> EventTicket {
        storedCount &+= 1
        let entry = Entry(time: nanoseconds, sequence: sequence, event: consume event)
        let bucket = nanoseconds &>> widthShift
        // One unsigned comparison tests current < bucket < nearWindowEnd.
        if UInt64(bitPattern: bucket &- current &- 1) < UInt64(bitPattern: nearWindowEnd &- current &- 1) {
            ring.append(consume entry, slot: Int(truncatingIfNeeded: bucket) & (nearSlotCount &- 1))
        } else {
            fileOutsideNearWindow(consume entry, bucket: bucket)
        }
        return EventTicket(sequence: sequence, time: SimInstant(nanosecondsSinceStart: nanoseconds))
    }

    /// Files an entry whose bucket is not in the near ring's window: at or before the current
    /// bucket (beside the run), in the far ring, or beyond it.
    @inline(never)
    private mutating func fileOutsideNearWindow(_ entry: consuming Entry, bucket: Int64) {
        if bucket <= current {
            besideRun.push(consume entry)
            return
        }
        let farBucket = bucket &>> periodShift
        if farBucket &- period &- 2 < Int64(farSlotCount) {
            ring.append(consume entry, slot: nearSlotCount &+ Int(truncatingIfNeeded: farBucket) & (farSlotCount &- 1))
        } else {
            beyondHorizon.push(consume entry)
        }
    }

    /// Files an entry by the same rules as ``schedule(_:at:)``; used when entries move up
    /// from the far ring or the far-future heap.
    private mutating func file(_ entry: consuming Entry) {
        let bucket = entry.time &>> widthShift
        if bucket > current && bucket < nearWindowEnd {
            ring.append(consume entry, slot: Int(truncatingIfNeeded: bucket) & (nearSlotCount &- 1))
        } else {
            fileOutsideNearWindow(consume entry, bucket: bucket)
        }
    }

    /// Removes and returns the earliest pending event that has not been cancelled, or `nil` if
    /// none is pending. Cancelled events reached on the way are discarded.
    @inline(__always)
    public mutating func popNext() -> (time: SimInstant, event: Event)? {
        pop(before: 0, bounded: false)
    }

    /// Removes and returns the earliest pending event that has not been cancelled if it comes
    /// before `bound`; `nil` when none is pending or the earliest comes at `bound` or later
    /// (it then stays).
    @inline(__always)
    public mutating func popNext(before bound: SimInstant) -> (time: SimInstant, event: Event)? {
        pop(before: bound.nanosecondsSinceStart, bounded: true)
    }

    @inline(__always)
    private mutating func pop(before limit: Int64, bounded: Bool) -> (time: SimInstant, event: Event)? {
        // Without an uncancelled event, stop before discarding anything: a discarded event's
        // cancellation record may only be dropped once a later event has been delivered.
        if storedCount == cancelledStoredCount { return nil }
        while true {
            let entry: Entry
            if ring.hasRun && (besideRun.isEmpty || ring.runFirstPrecedes(besideRun.storage[0])) {
                if bounded && ring.runFirst.time >= limit { return nil }
                entry = ring.removeRunFirst()
            } else if !besideRun.isEmpty {
                if bounded && besideRun.storage[0].time >= limit { return nil }
                entry = besideRun.popMinimum().unsafelyUnwrapped
            } else {
                if bounded && !mayStoreEvent(before: limit) { return nil }
                advance()
                continue
            }
            storedCount &-= 1
            // Most events were never cancelled: the inlined test spares them the call.
            if cancelledStoredCount > 0 && cancelled.contains(entry.sequence) && cancelled.remove(entry.sequence) {
                // An uncancelled event is still stored and comes after this one, so once it is
                // delivered a repeated cancel of this ticket is recognised by its key alone.
                cancelledStoredCount &-= 1
                continue
            }
            lastDeliveredTime = entry.time
            lastDeliveredSequence = entry.sequence
            if !discardedAhead.isEmpty { releaseDiscarded() }
            return (SimInstant(nanosecondsSinceStart: entry.time), (consume entry).event)
        }
    }

    /// Calls `body` with an event likely to come `distance` events after the next one (the
    /// sorted bucket being drained is read; an event scheduled meanwhile may come first),
    /// when there is one to read. For hints only: what comes next is what ``popNext()``
    /// returns.
    @inline(__always)
    func withUpcomingEvent<R>(ahead distance: Int, _ body: (borrowing Event) -> R?) -> R? {
        ring.withRunEntry(ahead: distance, body)
    }

    /// The time of the event ``popNext()`` would return next, or `nil` if none is pending.
    ///
    /// Cancelled events in front of it are discarded on the way, which is why this mutates;
    /// ``now`` does not move.
    public mutating func peekTime() -> SimInstant? {
        if storedCount == cancelledStoredCount { return nil }
        while true {
            let head = headKey()
            if cancelledStoredCount > 0 && cancelled.contains(head.sequence) {
                _ = removeHead()
                storedCount &-= 1
                cancelledStoredCount &-= 1
                discardedAhead.append(head)
                continue
            }
            return SimInstant(nanosecondsSinceStart: head.time)
        }
    }

    /// Cancels the event of `ticket` so that it is never delivered.
    ///
    /// Returns `true` if the event was pending, `false` if it had already been delivered or
    /// cancelled (a no-op, so a timer may be cancelled without tracking whether it fired).
    /// O(1): the event is only marked, and dropped when it reaches the front.
    @discardableResult
    public mutating func cancel(_ ticket: EventTicket) -> Bool {
        precondition(ticket.sequence > 0 && ticket.sequence < nextSequence, "ticket from another queue")
        let time = ticket.time.nanosecondsSinceStart
        if time < lastDeliveredTime || (time == lastDeliveredTime && ticket.sequence <= lastDeliveredSequence) {
            return false
        }
        if !cancelled.insert(ticket.sequence) { return false }
        cancelledStoredCount &+= 1
        return true
    }

    // MARK: Internals

    /// Events held, cancelled ones not yet discarded included.
    var storedEventCount: Int { storedCount }

    /// Events held in the heap beside the run (for tests of what goes there).
    var eventsBesideRun: Int { besideRun.count }

    /// Cancelled sequences still remembered; zero once every cancelled event has been passed.
    var cancellationRecordCount: Int { cancelled.count }

    /// Bitset pages holding cancellation records, for tests of the memory bound.
    var cancellationPageCount: Int { cancelled.allocatedPageCount }

    /// The key of the earliest stored event; at least one event must be stored.
    private mutating func headKey() -> (time: Int64, sequence: UInt64) {
        while true {
            if ring.hasRun {
                if let nearest = besideRun.minimum, !ring.runFirstPrecedes(nearest) {
                    return (nearest.time, nearest.sequence)
                }
                let first = ring.runFirst
                return (first.time, first.sequence)
            }
            if let nearest = besideRun.minimum {
                return (nearest.time, nearest.sequence)
            }
            advance()
        }
    }

    /// Removes and returns the earliest stored event; at least one event must be stored.
    @inline(never)
    private mutating func removeHead() -> Entry {
        while true {
            if ring.hasRun {
                if let nearest = besideRun.minimum, !ring.runFirstPrecedes(nearest) {
                    return besideRun.popMinimum().unsafelyUnwrapped
                }
                return ring.removeRunFirst()
            }
            if !besideRun.isEmpty {
                return besideRun.popMinimum().unsafelyUnwrapped
            }
            advance()
        }
    }

    /// Where the next stored event lies past the run and `besideRun`: the next occupied near
    /// bucket up to the end of the next period, else the first period that holds events (in
    /// the far ring, else beyond its horizon); nil when nothing is stored there.
    private enum NextOccupied {
        case nearBucket(Int64)
        case period(Int64)
    }

    private func nextOccupied() -> NextOccupied? {
        let span = Int(nearWindowEnd &- current &- 1)
        if let distance = ring.firstOccupied(ringBase: 0, ringSize: nearSlotCount,
                                             start: Int(truncatingIfNeeded: current &+ 1), limit: span) {
            return .nearBucket(current &+ 1 &+ Int64(distance))
        }
        if let distance = ring.firstOccupied(ringBase: nearSlotCount, ringSize: farSlotCount,
                                             start: Int(truncatingIfNeeded: period &+ 2), limit: farSlotCount) {
            return .period(period &+ 2 &+ Int64(distance))
        }
        if let earliest = beyondHorizon.minimum { return .period(earliest.time &>> (widthShift &+ periodShift)) }
        return nil
    }

    /// Moves the front to the next bucket holding events and sorts it into the run.
    /// Called only when the run and `besideRun` are exhausted and some event is stored.
    @inline(never)
    private mutating func advance() {
        // After at most one jump the near window holds the next event.
        for attempt in 0..<2 {
            switch nextOccupied() {
            case let .nearBucket(bucket):
                if bucket &>> periodShift > period {
                    // The current period is over: its slots are free for the period after next.
                    enterPeriod(period &+ 1)
                }
                current = bucket
                ring.loadSortedRun(slot: Int(truncatingIfNeeded: bucket) & (nearSlotCount &- 1),
                                   bucketStart: bucket &<< widthShift, widthShift: Int(widthShift))
                return
            case let .period(target):
                // Nothing in the near window: jump to the first period that holds events,
                // making it the next period so that entering it fills the near ring.
                precondition(attempt == 0, "event queue lost track of its events")
                current = (target &<< periodShift) &- 1
                enterPeriod(target &- 1)
            case nil:
                preconditionFailure("event queue bookkeeping lost an event")
            }
        }
        preconditionFailure("event queue lost track of its events")
    }

    /// Whether an event before `limit` may be stored past the run and `besideRun` (both
    /// empty): whether the bucket or period `advance` would move to starts before it.
    ///
    /// A bounded pop that finds none returns without advancing. Advancing would make the next
    /// occupied bucket the current one, however far ahead, and every event scheduled before
    /// it from then on would go to the heap beside the run. A sharded run pops up to each
    /// window's end, and a shard whose near buckets are empty there (its next messages still
    /// in the other shard's outbox) jumped to its next occupied bucket, a timer up to seconds
    /// ahead: on the Local profile more than half of the events then went through the heap,
    /// and popping it took more than a quarter of a sampling profile. Whether or not it
    /// advances, the queue delivers the same events in the same order.
    @inline(never)
    private func mayStoreEvent(before limit: Int64) -> Bool {
        switch nextOccupied() {
        case let .nearBucket(bucket): bucket &<< widthShift < limit
        case let .period(target): target &<< (widthShift &+ periodShift) < limit
        case nil: false
        }
    }

    /// Makes `newPeriod` the current period: the near ring's window extends to the end of the
    /// period after it, whose events move in from the far ring, and far-future events now
    /// within the far ring's horizon move into it. The run and `besideRun` must be empty, and no
    /// near bucket from `current` to the end of the previous period may hold events, since
    /// their slots now serve the period after next.
    private mutating func enterPeriod(_ newPeriod: Int64) {
        period = newPeriod
        nearWindowEnd = (period &+ 2) &<< periodShift
        let farSlot = nearSlotCount &+ Int(truncatingIfNeeded: period &+ 1) & (farSlotCount &- 1)
        if ring.isOccupied(farSlot) {
            // The run is empty here, so it can carry the far bucket's entries while they are
            // spread over the near slots of the new next period.
            ring.loadUnsortedRun(slot: farSlot)
            while ring.hasRun {
                file(ring.removeRunFirst())
            }
        }
        let horizon = period &+ 2 &+ Int64(farSlotCount)
        while let earliest = beyondHorizon.minimum, earliest.time &>> (widthShift &+ periodShift) < horizon {
            file(beyondHorizon.popMinimum().unsafelyUnwrapped)
        }
    }

    /// Clears the cancelled marks of discarded events that delivery has now passed.
    private mutating func releaseDiscarded() {
        var kept = 0
        for index in 0..<discardedAhead.count {
            let item = discardedAhead[index]
            if item.time < lastDeliveredTime
                || (item.time == lastDeliveredTime && item.sequence <= lastDeliveredSequence) {
                cancelled.remove(item.sequence)
            } else {
                discardedAhead[kept] = item
                kept += 1
            }
        }
        discardedAhead.removeLast(discardedAhead.count - kept)
    }
}

extension EventQueue: @unchecked Sendable where Event: Sendable {}
