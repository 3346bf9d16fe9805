/// An attack the Byzantine nodes of a run carry out.
public enum ByzantineBehavior: String, Sendable, CaseIterable {
    /// Each answer is, with probability ½, a vote for what was asked, else a vote against it.
    case randomVoting = "random-voting"
    /// Never votes for what it is asked about; names the conflicting side when it knows one.
    case alwaysReject = "always-reject"
    /// Votes for whatever it is asked about, both sides of a conflict alike.
    case alwaysAccept = "always-accept"
    /// The balancing attack on Snowball: the attackers, sharing a global view of the honest
    /// nodes' preferences, vote for whichever side of each live conflict fewer honest nodes
    /// prefer, to keep the honest nodes split; with no live conflict they look honest.
    case collusion
    /// One adversary behind many identities, answering in unison: the balancing vote on live
    /// conflicts and no vote for anything else. With stake-weighted sampling the identities
    /// of one adversary share a single node's stake.
    case sybil
    /// Different answers to different askers: askers in the lower half of the node ids are
    /// told one side of every live conflict, the upper half the other side.
    case equivocation
    /// Issues double spends: two transactions spending one input, each in its own vertex,
    /// pushed to different halves of the network; answers queries honestly.
    case doubleSpend = "double-spend"
}

/// The Byzantine nodes of a run: how many and what they do.
///
/// Which nodes are Byzantine is drawn from the `byzantine` random stream, so it depends on
/// the seed only. Byzantine nodes still run the protocol (they receive vertices, poll,
/// serve fetches); only their answers to queries (and, for double spenders, what they
/// issue) deviate. Transactions are submitted to honest nodes only, and only honest nodes
/// count for throughput, latency, finality, safety and liveness.
public struct ByzantineOptions: Sendable, Equatable {
    /// Share of the nodes (identities) that are Byzantine, 0 ≤ fraction < 1.
    public var fraction = 0.0
    /// What they do.
    public var behavior: ByzantineBehavior = .randomVoting
    /// Identities one Sybil adversary controls (Sybil only): under stake-weighted sampling
    /// they share one node's stake.
    public var sybilIdentities = 1
    /// Sample peers with probability proportional to stake (every node holds one unit;
    /// Sybil identities hold a share of their adversary's unit) instead of uniformly.
    public var stakeWeighted = false

    /// No Byzantine node.
    public init() {}

    /// The number of Byzantine nodes among `nodes`: the fraction, rounded to the nearest node.
    public func count(of nodes: Int) -> Int {
        guard fraction > 0 else { return 0 }
        return min(nodes - 1, max(1, Int((fraction * Double(nodes)).rounded())))
    }
}

/// Reputation-based detection of Byzantine peers by honest nodes.
public struct DetectionOptions: Sendable, Equatable {
    /// Whether honest nodes score their peers.
    public var enabled = false
    /// Reputation below which a peer is flagged, 0…1.
    public var threshold = 0.5
    /// Whether an honest node stops sampling the peers it flags.
    public var excludeBelowThreshold = false

    /// Detection off.
    public init() {}
}
