import ConsensusCore

/// Everything a simulation run needs, with the scenario format's defaults.
///
/// Built from a scenario by the `Scenarios` library; tests build it directly.
public struct SimulationOptions: Sendable {
    /// The scenario seed every random stream derives from.
    public var seed: UInt64 = 1
    /// Number of simulated nodes.
    public var nodes: Int
    /// Simulated time to run.
    public var duration: SimDuration = .seconds(60)
    /// Leading time left out of throughput, latency and resource figures.
    public var warmup: SimDuration = .seconds(10)
    /// Snowball parameters (avalanchego's defaults).
    public var consensus: ConsensusParameters = .avalanchego
    /// Parents a new vertex names, at most.
    public var parents = 5
    /// Transactions per vertex, at most; a full batch is issued at once.
    public var batchSize = 30
    /// A partial batch is issued this long after its first transaction arrived.
    public var batchInterval: SimDuration = .milliseconds(50)
    /// A node with this many processing vertices issues no new one until some are decided;
    /// its transactions wait and go out in full batches (avalanchego's OptimalProcessing,
    /// 50 there). Nil, the default, issues every batch as it falls due, as the design's
    /// protocol does.
    public var optimalProcessing: Int?
    /// Whether a node answers a query at once with its current preferred frontier, as
    /// avalanchego's Avalanche engine does (its `PullQuery` and `PushQuery` handlers send
    /// chits first, then fetch or add the vertex the query names), and fetches what the
    /// query names that it lacks. False, the default: a node answers once it holds every
    /// vertex the query names (fetching the missing ones from the asker first), so its chit
    /// votes for them, as the design's protocol does.
    public var answerAtOnce = false
    /// Whether a node starts a push-query poll for every vertex it adds to consensus, its
    /// peers' as well as its own, as avalanchego's Avalanche engine does (its issuer polls
    /// each vertex it issues, then repolls up to `concurrentRepolls`); a node catching up
    /// after a restart polls none, as avalanchego's bootstrapping. False, the default:
    /// a node push-queries only the vertices it creates, and otherwise keeps up to
    /// `concurrentRepolls` pull-query polls in flight, as the design's protocol does.
    public var pollOnIssue = false
    /// Whether a node builds its vertices on its virtuous frontier (vertices none of whose
    /// undecided transactions is in a dispute it knows of), as avalanchego's issuer does,
    /// so that no honest vertex descends from a transaction still in dispute. False, the
    /// default: on its preferred frontier, as the design's protocol does.
    public var virtuousParents = false
    /// A poll still missing answers this long after it was sent is recorded with what came.
    public var pollTimeout: SimDuration = .seconds(2)
    /// Release the accepted prefix of each node's DAG.
    public var pruning = true
    /// The signature scheme whose sizes and costs the nodes pay.
    public var signatureScheme: SignatureScheme = .mlDSA87
    /// Sign and verify every vertex for real (slow); otherwise pay the calibrated cost only.
    public var realSignatures = false
    /// The network model.
    public var network: NetworkOptions = NetworkOptions(profile: .lan)
    /// Node speed: 2 halves every CPU cost, 0.5 doubles it.
    public var cpuSpeed = 1.0
    /// CPU service times per operation.
    public var cpuCosts: CPUCostTable = .calibrated
    /// Every node's disk and the store on it.
    public var disk = DiskOptions()
    /// The offered load.
    public var workload = WorkloadOptions()
    /// Width of one point of the time series.
    public var seriesInterval: SimDuration = .seconds(1)
    /// A transaction still undecided at its origin this long after submission counts as stalled.
    public var livenessDeadline: SimDuration = .seconds(30)
    /// Faults injected during the run.
    public var faults: [FaultSpec] = []
    /// Memory a node may hold before it is killed as out of memory, in MB; nil = no limit.
    public var memoryLimitMB: Int?
    /// How long a node killed for running out of memory stays down before its supervisor
    /// (systemd, Kubernetes) restarts it: a back-off of a few seconds.
    public var restartAfterOOM: SimDuration = .seconds(5)
    /// The Byzantine nodes and their attack; none by default.
    public var byzantine = ByzantineOptions()
    /// Honest nodes' scoring of their peers; off by default.
    public var detection = DetectionOptions()
    /// Shards the nodes are split into, each simulated by its own thread between
    /// synchronisation points one shortest link latency apart (1, the default, is one
    /// event queue for all). Part of what the run is: the same options with another
    /// shard count give another, equally valid run, while the number of processor cores
    /// never changes a result.
    public var shards = 1

    /// Options for `nodes` nodes, every other field at its default.
    public init(nodes: Int) { self.nodes = nodes }
}

/// The offered load: how many transactions per second arrive, shaped over time.
public struct WorkloadOptions: Sendable, Equatable {
    /// How the rate changes over the run.
    public enum Pattern: Sendable, Equatable {
        /// `tps` throughout.
        case constant
        /// From `tps` to `peak` linearly over the whole run.
        case ramp(peak: Double)
        /// `tps`, with `peak` for `burst` at the start of every `period`.
        case burst(peak: Double, period: SimDuration, burst: SimDuration)
        /// A sine between `tps` and `peak` with the given period.
        case sine(peak: Double, period: SimDuration)
        /// A rate redrawn uniformly in [tps, peak] every `period` (seeded).
        case random(peak: Double, period: SimDuration)
    }

    /// The shape of the rate.
    public var pattern: Pattern = .constant
    /// The base rate, transactions per second.
    public var tps = 100.0
    /// Payload bytes per transaction.
    public var payloadBytes = 256
    /// Fraction of submissions that are double spends: two transactions spending one
    /// input, sent to two different nodes.
    public var conflictRate = 0.0

    /// The default workload: 100 TPS constant, 256-byte payloads, no conflicts.
    public init() {}
}
