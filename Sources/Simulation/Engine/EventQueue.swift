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
/// until it reaches the front, where it is discarded unseen, and the record of it is dropped
/// then, so cancellation bookkeeping never outgrows the events stored.
///
/// Internally a calendar queue (see `CalendarQueue`): O(1) scheduling and amortised O(1)
/// delivery for events within the ring's window (by default about 268 ms ahead), and a heap
/// for events beyond it. It is a value type with copy-on-write storage; copying a queue is
/// cheap until one of the copies changes, which then copies every stored event.
///
/// `Event` should be a small value (the simulator's events are 16–24-byte structs of ids and
/// numbers); each stored event costs its size plus 16 bytes.
public struct EventQueue<Event> {
    private var storage: EventQueueStorage<Event>

    /// Default width of one bucket: 2^18 ns ≈ 262 µs.
    public static var defaultBucketWidth: SimDuration { CalendarQueue<Event>.defaultBucketWidth }
    /// Default number of buckets; with the default width the window spans about 268 ms.
    public static var defaultBucketCount: Int { CalendarQueue<Event>.defaultBucketCount }

    /// Creates an empty queue whose clock starts at ``SimInstant/zero``.
    ///
    /// The layout only affects speed, never the order of delivery: the window
    /// (`bucketWidth × bucketCount`) should cover the common delays, and a bucket should hold
    /// from a few to a few thousand events.
    /// - Parameters:
    ///   - bucketWidth: span of one bucket; a power of two nanoseconds between 2^0 and 2^31.
    ///   - bucketCount: buckets in the ring; a power of two, at least 2.
    public init(bucketWidth: SimDuration = defaultBucketWidth, bucketCount: Int = defaultBucketCount) {
        storage = EventQueueStorage(CalendarQueue(bucketWidth: bucketWidth, bucketCount: bucketCount))
    }

    /// Creates an empty queue with an explicit pool chunk size, for tuning measurements.
    init(bucketWidth: SimDuration, bucketCount: Int, chunkSize: Int) {
        storage = EventQueueStorage(CalendarQueue(bucketWidth: bucketWidth, bucketCount: bucketCount, chunkSize: chunkSize))
    }

    /// Number of pending events that have not been cancelled.
    public var count: Int { storage.queue.pointee.count }

    /// Whether no uncancelled event is pending.
    public var isEmpty: Bool { storage.queue.pointee.isEmpty }

    /// The time of the last event delivered by ``popNext()`` (zero before the first); events
    /// may not be scheduled earlier.
    public var now: SimInstant { storage.queue.pointee.now }

    /// Schedules `event` at `time` and returns the ticket that can cancel it.
    ///
    /// `time` must not be earlier than ``now`` (a precondition, checked in release builds).
    /// Events at equal times are delivered in the order they were scheduled.
    @discardableResult
    @inline(__always)
    public mutating func schedule(_ event: Event, at time: SimInstant) -> EventTicket {
        makeUnique()
        return storage.queue.pointee.schedule(event, at: time)
    }

    /// Removes and returns the earliest pending event that has not been cancelled, or `nil`
    /// if none is pending. Cancelled events reached on the way are discarded.
    @inline(__always)
    public mutating func popNext() -> (time: SimInstant, event: Event)? {
        makeUnique()
        return storage.queue.pointee.popNext()
    }

    /// The time of the event ``popNext()`` would return next, or `nil` if none is pending.
    ///
    /// Cancelled events in front of it are discarded on the way, which is why this mutates;
    /// ``now`` does not move.
    public mutating func peekTime() -> SimInstant? {
        makeUnique()
        return storage.queue.pointee.peekTime()
    }

    /// Cancels the event of `ticket` so that it is never delivered.
    ///
    /// Returns `true` if the event was pending, `false` if it had already been delivered or
    /// cancelled (a no-op, so a timer may be cancelled without tracking whether it fired).
    /// O(1): the event is only marked, and dropped when it reaches the front.
    @discardableResult
    public mutating func cancel(_ ticket: EventTicket) -> Bool {
        makeUnique()
        return storage.queue.pointee.cancel(ticket)
    }

    /// Events held, cancelled ones not yet discarded included.
    var storedEventCount: Int { storage.queue.pointee.storedEventCount }

    /// Cancelled sequences still remembered; zero once every cancelled event has been passed.
    var cancellationRecordCount: Int { storage.queue.pointee.cancellationRecordCount }

    /// Bitset pages holding cancellation records, for tests of the memory bound.
    var cancellationPageCount: Int { storage.queue.pointee.cancellationPageCount }

    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }
}

/// The shared, copy-on-write home of an ``EventQueue``'s calendar queue.
///
/// The queue sits behind a pointer held in a `let`, so reaching it costs no exclusivity check.
final class EventQueueStorage<Event> {
    let queue: UnsafeMutablePointer<CalendarQueue<Event>>

    init(_ calendar: consuming CalendarQueue<Event>) {
        queue = .allocate(capacity: 1)
        queue.initialize(to: calendar)
    }

    deinit {
        queue.deinitialize(count: 1)
        queue.deallocate()
    }

    /// A new storage holding a deep copy of this one's queue.
    func copy() -> EventQueueStorage {
        EventQueueStorage(CalendarQueue(copying: queue.pointee))
    }
}

extension EventQueue: @unchecked Sendable where Event: Sendable {}
