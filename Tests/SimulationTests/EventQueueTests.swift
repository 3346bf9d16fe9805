import Testing
@testable import Simulation

/// A plain sorted list with the queue's contract, used as the oracle in differential tests.
private struct ReferenceQueue {
    /// Sorted by (time, sequence) descending, so the next event is last.
    var entries: [(time: Int64, sequence: UInt64, payload: Int)] = []
    var nextSequence: UInt64 = 1

    var count: Int { entries.count }

    private func insertionIndex(time: Int64, sequence: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            let entry = entries[middle]
            if entry.time > time || (entry.time == time && entry.sequence > sequence) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    mutating func schedule(_ payload: Int, at time: Int64) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        entries.insert((time, sequence, payload), at: insertionIndex(time: time, sequence: sequence))
        return sequence
    }

    mutating func pop() -> (time: Int64, payload: Int)? {
        guard let last = entries.popLast() else { return nil }
        return (last.time, last.payload)
    }

    mutating func cancel(time: Int64, sequence: UInt64) -> Bool {
        let index = insertionIndex(time: time, sequence: sequence)
        guard index < entries.count, entries[index].time == time, entries[index].sequence == sequence else {
            return false
        }
        entries.remove(at: index)
        return true
    }

    var peekTime: Int64? { entries.last?.time }
}

/// Counts live instances, to check that the queue neither leaks nor double-frees payloads.
private final class LifetimeTracker: @unchecked Sendable {
    nonisolated(unsafe) static var live = 0
    let id: Int
    init(id: Int) {
        self.id = id
        LifetimeTracker.live += 1
    }
    deinit { LifetimeTracker.live -= 1 }
}

private func drain(_ queue: inout EventQueue<Int>) -> [(Int64, Int)] {
    var delivered: [(Int64, Int)] = []
    while let (time, event) = queue.popNext() {
        delivered.append((time.nanosecondsSinceStart, event))
    }
    return delivered
}

private func instant(_ nanoseconds: Int64) -> SimInstant {
    SimInstant(nanosecondsSinceStart: nanoseconds)
}

struct EventQueueTests {
    @Test func deliversByTimeThenInsertionOrder() {
        var queue = EventQueue<Int>()
        let times: [Int64] = [5_000_000, 1_000, 5_000_000, 0, 300_000_000, 1_000, 5_000_000, 262_144, 262_143]
        for (index, time) in times.enumerated() {
            queue.schedule(index, at: instant(time))
        }
        #expect(queue.count == times.count)
        let delivered = drain(&queue)
        #expect(delivered.map(\.1) == [3, 1, 5, 8, 7, 0, 2, 6, 4])
        #expect(delivered.map(\.0) == [0, 1_000, 1_000, 262_143, 262_144, 5_000_000, 5_000_000, 5_000_000, 300_000_000])
        let isEmpty = queue.isEmpty
        #expect(isEmpty)
        let afterDrain = queue.popNext()
        #expect(afterDrain == nil)
    }

    @Test func aReservedSequenceOrdersAnEventAsIfScheduledWhenReserved() {
        var queue = EventQueue<Int>()
        let reserved = queue.reserveSequence()
        queue.schedule(1, at: instant(2_000))
        queue.schedule(2, at: instant(1_000))
        queue.schedule(0, at: instant(2_000), sequence: reserved)      // before 1, scheduled earlier at its time
        queue.schedule(3, at: instant(900_000_000), sequence: queue.reserveSequence())   // in the far ring
        let delivered = drain(&queue)
        #expect(delivered.map(\.1) == [2, 0, 1, 3])
        #expect(delivered.map(\.0) == [1_000, 2_000, 2_000, 900_000_000])
    }

    @Test func theEventsAheadAreShownInTheOrderTheyCome() {
        // Forty events in one bucket, scheduled in random order; once the bucket is sorted
        // (at the first pop), each place ahead shows the event that comes there.
        var queue = EventQueue<Int>()
        var random = Xoshiro256StarStar(seed: 3)
        var times = (0..<40).map { 10_000_000 + 100 * Int64($0) }
        for index in times.indices.reversed() { times.swapAt(index, Int(random.nextBelow(UInt64(index + 1)))) }
        for time in times { queue.schedule(Int(time), at: instant(time)) }
        #expect(queue.withUpcomingEvent(ahead: 0) { event in copy event } == nil)      // nothing sorted yet
        #expect(queue.popNext()?.event == 10_000_000)
        let rest = times.sorted().dropFirst().map { Int($0) }
        for distance in rest.indices {
            #expect(queue.withUpcomingEvent(ahead: distance) { event in copy event } == rest[distance])
        }
        #expect(queue.withUpcomingEvent(ahead: rest.count) { event in copy event } == nil)
        #expect(drain(&queue).map(\.1) == rest)
    }

    @Test func tiesStayFirstInFirstOutAcrossTheQueuesParts() {
        // Events at one time land in a ring bucket, in the heap beside the current bucket and
        // in the far-future heap; they must still come out in scheduling order.
        var queue = EventQueue<Int>()
        let tie: Int64 = 1_000_000
        queue.schedule(0, at: instant(tie))
        queue.schedule(1, at: instant(tie))
        queue.schedule(100, at: instant(tie - 1))
        let first = queue.popNext()
        #expect(first?.event == 100)
        // The tie's bucket is now the current one: these go beside the sorted run.
        queue.schedule(2, at: instant(tie))
        queue.schedule(3, at: instant(tie))
        #expect(drain(&queue).map(\.1) == [0, 1, 2, 3])

        let far: Int64 = 5_000_000_000
        queue.schedule(10, at: instant(far))
        queue.schedule(11, at: instant(far))
        queue.schedule(200, at: instant(far - 100_000_000))
        let beforeFar = queue.popNext()
        #expect(beforeFar?.event == 200)
        // The window now covers `far`, so these are appended straight to its bucket.
        queue.schedule(12, at: instant(far))
        queue.schedule(13, at: instant(far))
        #expect(drain(&queue).map(\.1) == [10, 11, 12, 13])
    }

    @Test func tiesAtTheWindowEdgeStayFirstInFirstOut() {
        // An event scheduled beyond the window, then the front moves so the window covers it,
        // then a second event at the same time: the first must still come out first, for every
        // distance around the window's edge and for a window that moves by a jump.
        let width: Int64 = 1 << 10
        let buckets = 8
        for bucketsAhead in 1...(buckets + 3) {
            for offset in [Int64(0), width / 2, width - 1] {
                for frontStep in [Int64(1), 3, Int64(buckets)] {
                    var queue = EventQueue<Int>(bucketWidth: .nanoseconds(width), bucketCount: buckets)
                    let start: Int64 = 10 * width
                    queue.schedule(-1, at: instant(start))
                    let first = queue.popNext()
                    #expect(first?.event == -1)
                    let tie = start + Int64(bucketsAhead) * width + offset + frontStep * width
                    queue.schedule(0, at: instant(tie))
                    queue.schedule(-2, at: instant(start + frontStep * width))
                    let moved = queue.popNext()
                    #expect(moved?.event == -2)
                    queue.schedule(1, at: instant(tie))
                    #expect(drain(&queue).map(\.1) == [0, 1], "ahead \(bucketsAhead), offset \(offset), step \(frontStep)")
                }
            }
        }
    }

    @Test func aBoundedPopLeavesTheQueueBeforeItsBound() {
        // A shard's queue at a window's end: nothing left before the bound but a timeout far
        // ahead. The messages then taken in for the next window belong in their buckets, not
        // in the heap beside a bucket the queue would have jumped to.
        var queue = EventQueue<Int>()
        queue.schedule(-1, at: instant(3_000_000_000))
        #expect(queue.popNext(before: instant(1_000_000)) == nil)
        for index in 0..<1_000 { queue.schedule(index, at: instant(1_000_000 + Int64(999 - index) * 997)) }
        #expect(queue.eventsBesideRun == 0)
        let delivered = drain(&queue)
        #expect(delivered.map(\.1) == Array((0..<1_000).reversed()) + [-1])
        // Events before the bound still come out, however far the queue must move for them.
        queue.schedule(7, at: instant(9_000_000_000))
        let far = queue.popNext(before: instant(9_000_000_001))
        #expect(far?.event == 7)
    }

    @Test func bucketsAreNoWiderThanHalfTheShortestDelay() {
        // Local (messages from 100 µs), LAN (1 ms), WAN (50 ms), and a floor for tiny delays.
        #expect(EventQueue<Int>.bucketWidth(forShortestDelay: .microseconds(100)) == .nanoseconds(32_768))
        #expect(EventQueue<Int>.bucketWidth(forShortestDelay: .milliseconds(1)) == .nanoseconds(262_144))
        #expect(EventQueue<Int>.bucketWidth(forShortestDelay: .milliseconds(50)) == EventQueue<Int>.defaultBucketWidth)
        #expect(EventQueue<Int>.bucketWidth(forShortestDelay: .microseconds(1)) == .nanoseconds(1_024))
        #expect(EventQueue<Int>.bucketWidth(forShortestDelay: .zero) == .nanoseconds(1_024))
    }

    @Test func sortsABucketCrowdedInReverseOrder() {
        // Thousands of events packed into a few nanoseconds per sorting digit, scheduled
        // latest first: the bucket sort must still deliver them in order (and not quadratically).
        var queue = EventQueue<Int>()
        let base: Int64 = 50_000_000
        for index in 0..<20_000 {
            queue.schedule(index, at: instant(base + Int64(20_000 - index / 2)))
        }
        let delivered = drain(&queue)
        #expect(delivered.count == 20_000)
        #expect(delivered.first?.1 == 19_998 && delivered.last?.1 == 1)
        let inOrder = zip(delivered, delivered.dropFirst()).allSatisfy { earlier, later in
            earlier.0 < later.0 || (earlier.0 == later.0 && earlier.1 < later.1)
        }
        #expect(inOrder)
    }

    @Test(arguments: [(18, 1_024, 64), (1, 2, 1), (4, 4, 4)])
    func handlesEventsFarInTheFuture(widthShift: Int, buckets: Int, farBuckets: Int) {
        var queue = EventQueue<Int>(bucketWidth: .nanoseconds(Int64(1) << Int64(widthShift)), bucketCount: buckets,
                                    farBucketCount: farBuckets, chunkSize: 2)
        let times: [Int64] = [
            Int64.max, 3_600_000_000_000, 10_000_000_000, 268_435_456, 268_435_455, 1,
            86_400_000_000_000, Int64.max - 1, 10_000_000_000, 0,
        ]
        for (index, time) in times.enumerated() {
            queue.schedule(index, at: instant(time))
        }
        let delivered = drain(&queue)
        #expect(delivered.map(\.0) == times.sorted())
        #expect(delivered.map(\.1) == [9, 5, 4, 3, 2, 8, 1, 6, 7, 0])
        // Once the clock has jumped far ahead, nearby scheduling still works.
        queue.schedule(42, at: instant(Int64.max))
        let last = queue.popNext()
        #expect(last?.event == 42)
    }

    @Test func cancelledEventsAreNeverDelivered() {
        var queue = EventQueue<Int>()
        var tickets: [EventTicket] = []
        for index in 0..<10 {
            tickets.append(queue.schedule(index, at: instant(Int64(index) * 50_000_000)))
        }
        let cancelledFirst = queue.cancel(tickets[0])
        let cancelledMiddle = queue.cancel(tickets[4])
        let cancelledLast = queue.cancel(tickets[9])
        #expect(cancelledFirst && cancelledMiddle && cancelledLast)
        let cancelledAgain = queue.cancel(tickets[4])
        #expect(!cancelledAgain, "a second cancel is a no-op")
        #expect(queue.count == 7)
        let nextTime = queue.peekTime()
        #expect(nextTime == instant(50_000_000))
        let next = queue.popNext()
        #expect(next?.event == 1)
        let cancelledDelivered = queue.cancel(tickets[1])
        #expect(!cancelledDelivered, "cancelling a delivered event is a no-op")
        #expect(queue.count == 6)
        #expect(drain(&queue).map(\.1) == [2, 3, 5, 6, 7, 8])
        let isEmpty = queue.isEmpty
        #expect(isEmpty)
        // The cancelled last event is still stored (nothing has passed it yet), and still
        // recognised as cancelled.
        #expect(queue.storedEventCount == 1 && queue.cancellationRecordCount == 1)
        let cancelledStoredAgain = queue.cancel(tickets[9])
        #expect(!cancelledStoredAgain)
        queue.schedule(10, at: instant(500_000_000))
        #expect(drain(&queue).map(\.1) == [10])
        #expect(queue.storedEventCount == 0 && queue.cancellationRecordCount == 0)
        let cancelledDiscarded = queue.cancel(tickets[9])
        #expect(!cancelledDiscarded)
    }

    @Test func peekDiscardsCancelledEventsWithoutMovingTheClock() {
        var queue = EventQueue<Int>()
        let early = queue.schedule(1, at: instant(1_000))
        queue.schedule(2, at: instant(9_000_000_000))
        let late = queue.schedule(3, at: instant(8_000_000_000))
        queue.cancel(early)
        queue.cancel(late)
        let nextTime = queue.peekTime()
        #expect(nextTime == instant(9_000_000_000))
        // The clock is still at zero: earlier events may be scheduled, and the discarded
        // events' tickets are still recognised.
        #expect(queue.now == .zero)
        queue.schedule(4, at: instant(500))
        let cancelledEarlyAgain = queue.cancel(early)
        let cancelledLateAgain = queue.cancel(late)
        #expect(!cancelledEarlyAgain && !cancelledLateAgain)
        #expect(queue.count == 2)
        #expect(drain(&queue).map(\.1) == [4, 2])
        #expect(queue.cancellationRecordCount == 0)
    }

    @Test func cancellationBookkeepingStaysBounded() {
        var queue = EventQueue<Int>()
        var random = Xoshiro256StarStar(seed: 3)
        var pendingTickets: [EventTicket] = []
        var peakPages = 0
        for round in 0..<200 {
            for index in 0..<1_000 {
                let delay = Int64(random.nextBelow(2_000_000_000))
                pendingTickets.append(queue.schedule(round * 1_000 + index, at: queue.now + .nanoseconds(delay)))
            }
            // Cancel half as many as were scheduled, as answered timeouts would be, some of
            // them already delivered; then deliver a batch.
            for _ in 0..<500 {
                pendingTickets.swapAt(random.nextInt(below: pendingTickets.count), pendingTickets.count - 1)
                queue.cancel(pendingTickets.removeLast())
            }
            for _ in 0..<900 { _ = queue.popNext() }
            peakPages = max(peakPages, queue.cancellationPageCount)
            // Records exist only for cancelled events still stored.
            #expect(queue.cancellationRecordCount <= queue.storedEventCount - queue.count)
        }
        // The records never exceed what is stored, and pages are bounded by the live spread.
        #expect(peakPages < 200)
        _ = drain(&queue)
        // A last event after everything makes the queue pass the trailing cancelled ones.
        queue.schedule(-1, at: queue.now + .seconds(10))
        _ = drain(&queue)
        #expect(queue.storedEventCount == 0)
        #expect(queue.cancellationRecordCount == 0)
        #expect(queue.cancellationPageCount == 0)
    }

    @Test func payloadsAreReleasedExactlyOnce() {
        #expect(LifetimeTracker.live == 0)
        do {
            var queue = EventQueue<LifetimeTracker>(bucketWidth: .nanoseconds(1 << 10), bucketCount: 16,
                                                    farBucketCount: 4, chunkSize: 4)
            var tickets: [EventTicket] = []
            for index in 0..<5_000 {
                tickets.append(queue.schedule(LifetimeTracker(id: index), at: instant(Int64(index * 7_919 % 200_000))))
            }
            for index in stride(from: 0, to: 5_000, by: 3) {
                queue.cancel(tickets[index])
            }
            var previous: (Int64, Int) = (-1, -1)
            for _ in 0..<2_000 {
                guard let (time, tracker) = queue.popNext() else { break }
                #expect((time.nanosecondsSinceStart, tracker.id) > previous)
                previous = (time.nanosecondsSinceStart, tracker.id)
            }
            // Delivered payloads and cancelled ones passed on the way are gone already.
            #expect(LifetimeTracker.live == queue.storedEventCount)
            #expect(queue.storedEventCount < 5_000 - 2_000)
        }
        // Dropping the queue releases every payload still stored, cancelled ones included.
        #expect(LifetimeTracker.live == 0)
    }

    @Test func schedulingInThePastIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            var queue = EventQueue<Int>()
            queue.schedule(1, at: SimInstant(nanosecondsSinceStart: 5_000_000))
            _ = queue.popNext()
            queue.schedule(2, at: SimInstant(nanosecondsSinceStart: 4_999_999))
        }
    }

    /// Layouts from the default down to degenerate ones, so that every path (run, beside-run
    /// heap, ring, far-future heap, window jumps, chunk chains, pool growth) is exercised.
    static let layouts: [(widthShift: Int, buckets: Int, farBuckets: Int, chunk: Int)] = [
        (18, 1_024, 64, 64), (10, 64, 8, 4), (6, 8, 2, 2), (1, 2, 1, 1), (4, 4, 4, 8),
    ]

    @Test(arguments: 0..<layouts.count)
    func matchesASortedReferenceUnderRandomOperations(layoutIndex: Int) throws {
        let layout = EventQueueTests.layouts[layoutIndex]
        var queue = EventQueue<Int>(bucketWidth: .nanoseconds(Int64(1) << Int64(layout.widthShift)),
                                    bucketCount: layout.buckets, farBucketCount: layout.farBuckets,
                                    chunkSize: layout.chunk)
        var reference = ReferenceQueue()
        var random = Xoshiro256StarStar(seed: UInt64(1_000 + layoutIndex))
        let width = Int64(1) << Int64(layout.widthShift)
        // One period; the near ring reaches one to two periods ahead, the far ring further.
        let window = width * Int64(layout.buckets)
        var tickets: [EventTicket] = []
        var now: Int64 = 0
        // Times scheduled lately, reused to make ties between events that sit in different
        // parts of the queue (run, beside-run heap, ring, far-future heap).
        var recentTimes = [Int64](repeating: 0, count: 64)
        let operations = 100_000
        for step in 0..<operations {
            // Alternate growing and shrinking phases so the pending count sweeps up and down.
            let growing = (step / 7_000) % 2 == 0
            let action = random.nextBelow(100)
            if action < (growing ? 55 : 35) {
                let kind = random.nextBelow(100)
                let time: Int64
                switch kind {
                case 0..<8: time = now
                case 8..<20: time = Swift.max(now, recentTimes[random.nextInt(below: recentTimes.count)])
                case 20..<36: time = now + Int64(random.nextBelow(UInt64(width)))
                case 36..<76: time = now + Int64(random.nextBelow(UInt64(window)))
                case 76..<94: time = now + window + Int64(random.nextBelow(UInt64(4 * window)))
                case 94..<98: time = now + Int64(random.nextBelow(UInt64(64 * window)))
                default: time = now + Int64(random.nextBelow(1 << 40))
                }
                recentTimes[step % recentTimes.count] = time
                let ticket = queue.schedule(step, at: instant(time))
                let sequence = reference.schedule(step, at: time)
                try #require(ticket.sequence == sequence)
                if tickets.count < 4_096 {
                    tickets.append(ticket)
                } else {
                    tickets[random.nextInt(below: tickets.count)] = ticket
                }
            } else if action < 92 {
                // Half the pops are bounded, by an instant near the front (a window's end).
                let bounded = random.nextBelow(2) == 0
                let bound = now + Int64(random.nextBelow(UInt64(2 * width)))
                let actual = bounded ? queue.popNext(before: instant(bound)) : queue.popNext()
                let held = bounded && (reference.peekTime.map { $0 >= bound } ?? true)
                let expected = held ? nil : reference.pop()
                try #require(actual?.time.nanosecondsSinceStart == expected?.time, "step \(step)")
                try #require(actual?.event == expected?.payload, "step \(step)")
                if let expected { now = expected.time }
            } else if action < 97 {
                guard !tickets.isEmpty else { continue }
                let ticket = tickets[random.nextInt(below: tickets.count)]
                let actual = queue.cancel(ticket)
                let expected = reference.cancel(time: ticket.time.nanosecondsSinceStart, sequence: ticket.sequence)
                try #require(actual == expected, "step \(step)")
            } else {
                try #require(queue.peekTime()?.nanosecondsSinceStart == reference.peekTime, "step \(step)")
            }
            try #require(queue.count == reference.count, "step \(step)")
            if step % 25_000 == 24_999 {
                // Drain completely now and then: the queue must restart from an empty ring.
                while let expected = reference.pop() {
                    let popped = queue.popNext()
                    let actual = try #require(popped)
                    try #require(actual.time.nanosecondsSinceStart == expected.time && actual.event == expected.payload)
                    now = expected.time
                }
                let afterDrain = queue.popNext()
                try #require(afterDrain == nil)
            }
        }
        while let expected = reference.pop() {
            let popped = queue.popNext()
            let actual = try #require(popped)
            try #require(actual.time.nanosecondsSinceStart == expected.time && actual.event == expected.payload)
        }
        let afterDrain = queue.popNext()
        #expect(afterDrain == nil)
        let sentinelTime = now + (Int64(1) << 41)
        queue.schedule(-1, at: instant(sentinelTime))
        let sentinel = queue.popNext()
        #expect(sentinel?.event == -1)
        #expect(queue.storedEventCount == 0)
        #expect(queue.cancellationRecordCount == 0)
    }
}

@Suite("Event queue hold load")
struct EventQueueHoldLoadTests {
    @Test func theCalendarQueueAndTheHeapDeliverTheSameEventsInTheSameOrder() {
        // The checksum folds every popped event in order: equal sums over a long run mean the
        // two queues agree event by event, on the benchmark's own load.
        let calendar = EventQueueHoldLoad(kind: .calendarQueue, pending: 20_000, seed: 7)
        let heap = EventQueueHoldLoad(kind: .quaternaryHeap, pending: 20_000, seed: 7)
        for _ in 0..<5 { #expect(calendar.hold(operations: 20_000) == heap.hold(operations: 20_000)) }
        // Another seed is another load.
        let other = EventQueueHoldLoad(kind: .calendarQueue, pending: 20_000, seed: 8)
        #expect(other.hold(operations: 20_000) != EventQueueHoldLoad(kind: .quaternaryHeap, pending: 20_000, seed: 7)
            .hold(operations: 20_000))
    }
}
