import ConsensusCore

/// The Byzantine side of a run: which nodes are Byzantine, their stake, and the shared
/// view of live conflicts the coordinated behaviours vote on.
///
/// Everything here is indexed by node id or kept in creation order; dictionaries are only
/// looked up, never iterated, so nothing depends on hashing order. A class, so that the
/// simulator updates it in place.
final class Adversary {
    let behavior: ByzantineBehavior
    /// Per node: whether it is Byzantine.
    let isByzantine: [Bool]
    /// The Byzantine node ids, ascending.
    let members: [Int]
    /// Coin flips of random voting, and the double spenders' draws.
    var random: Xoshiro256StarStar
    /// Cumulative sampling weight by node id when sampling is stake-weighted; empty when uniform.
    let cumulativeStake: [UInt64]

    /// A conflict the adversary knows of: two transactions spending one input.
    struct LiveConflict {
        var input: InputID
        var transactions: (Hash256, Hash256)
        /// The newest vertex carrying each side, once issued.
        var vertices: (Hash256?, Hash256?) = (nil, nil)
        var createdAt: SimInstant
        /// Side fewer honest nodes prefer (0 or 1), from the last look at the honest nodes.
        var minority = 1
        /// Every honest node has decided it: no longer worth a vote.
        var settled = false
    }

    /// Live conflicts in creation order; `conflicts[i]` has serial `firstSerial + i`.
    private(set) var conflicts: [LiveConflict] = []
    private var firstSerial = 0
    /// Transaction nonce → conflict serial × 2 + side, for the vertices that carry them.
    private var sideOfNonce: [UInt64: Int] = [:]
    /// Vertex id → conflict serial × 2 + side.
    private var sideOfVertex: [Hash256: Int] = [:]
    /// Transactions the adversary has made (double spends), for their nonces.
    var issued = 0
    /// Conflicting pairs the double spenders issued.
    var doubleSpends = 0
    /// When the honest preferences were last counted.
    var viewTakenAt = SimInstant(nanosecondsSinceStart: -1)

    /// How long a conflict stays in the view: past this it is decided or stalled either way.
    static let conflictLifetime = SimDuration.seconds(60)
    /// How often the colluders recount the honest preferences: a few round trips on a LAN.
    static let viewRefresh = SimDuration.milliseconds(20)
    /// Most conflicts one chit names, newest first.
    static let conflictsPerChit = 16
    /// Nonces of adversary transactions start here, beyond any workload nonce, so that
    /// the run's ledger (honest submissions only) never sees them.
    static let nonceBase: UInt64 = 1 << 62

    /// Draws the Byzantine nodes of `options` from the `byzantine` stream.
    init(options: SimulationOptions, streams: RandomStreams) {
        behavior = options.byzantine.behavior
        let count = options.byzantine.count(of: options.nodes)
        var chooser = streams.stream(.byzantine, index: 0)
        var chosen: [Int] = []
        chooser.sample(count, from: options.nodes, into: &chosen)
        chosen.sort()
        var flags = [Bool](repeating: false, count: options.nodes)
        for node in chosen { flags[node] = true }
        isByzantine = flags
        members = chosen
        random = streams.stream(.byzantine, index: 1)
        if options.byzantine.stakeWeighted {
            // Every node holds one unit of stake, `identities` weight units; a Sybil identity
            // holds one weight unit, so the identities of one adversary share a single unit.
            let identities = UInt64(max(1, options.byzantine.sybilIdentities))
            let sybil = options.byzantine.behavior == .sybil
            var total: UInt64 = 0
            var cumulative: [UInt64] = []
            cumulative.reserveCapacity(options.nodes)
            for node in 0..<options.nodes {
                total += sybil && flags[node] ? 1 : identities
                cumulative.append(total)
            }
            cumulativeStake = cumulative
        } else {
            cumulativeStake = []
        }
    }

    /// Number of Byzantine nodes.
    var count: Int { members.count }

    /// Whether any Byzantine node exists.
    var isActive: Bool { !members.isEmpty }

    /// Whether the behaviour votes on the live conflicts (and so needs the registry).
    var tracksConflicts: Bool {
        isActive && behavior != .alwaysAccept
    }

    /// The half of the network a node belongs to, for equivocation and double spends.
    static func half(of node: Int, nodes: Int) -> Int { node < nodes / 2 ? 0 : 1 }

    // MARK: - The conflict registry

    /// Registers two conflicting transactions (by nonce and id) spending `input`.
    func registerConflict(input: InputID, _ a: Transaction, _ b: Transaction, at time: SimInstant) {
        let serial = firstSerial + conflicts.count
        conflicts.append(LiveConflict(input: input, transactions: (a.id, b.id), createdAt: time))
        sideOfNonce[a.nonce] = serial * 2
        sideOfNonce[b.nonce] = serial * 2 + 1
        retireOld(before: time)
    }

    /// Notes the vertex that carries a registered transaction.
    func noteIssued(_ tx: Transaction, in vertex: Hash256) {
        guard let code = sideOfNonce[tx.nonce] else { return }
        let index = code / 2 - firstSerial
        guard index >= 0 && index < conflicts.count else { return }
        if code % 2 == 0 { conflicts[index].vertices.0 = vertex } else { conflicts[index].vertices.1 = vertex }
        sideOfVertex[vertex] = code
    }

    /// The vertex carrying the other side of the conflict `vertex` carries a side of, if known.
    func conflicting(with vertex: Hash256) -> Hash256? {
        guard let code = sideOfVertex[vertex] else { return nil }
        let index = code / 2 - firstSerial
        guard index >= 0 && index < conflicts.count, !conflicts[index].settled else { return nil }
        return code % 2 == 0 ? conflicts[index].vertices.1 : conflicts[index].vertices.0
    }

    /// Sets what the last count of honest preferences found for conflict `index`.
    func setView(_ index: Int, minority: Int, settled: Bool) {
        conflicts[index].minority = minority
        conflicts[index].settled = settled
    }

    /// The vertex of `side` for up to `conflictsPerChit` unsettled conflicts, newest first;
    /// `side` nil takes each conflict's minority side.
    func conflictVertices(side: Int?) -> [Hash256] {
        var ids: [Hash256] = []
        var index = conflicts.count - 1
        while index >= 0 && ids.count < Self.conflictsPerChit {
            let conflict = conflicts[index]
            index -= 1
            guard !conflict.settled else { continue }
            let chosen = side ?? conflict.minority
            if let id = chosen == 0 ? conflict.vertices.0 : conflict.vertices.1, !ids.contains(id) { ids.append(id) }
        }
        ids.sort()
        return ids
    }

    /// Forgets conflicts older than their lifetime, and settled ones at the front.
    private func retireOld(before time: SimInstant) {
        var drop = 0
        while drop < conflicts.count
                && (conflicts[drop].settled || time - conflicts[drop].createdAt > Self.conflictLifetime) {
            drop += 1
        }
        guard drop > 0 else { return }
        for conflict in conflicts.prefix(drop) {
            if let id = conflict.vertices.0 { sideOfVertex[id] = nil }
            if let id = conflict.vertices.1 { sideOfVertex[id] = nil }
        }
        // Nonces of retired conflicts map to serials below `firstSerial`; lookups ignore them.
        conflicts.removeFirst(drop)
        firstSerial += drop
        if sideOfNonce.count > 4 * (conflicts.count + 64) {
            sideOfNonce = sideOfNonce.filter { $0.value / 2 >= firstSerial }   // a lookup table: order-free
        }
    }
}
