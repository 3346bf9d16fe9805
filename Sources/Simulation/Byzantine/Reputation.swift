import ConsensusCore

/// What honest nodes think of their peers, from how each peer's chits compare with what
/// the node later decides.
///
/// When a poll closes, each chit is noted against the vertices it concerns: a vote for
/// each vertex it names that the node is processing, and a withheld vote on each vertex
/// the poll asked about that the chit cannot reach. When the node later decides such a
/// vertex, the note becomes evidence: a vote for a vertex later accepted, or a withheld
/// vote on one later rejected, is good; a vote for a vertex later rejected, or a vote
/// withheld from one later accepted, is bad. An empty chit withholding its vote from a
/// vertex later accepted is `withheldWeight` times as bad: an honest node's preferred
/// frontier is never empty (it holds at least the accepted frontier), while an honest node
/// that preferred the losing side of a conflict votes for, and withholds from, the wrong
/// vertices for a while, so that evidence is weak. A peer's reputation is
/// good ÷ (good + weighted bad).
///
/// Memory is fixed at the start: two 16-bit weighted counters per (honest node, peer) pair, halved
/// together when one saturates, plus at most `pendingLimit` noted vertices per node.
/// All state is in arrays indexed by node id; the per-node notes are dictionaries that
/// are only looked up, never iterated. A class, so that the simulator updates it in place.
/// In a sharded run the shards take notes while they run, each observer in its own box,
/// and turn them into evidence (`decided`, which moves the shared verdicts) between windows.
final class Reputation {
    let nodes: Int
    let threshold: Double
    let exclude: Bool
    /// Per node: its row in the counters, or -1 for a Byzantine node (which keeps no scores).
    private let rowOf: [Int32]
    private var good: [UInt16]
    private var bad: [UInt16]
    /// Per row: vertex id → notes (peer × 4 + the `Vote`).
    private let notes: [PendingNotes]
    /// Per peer: honest nodes with enough evidence on it, and those among them that flag it.
    private var judgedBy: [Int32]
    private var flaggedBy: [Int32]
    /// Per peer: whether the honest majority of its judges flags it.
    private(set) var flagged: [Bool]
    private let isByzantine: [Bool]
    private let byzantineCount: Int
    /// Byzantine and honest nodes flagged now.
    private(set) var flaggedByzantine = 0
    private(set) var flaggedHonest = 0
    /// When the number of flagged Byzantine nodes first reached each value (-1: never).
    private var firstReached: [Int64]

    /// How much more an empty chit on a vertex later accepted weighs than other evidence.
    static let withheldWeight: UInt16 = 4
    /// Evidence a node needs on a peer before it judges it.
    static let minimumEvidence = 8
    /// Vertices with notes a node keeps at most; notes beyond are not taken.
    static let pendingLimit = 4_096

    init(nodes: Int, options: DetectionOptions, isByzantine: [Bool]) {
        self.nodes = nodes
        threshold = options.threshold
        exclude = options.excludeBelowThreshold
        var rows: [Int32] = []
        var next: Int32 = 0
        for node in 0..<nodes {
            if isByzantine[node] { rows.append(-1) } else { rows.append(next); next += 1 }
        }
        rowOf = rows
        good = [UInt16](repeating: 0, count: Int(next) * nodes)
        bad = [UInt16](repeating: 0, count: Int(next) * nodes)
        notes = (0..<Int(next)).map { _ in PendingNotes() }
        judgedBy = [Int32](repeating: 0, count: nodes)
        flaggedBy = [Int32](repeating: 0, count: nodes)
        flagged = [Bool](repeating: false, count: nodes)
        self.isByzantine = isByzantine
        byzantineCount = isByzantine.reduce(0) { $0 + ($1 ? 1 : 0) }
        firstReached = [Int64](repeating: -1, count: byzantineCount + 1)
        firstReached[0] = 0
    }

    /// Whether `observer` keeps scores (it is honest).
    func scores(_ observer: Int) -> Bool { rowOf[observer] >= 0 }

    /// `observer`'s reputation of `peer`, 1 with no evidence.
    func reputation(of peer: Int, by observer: Int) -> Double {
        let row = Int(rowOf[observer])
        guard row >= 0 else { return 1 }
        return Self.score(good: good[row * nodes + peer], bad: bad[row * nodes + peer])
    }

    /// Whether `observer` flags `peer`: enough evidence, and a reputation below the threshold.
    func flags(_ peer: Int, by observer: Int) -> Bool {
        let row = Int(rowOf[observer])
        guard row >= 0 else { return false }
        return flagsCell(row * nodes + peer)
    }

    private func flagsCell(_ cell: Int) -> Bool {
        Int(good[cell]) + Int(bad[cell]) >= Self.minimumEvidence
            && Self.score(good: good[cell], bad: bad[cell]) < threshold
    }

    private static func score(good: UInt16, bad: UInt16) -> Double {
        let g = Double(good), b = Double(bad)
        return g + b == 0 ? 1 : g / (g + b)
    }

    // MARK: - Notes and evidence

    /// What a chit said about a vertex.
    enum Vote: UInt32 {
        /// It named the vertex (or a descendant).
        case voted = 1
        /// It named vertices that cannot reach it.
        case withheld = 0
        /// It named nothing at all.
        case empty = 2
    }

    /// Notes what `peer`'s chit said about `vertex`.
    /// A peer's first answer about a vertex is the one noted: a vertex that stays undecided
    /// for long is asked about in many polls, and counting each would let the vertices that
    /// take longest outweigh all the others.
    func note(_ vertex: Hash256, peer: Int, _ vote: Vote, by observer: Int) {
        let row = Int(rowOf[observer])
        guard row >= 0 else { return }
        let code = UInt32(peer) << 2 | vote.rawValue
        let pending = notes[row]
        if pending.byVertex[vertex] != nil {
            if !pending.byVertex[vertex]!.contains(where: { $0 >> 2 == code >> 2 }) { pending.byVertex[vertex]!.append(code) }
        } else if pending.byVertex.count < Self.pendingLimit {
            pending.byVertex[vertex] = [code]
        }
    }

    /// `observer` decided `vertex`: its notes on it become evidence.
    func decided(_ vertex: Hash256, accepted: Bool, by observer: Int, at time: SimInstant) {
        let row = Int(rowOf[observer])
        guard row >= 0, let codes = notes[row].byVertex.removeValue(forKey: vertex) else { return }
        for code in codes {
            let peer = Int(code >> 2)
            let vote = Vote(rawValue: code & 3)!
            let weight: UInt16 = vote == .empty && accepted ? Self.withheldWeight : 1
            record(peer: peer, row: row, observer: observer, good: (vote == .voted) == accepted, weight: weight, at: time)
        }
    }

    private func record(peer: Int, row: Int, observer: Int, good isGood: Bool, weight: UInt16, at time: SimInstant) {
        let cell = row * nodes + peer
        let judgedBefore = Int(good[cell]) + Int(bad[cell]) >= Self.minimumEvidence
        let flaggedBefore = flagsCell(cell)
        if good[cell] > .max - weight || bad[cell] > .max - weight {
            good[cell] /= 2
            bad[cell] /= 2
        }
        if isGood { good[cell] += weight } else { bad[cell] += weight }
        let judgedAfter = Int(good[cell]) + Int(bad[cell]) >= Self.minimumEvidence
        let flaggedAfter = flagsCell(cell)
        guard judgedBefore != judgedAfter || flaggedBefore != flaggedAfter else { return }
        judgedBy[peer] += (judgedAfter ? 1 : 0) - (judgedBefore ? 1 : 0)
        flaggedBy[peer] += (flaggedAfter ? 1 : 0) - (flaggedBefore ? 1 : 0)
        updateVerdict(peer, at: time)
    }

    /// A peer is flagged by the network when more than half of the honest nodes that have
    /// judged it flag it.
    private func updateVerdict(_ peer: Int, at time: SimInstant) {
        let now = judgedBy[peer] > 0 && 2 * flaggedBy[peer] > judgedBy[peer]
        guard now != flagged[peer] else { return }
        flagged[peer] = now
        let delta = now ? 1 : -1
        if isByzantine[peer] {
            flaggedByzantine += delta
            if firstReached[flaggedByzantine] < 0 { firstReached[flaggedByzantine] = time.nanoseconds }
        } else {
            flaggedHonest += delta
        }
    }

    // MARK: - Figures against the ground truth

    /// Flagged Byzantine nodes ÷ Byzantine nodes; nil without Byzantine nodes.
    var recall: Double? {
        byzantineCount > 0 ? Double(flaggedByzantine) / Double(byzantineCount) : nil
    }

    /// Flagged honest nodes ÷ honest nodes.
    var falsePositiveRate: Double {
        let honest = nodes - byzantineCount
        return honest > 0 ? Double(flaggedHonest) / Double(honest) : 0
    }

    /// Seconds from the start until the flagged Byzantine nodes first reached the final
    /// count, or 95 % of the Byzantine nodes if that came first; nil when none is flagged.
    var secondsToDetect: Double? {
        guard flaggedByzantine > 0 else { return nil }
        let target = min(flaggedByzantine, Int((0.95 * Double(byzantineCount)).rounded(.up)))
        return Double(firstReached[target]) / 1e9
    }
}

/// One observer's notes on undecided vertices. A class per observer, so that observers
/// simulated by different shards note votes at the same time without sharing storage.
final class PendingNotes {
    var byVertex: [Hash256: [UInt32]] = [:]
}
