import ConsensusCore

/// Honest nodes' reputation of their peers, fed by the polls they close and the
/// decisions they make; and the run's Byzantine figures.
extension Simulator {
    /// Notes each chit of a closed poll against the vertices it concerns (see `Reputation`):
    /// a vote for each processing vertex it names, and a withheld vote on each processing
    /// vertex the poll asked about that the chit cannot reach: a chit votes for a vertex
    /// only through itself or its descendants, which are higher, so a chit naming nothing
    /// at least as high as an asked vertex withholds its vote from it. A chit naming a
    /// vertex the node does not hold yet is not judged: its sender may be ahead.
    func notePoll(_ poll: PollState, at node: Int) {
        guard let reputation, reputation.scores(node) else { return }
        for (position, chit) in poll.chits.enumerated() where position < poll.responders.count {
            let peer = Int(poll.responders[position])
            var unknown = false
            var highest: UInt64? = nil
            for id in chit {
                guard let status = nodes[node].engine.statusInPlace(id) else { unknown = true; break }
                if status == .processing { reputation.note(id, peer: peer, .voted, by: node) }
                if let height = nodes[node].engine.heightInPlace(of: id) { highest = max(highest ?? 0, height) }
            }
            if unknown { continue }
            for id in poll.asked where nodes[node].engine.statusInPlace(id) == .processing {
                guard let height = nodes[node].engine.heightInPlace(of: id) else { continue }
                if highest.map({ $0 < height }) ?? true {
                    reputation.note(id, peer: peer, chit.isEmpty ? .empty : .withheld, by: node)
                }
            }
        }
    }

    /// Turns the notes on the vertices an honest node just decided into evidence.
    func noteDecisions(_ decisions: Decisions, at node: Int) {
        guard let reputation, reputation.scores(node) else { return }
        let at = localTime(node)
        if sharded {
            // Evidence moves the shared verdicts: booked between windows.
            for vertex in decisions.acceptedVertices {
                decisionLog.append(LoggedDecision(at: at, node: Int32(node), what: .judged(vertex.id, accepted: true)))
            }
            for id in decisions.rejectedVertices {
                decisionLog.append(LoggedDecision(at: at, node: Int32(node), what: .judged(id, accepted: false)))
            }
            return
        }
        for vertex in decisions.acceptedVertices { reputation.decided(vertex.id, accepted: true, by: node, at: at) }
        for id in decisions.rejectedVertices { reputation.decided(id, accepted: false, by: node, at: at) }
    }

    /// The Byzantine and detection figures of the run.
    func byzantineFigures(into values: inout [String: Double]) {
        if adversary.isActive {
            values["byzantine.nodes"] = Double(adversary.count)
            let stake = adversary.cumulativeStake
            if let total = stake.last {
                var byzantine: UInt64 = 0
                for node in adversary.members { byzantine += stake[node] - (node > 0 ? stake[node - 1] : 0) }
                values["byzantine.stakeShare"] = Double(byzantine) / Double(total)
            } else {
                values["byzantine.stakeShare"] = Double(adversary.count) / Double(nodes.count)
            }
            if adversary.behavior == .doubleSpend { values["byzantine.doubleSpends"] = Double(adversary.doubleSpends) }
        }
        guard let reputation else { return }
        if let recall = reputation.recall { values["byzantine.detection.recall"] = recall }
        values["byzantine.detection.falsePositiveRate"] = reputation.falsePositiveRate
        if let seconds = reputation.secondsToDetect { values["byzantine.detection.seconds"] = seconds }
    }
}
