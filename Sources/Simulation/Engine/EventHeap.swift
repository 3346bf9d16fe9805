/// One stored event with its ordering key: time first, then the insertion sequence.
struct ScheduledEvent<Event> {
    /// Nanoseconds since the start of the run.
    var time: Int64
    /// Insertion sequence number, unique per queue; breaks time ties first-in-first-out.
    var sequence: UInt64
    var event: Event

    /// Whether `self` comes out of the queue before `other`.
    @inline(__always)
    func precedes(_ other: ScheduledEvent) -> Bool {
        time < other.time || (time == other.time && sequence < other.sequence)
    }
}

/// An implicit 4-ary min-heap of scheduled events ordered by (time, sequence).
///
/// Four children per node halve the depth of a binary heap, and the children of one node sit
/// in one or two cache lines. ``EventQueue`` uses it for events beyond its far ring's horizon
/// and for events scheduled into the bucket being drained; on its own it is the benchmark's
/// comparison point.
struct EventHeap<Event> {
    private(set) var storage: [ScheduledEvent<Event>] = []

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }

    /// The earliest event, if any.
    var minimum: ScheduledEvent<Event>? { storage.first }

    mutating func reserveCapacity(_ capacity: Int) {
        storage.reserveCapacity(capacity)
    }

    mutating func push(_ element: ScheduledEvent<Event>) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in
            var hole = heap.count - 1
            while hole > 0 {
                let parent = (hole - 1) >> 2
                if !element.precedes(heap[parent]) { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = element
        }
    }

    /// Removes and returns the earliest event.
    mutating func popMinimum() -> ScheduledEvent<Event>? {
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        return storage.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let count = heap.count
            var hole = 0
            while true {
                let first = 4 &* hole &+ 1
                if first >= count { break }
                var best = first
                let end = Swift.min(first &+ 4, count)
                var child = first &+ 1
                while child < end {
                    if heap[child].precedes(heap[best]) { best = child }
                    child &+= 1
                }
                if !heap[best].precedes(last) { break }
                heap[hole] = heap[best]
                hole = best
            }
            heap[hole] = last
            return top
        }
    }
}

extension ScheduledEvent: Sendable where Event: Sendable {}
extension EventHeap: Sendable where Event: Sendable {}
