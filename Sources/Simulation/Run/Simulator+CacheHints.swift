import CacheHints

/// Cache hints for the nodes of the events about to be handled.
///
/// From a thousand nodes on, an event's first touches of its node's state miss the caches:
/// each node's object, engine tables and polls lie apart, and consecutive events are for
/// nodes chosen at random. The queue's sorted bucket says which events come next, so the
/// state they will read is asked for a few events before it is needed, and its misses
/// overlap the work in between. A hint never changes what a run does: it only reads ahead.
///
/// Measured against the same build without hints, same digests (paired whole-process runs,
/// medians, wall time): one queue, 1,000 LAN nodes at 100 TPS, 3 simulated seconds, 0.92
/// (six pairs, 0.85–1.02); 2,000 nodes, 2 s, 0.81 (five pairs, 0.67–0.89); 300 nodes, whose
/// state the caches hold anyway, 0.99. Two shards: 2,000 nodes, 3 s, 0.85 (five pairs,
/// 0.78–1.03); 1,000 nodes, 4 s, 1.01 (eight pairs, 0.78–1.23: no gain). Reference run (b),
/// 10,000 WAN nodes in two shards, first simulated second: 17.6 and 17.7 s against 19.7 and
/// 20.4 s.
extension Simulator {
    /// Hints for the events ahead, in steps, each reading what an earlier one brought: the
    /// node's object (its most-read fields and the start of its engine) ten events ahead;
    /// its list of polls and the word of held bits most tests read six ahead; the poll a
    /// chit answers three ahead; that poll's answers one ahead.
    @inline(__always)
    func prefetchUpcoming() {
        if let next = upcomingDelivery(ahead: 10) {
            let state = Unmanaged.passUnretained(nodes[Int(next.to)]).toOpaque()
            for line in 0..<4 { cache_hint_prefetch(state + 64 * line) }
        }
        if let next = upcomingDelivery(ahead: 6) {
            let node = Int(next.to)
            if let polls = nodes[node].pollsAddress { cache_hint_prefetch(polls) }
            if let bits = nodes[node].engine.newestHeldBitsAddressInPlace() { cache_hint_prefetch(bits) }
        }
        if let next = upcomingDelivery(ahead: 3), next.kind == .chits,
           let poll = nodes[Int(next.to)].pollAddress(of: next.poll) {
            cache_hint_prefetch(poll)
            cache_hint_prefetch(poll + 64)
        }
        if let next = upcomingDelivery(ahead: 1), next.kind == .chits,
           let answers = nodes[Int(next.to)].pollAnswersAddress(of: next.poll) {
            cache_hint_prefetch(answers)
        }
    }

    /// Asks for the tables of `node`'s engine that its vote pass is about to read, each
    /// whole when at most `voteTableHintBytes`.
    ///
    /// A pass reads the node's processing order, slot links, transaction records and
    /// conflict sets: a few kilobytes on a LAN, last read by the node's previous poll, with
    /// thousands of other nodes' events in between, so each line missed the caches in turn
    /// as the pass reached it. Asked for together at the start, they come in parallel. A
    /// WAN node's tables (thousands of vertices) are left to the pass.
    func prefetchVoteTables(of node: Int) {
        nodes[node].engine.forEachVotePassTableInPlace { base, bytes in
            guard bytes <= voteTableHintBytes else { return }
            for offset in stride(from: 0, to: bytes, by: 64) { cache_hint_prefetch(base + offset) }
        }
    }

    /// The largest engine table `prefetchVoteTables(of:)` asks for.
    private var voteTableHintBytes: Int { 16 * 1024 }

    /// The node, kind and poll of the message that the event `distance` places ahead
    /// delivers, if that event is a delivery and the queue can see it.
    @inline(__always)
    private func upcomingDelivery(ahead distance: Int) -> (to: Int32, kind: MessageKind, poll: UInt32)? {
        queue.withUpcomingEvent(ahead: distance) { event -> (to: Int32, kind: MessageKind, poll: UInt32)? in
            if case let .deliver(message) = event { return (message.to, message.kind, message.poll) }
            return nil
        }
    }
}
