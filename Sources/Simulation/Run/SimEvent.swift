/// What the event queue holds.
///
/// A message travels inside its delivery event: the queue drains each bucket in order,
/// so the body is read where the event is, instead of from a side table written long
/// before (that read was a cache miss per message at a thousand nodes).
enum SimEvent {
    /// A message arrives at its destination.
    case deliver(Message)
    /// A poll's answers are due.
    case pollTimeout(node: Int32, poll: UInt32)
    /// A node's partial batch is due to become a vertex.
    case batchDue(node: Int32)
    /// The workload submits its next transaction.
    case submit
    /// In a sharded run, a transaction the workload submitted reaches its node (the
    /// shard's next one in `submissions`).
    case submission
    /// A series interval ends.
    case seriesTick
    /// Something the fault injector scheduled.
    case fault(FaultEvent)
}
