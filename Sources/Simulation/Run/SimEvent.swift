/// What the event queue holds: small, trivially copyable values.
enum SimEvent {
    /// A message (by slab index) arrives at its destination.
    case deliver(Int32)
    /// A poll's answers are due.
    case pollTimeout(node: Int32, poll: UInt32)
    /// A node's partial batch is due to become a vertex.
    case batchDue(node: Int32)
    /// The workload submits its next transaction.
    case submit
    /// A series interval ends.
    case seriesTick
    /// Something the fault injector scheduled.
    case fault(FaultEvent)
}

/// Message bodies by index, with a free list: the event queue carries only the index.
struct MessageSlab {
    private var slots: [Message?] = []
    private var free: [Int32] = []
    /// Messages stored now: those in flight.
    private(set) var count = 0

    mutating func store(_ message: Message) -> Int32 {
        count += 1
        if let index = free.popLast() {
            slots[Int(index)] = message
            return index
        }
        slots.append(message)
        return Int32(slots.count - 1)
    }

    mutating func take(_ index: Int32) -> Message {
        count -= 1
        free.append(index)
        // Moved out, not copied: no retain and release of the vertex and id array it carries.
        return slots[Int(index)].take()!
    }
}
