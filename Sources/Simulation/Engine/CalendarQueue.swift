/// The calendar queue behind ``EventQueue``: pending events in (time, insertion sequence) order.
///
/// A ring of `bucketCount` buckets, each `bucketWidth` wide, covers
/// the near future (by default 1,024 × 2^18 ns ≈ 268 ms, which holds WAN-scale delays); an event
/// is appended to its bucket in O(1). When the front reaches a bucket, the bucket is sorted
/// once (a counting sort on the high bits of the time offset, then an insertion pass; both
/// stable, so ties keep insertion order) and then read in order. Events scheduled into the
/// bucket being read go to a small heap beside it, and events beyond the ring's window wait
/// in a heap of their own until the window reaches them. The order delivered is exactly
/// (time, sequence), whatever the parameters; the parameters only change the speed.
///
/// It is noncopyable because it owns manually managed buffers; ``EventQueue`` gives it value
/// semantics (copy on write). See ``EventQueue`` for the contract of each operation.
struct CalendarQueue<Event>: ~Copyable {
    typealias Entry = ScheduledEvent<Event>

    /// Buckets `current + 1 ..< current + bucketCount`, and the sorted run of bucket `current`.
    private var ring: CalendarRing<Event>
    private let widthShift: Int64
    private let bucketCount: Int64
    /// Bucket number of the run; every stored event with a bucket number at or below it is in
    /// the run or in `near`.
    private var current: Int64 = 0
    /// Events scheduled at or before the current bucket after it was sorted.
    private var near = EventHeap<Event>()
    /// Events at or beyond bucket `current + bucketCount`.
    private var overflow = EventHeap<Event>()

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
    static var defaultBucketWidth: SimDuration { .nanoseconds(Int64(1) << 18) }
    /// Default number of buckets; with the default width the ring spans about 268 ms.
    static var defaultBucketCount: Int { 1_024 }
    /// Events per pool chunk: 64 × 32-byte entries is 2 KiB, long enough runs for prefetching.
    static var defaultChunkSize: Int { 64 }

    /// Creates an empty queue whose clock starts at ``SimInstant/zero``.
    /// - Parameters:
    ///   - bucketWidth: span of one bucket; a power of two nanoseconds between 2^0 and 2^31.
    ///   - bucketCount: buckets in the ring; a power of two, at least 2.
    init(bucketWidth: SimDuration = defaultBucketWidth, bucketCount: Int = defaultBucketCount) {
        self.init(bucketWidth: bucketWidth, bucketCount: bucketCount, chunkSize: CalendarQueue.defaultChunkSize)
    }

    /// Creates an empty queue with an explicit pool chunk size, for tuning measurements.
    init(bucketWidth: SimDuration, bucketCount: Int, chunkSize: Int) {
        let width = bucketWidth.nanoseconds
        precondition(width > 0 && width & (width - 1) == 0 && width <= Int64(1) << 31,
                     "bucket width must be a power of two nanoseconds, at most 2^31")
        precondition(bucketCount >= 2 && bucketCount & (bucketCount - 1) == 0,
                     "bucket count must be a power of two, at least 2")
        widthShift = Int64(width.trailingZeroBitCount)
        self.bucketCount = Int64(bucketCount)
        ring = CalendarRing(slotCount: bucketCount, widthShift: widthShift, chunkSize: chunkSize)
    }

    /// A deep copy of `other`, for copy on write.
    init(copying other: borrowing CalendarQueue) {
        ring = CalendarRing(copying: other.ring)
        widthShift = other.widthShift
        bucketCount = other.bucketCount
        current = other.current
        near = other.near
        overflow = other.overflow
        nextSequence = other.nextSequence
        storedCount = other.storedCount
        cancelledStoredCount = other.cancelledStoredCount
        cancelled = other.cancelled
        discardedAhead = other.discardedAhead
        lastDeliveredTime = other.lastDeliveredTime
        lastDeliveredSequence = other.lastDeliveredSequence
    }

    /// Number of pending events that have not been cancelled.
    var count: Int { storedCount - cancelledStoredCount }

    /// Whether no uncancelled event is pending.
    var isEmpty: Bool { count == 0 }

    /// The time of the last event delivered by ``popNext()`` (zero before the first); events
    /// may not be scheduled earlier.
    var now: SimInstant { SimInstant(nanosecondsSinceStart: lastDeliveredTime) }

    /// Schedules `event` at `time`, which must not be before the last delivered event's time.
    @discardableResult
    mutating func schedule(_ event: Event, at time: SimInstant) -> EventTicket {
        let nanoseconds = time.nanosecondsSinceStart
        precondition(nanoseconds >= lastDeliveredTime, "event scheduled in the past")
        let sequence = nextSequence
        nextSequence &+= 1
        storedCount &+= 1
        let entry = Entry(time: nanoseconds, sequence: sequence, event: event)
        let bucket = nanoseconds &>> widthShift
        let distance = bucket &- current
        if distance > 0 && distance < bucketCount {
            ring.append(entry, bucket: bucket)
        } else if distance <= 0 {
            near.push(entry)
        } else {
            overflow.push(entry)
        }
        return EventTicket(sequence: sequence, time: time)
    }

    /// Removes and returns the earliest pending event that has not been cancelled.
    @inline(__always)
    mutating func popNext() -> (time: SimInstant, event: Event)? {
        // Without an uncancelled event, stop before discarding anything: a discarded event's
        // cancellation record may only be dropped once a later event has been delivered.
        if storedCount == cancelledStoredCount { return nil }
        while true {
            let entry: Entry
            if ring.hasRun && (near.isEmpty || ring.runFirstPrecedes(near.storage[0])) {
                entry = ring.removeRunFirst()
            } else if !near.isEmpty {
                entry = near.popMinimum().unsafelyUnwrapped
            } else {
                advance()
                continue
            }
            storedCount &-= 1
            if cancelledStoredCount > 0 && cancelled.remove(entry.sequence) {
                // An uncancelled event is still stored and comes after this one, so once it is
                // delivered a repeated cancel of this ticket is recognised by its key alone.
                cancelledStoredCount &-= 1
                continue
            }
            lastDeliveredTime = entry.time
            lastDeliveredSequence = entry.sequence
            if !discardedAhead.isEmpty { releaseDiscarded() }
            return (SimInstant(nanosecondsSinceStart: entry.time), entry.event)
        }
    }

    /// The time of the next event ``popNext()`` would return, or `nil` if none is pending.
    ///
    /// Cancelled events in front of it are discarded on the way, which is why this mutates.
    mutating func peekTime() -> SimInstant? {
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
    /// cancelled (a no-op, so timers may be cancelled without tracking whether they fired).
    /// O(1): the event is only marked, and dropped when it reaches the front.
    @discardableResult
    mutating func cancel(_ ticket: EventTicket) -> Bool {
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

    /// Cancelled sequences still remembered; zero once every cancelled event has been passed.
    var cancellationRecordCount: Int { cancelled.count }

    /// Bitset pages holding cancellation records, for tests of the memory bound.
    var cancellationPageCount: Int { cancelled.allocatedPageCount }

    /// The key of the earliest stored event; at least one event must be stored.
    private mutating func headKey() -> (time: Int64, sequence: UInt64) {
        while true {
            if ring.hasRun {
                if let nearest = near.minimum, !ring.runFirstPrecedes(nearest) {
                    return (nearest.time, nearest.sequence)
                }
                let first = ring.runFirst
                return (first.time, first.sequence)
            }
            if let nearest = near.minimum {
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
                if let nearest = near.minimum, !ring.runFirstPrecedes(nearest) {
                    return near.popMinimum().unsafelyUnwrapped
                }
                return ring.removeRunFirst()
            }
            if !near.isEmpty {
                return near.popMinimum().unsafelyUnwrapped
            }
            advance()
        }
    }

    /// Moves the front to the next bucket holding events and sorts it into the run.
    /// Called only when the run and `near` are exhausted and some event is stored.
    @inline(never)
    private mutating func advance() {
        if let distance = ring.distanceToNextOccupied(after: current) {
            current &+= Int64(distance)
        } else {
            // The ring is empty: jump straight to the earliest far-future event.
            guard let earliest = overflow.minimum else {
                preconditionFailure("event queue bookkeeping lost an event")
            }
            current = earliest.time &>> widthShift
        }
        // The window now reaches bucket `current + bucketCount - 1`: bring those events in
        // before anything can be scheduled there directly, so ties stay in sequence order.
        while let earliest = overflow.minimum, (earliest.time &>> widthShift) &- current < bucketCount {
            ring.append(overflow.popMinimum().unsafelyUnwrapped, bucket: earliest.time &>> widthShift)
        }
        ring.loadRun(bucket: current)
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

