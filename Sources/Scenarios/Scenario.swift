import Simulation

/// A validated scale-test scenario: what to simulate, for how long, and what counts as success.
///
/// Built only by `Scenario.decode(_:file:capabilities:)` or `Scenario.load(path:capabilities:)`,
/// so every value here has passed validation and every default has been filled in.
public struct Scenario: Sendable, Equatable {
    /// The only format version this code reads (the `version` key).
    public static let formatVersion = 1

    /// Identifier such as `LT-001` or `CT-003-30-collusion` (required).
    public var id: String
    /// Human-readable title; default: the id.
    public var name: String
    /// Longer explanation of what the scenario shows; default: empty.
    public var description: String
    /// What kind of test this is; default: `load`.
    public var category: Category
    /// Free-form labels used to select scenarios (`"ci"`); default: none.
    public var tags: [String]
    /// Seed every random stream of the run is derived from; default: 1.
    public var seed: UInt64
    /// Number of simulated nodes, 1…100,000 (required).
    public var nodes: Int
    /// Simulated time the run lasts; default: 60s.
    public var duration: ScenarioDuration
    /// Simulated time at the start excluded from metrics, shorter than `duration`; default: 10s.
    public var warmup: ScenarioDuration
    /// Avalanche/Snowball parameters; default: avalanchego's.
    public var consensus: Consensus
    /// Latency, loss and bandwidth between nodes; default: the `lan` profile.
    public var network: Network
    /// Capacity of each simulated node; default: reference speed, no memory limit, an NVMe disk.
    public var node: NodeModel
    /// Transactions submitted to the cluster; default: 100 tx/s constant.
    public var workload: Workload
    /// Share and behaviour of Byzantine nodes; default: none.
    public var byzantine: Byzantine
    /// Reputation-based detection of Byzantine peers; default: off.
    public var detection: Detection
    /// Faults injected during the run, in file order; default: none.
    public var faults: [Fault]
    /// How metric time series are sampled; default: every 1s.
    public var series: SeriesOptions
    /// Whether the acceptance criteria should hold (`pass`) or be broken (`fail`); default: pass.
    public var expect: Expectation
    /// Conditions on the run's metrics; default: none.
    public var acceptance: [Criterion]

    /// What kind of test a scenario is.
    public enum Category: String, Sendable, CaseIterable {
        /// Sustained or ramping load at a given scale.
        case load
        /// Pushes a resource until it saturates.
        case stress
        /// Long runs looking for leaks and drift.
        case soak
        /// Crashes, partitions and other injected faults.
        case chaos
        /// Attacks by Byzantine nodes.
        case byzantine
        /// Speed of the simulated system against a baseline.
        case performance
        /// Behaviour of the simulator and its tooling.
        case infrastructure
    }

    /// Whether a scenario is meant to meet its criteria or to demonstrate that they break.
    public enum Expectation: String, Sendable, CaseIterable {
        /// The run passes when every criterion is met.
        case pass
        /// The run passes when the criteria are broken, as expected (e.g. ≥ 33 % Byzantine).
        case fail
    }

    /// Consensus parameters, as in avalanchego, plus the DAG's vertex-building settings.
    public struct Consensus: Sendable, Equatable {
        /// Peers sampled per poll, at most the node count; default: 20.
        public var k: Int
        /// Votes for a choice needed to switch preference, > k/2; default: 15.
        public var alphaPreference: Int
        /// Votes needed to extend confidence, alphaPreference…k; default: 15.
        public var alphaConfidence: Int
        /// Consecutive successful polls that accept a choice; default: 20.
        public var beta: Int
        /// Polls a node keeps outstanding at once, 1…beta; default: 4.
        public var concurrentRepolls: Int
        /// Most parents a new vertex references; default: 5.
        public var parents: Int
        /// Most transactions per vertex; default: 30.
        public var batchSize: Int
        /// Longest wait before an incomplete batch becomes a vertex; default: 50ms.
        public var batchInterval: ScenarioDuration
        /// Processing vertices at which a node stops issuing new ones until some are
        /// decided, as avalanchego's OptimalProcessing (50 there); default: nil, no limit.
        public var optimalProcessing: Int?
        /// Whether a node answers a query at once with its current preferences and fetches
        /// what the query names afterwards, as avalanchego's Avalanche engine does; default:
        /// false, it answers once it holds what the query names.
        public var answerAtOnce: Bool
        /// Whether a node polls every vertex it adds to consensus (its peers' too), as
        /// avalanchego's Avalanche engine does; default: false, only its own.
        public var pollOnIssue: Bool
        /// Time after which a poll's missing answers count as no vote; default: 2s.
        public var pollTimeout: ScenarioDuration
        /// Whether nodes drop the accepted prefix of the DAG from memory; default: true.
        public var pruning: Bool
        /// Whether a node builds new vertices on its virtuous frontier, as avalanchego's
        /// issuer does; default: false, on its preferred frontier.
        public var virtuousParents: Bool
        /// Signature scheme on vertices; default: ML-DSA-87.
        public var signature: Signature

        /// The post-quantum signature scheme vertices are signed with.
        public enum Signature: String, Sendable, CaseIterable {
            /// ML-DSA-87 (FIPS 204, security category 5).
            case mlDSA87 = "ml-dsa-87"
            /// ML-DSA-65 (FIPS 204, security category 3).
            case mlDSA65 = "ml-dsa-65"
        }
    }

    /// The network between nodes, resolved from a profile and any explicit overrides.
    public struct Network: Sendable, Equatable {
        /// The latency and loss profile; default: lan.
        public var profile: Profile
        /// Probability that a message is lost, 0…1; default: the profile's.
        public var lossRate: Double
        /// Upload bandwidth per node in Mbit/s, nil = unlimited; default: the profile's.
        public var uploadMbps: Double?
        /// Shortest one-way latency of a link; default: the profile's.
        public var minLatency: ScenarioDuration
        /// Longest one-way latency of a link, ≥ minLatency; default: the profile's.
        public var maxLatency: ScenarioDuration
        /// Regions nodes are spread over (wan only, 1…6); default: 6 for wan, 1 otherwise.
        public var regions: Int

        /// A named set of network conditions.
        public enum Profile: String, Sendable, CaseIterable {
            /// One machine or rack: under 1 ms, no loss, unlimited bandwidth.
            case local
            /// A data centre: 1–10 ms, 0.01 % loss, 1 Gbit/s.
            case lan
            /// The internet across regions: 50–200 ms, 0.1 % loss, 100 Mbit/s.
            case wan
            /// A poor network: 200–500 ms, 1 % loss, 10 Mbit/s.
            case degraded

            /// The loss rate this profile uses unless the scenario sets one.
            public var defaultLossRate: Double {
                switch self {
                case .local: return 0
                case .lan: return 0.0001
                case .wan: return 0.001
                case .degraded: return 0.01
                }
            }

            /// The per-node upload bandwidth (Mbit/s) this profile uses, nil = unlimited.
            public var defaultUploadMbps: Double? {
                switch self {
                case .local: return nil
                case .lan: return 1000
                case .wan: return 100
                case .degraded: return 10
                }
            }

            /// The shortest one-way latency this profile uses.
            public var defaultMinLatency: ScenarioDuration {
                switch self {
                case .local: return .microseconds(100)
                case .lan: return .milliseconds(1)
                case .wan: return .milliseconds(50)
                case .degraded: return .milliseconds(200)
                }
            }

            /// The longest one-way latency this profile uses.
            public var defaultMaxLatency: ScenarioDuration {
                switch self {
                case .local: return .milliseconds(1)
                case .lan: return .milliseconds(10)
                case .wan: return .milliseconds(200)
                case .degraded: return .milliseconds(500)
                }
            }

            /// The number of regions this profile spreads nodes over unless the scenario sets one.
            public var defaultRegions: Int { self == .wan ? 6 : 1 }
        }
    }

    /// The capacity of every simulated node.
    public struct NodeModel: Sendable, Equatable {
        /// CPU speed relative to the machine the costs were measured on, > 0; default: 1.0.
        public var cpuSpeed: Double
        /// Memory a node may hold before it counts as out of memory, in MB, nil = none; default: nil.
        public var memoryLimitMB: Int?
        /// The node's disk and the store on it; default: a data-centre NVMe SSD, RocksDB's layout.
        public var disk: Disk
    }

    /// Every node's disk and the log-structured store on it (megabytes are 2^20 bytes).
    /// Defaults are the simulator's `DiskOptions`.
    public struct Disk: Sendable, Equatable {
        /// Sustained write bandwidth in MB/s, > 0; default: 1,000.
        public var writeMBps: Double
        /// Read bandwidth in MB/s, > 0; default: 3,000.
        public var readMBps: Double
        /// Time until a write reaching the device is durable, ≥ 0; default: 20us.
        public var writeLatency: ScenarioDuration
        /// Time until a read reaching the device returns its data, ≥ 0; default: 80us.
        public var readLatency: ScenarioDuration
        /// Operations per second the device completes at most, > 0; default: 200,000.
        public var iops: Double
        /// Memtable (and write-ahead log) size that triggers a flush to level 0, in MB, > 0; default: 64.
        public var memtableMB: Double
        /// Level-0 files that trigger a compaction into level 1, ≥ 1; default: 4.
        public var level0Files: Int
        /// Size limit of level 1 in MB, > 0; default: 256.
        public var levelBaseMB: Double
        /// Size limit of each level as a multiple of the one above, > 1; default: 10.
        public var levelMultiplier: Double
        /// Flush and level-0 compaction output still to write, in MB, above which writes stall, > 0; default: 1,280.
        public var level0BacklogMB: Double
        /// How long history stays on disk, nil = for ever; default: nil.
        public var retention: ScenarioDuration?

        /// The default disk, the simulator's `DiskOptions()`.
        public static var defaults: Disk {
            let options = DiskOptions()
            return Disk(
                writeMBps: options.writeMBps, readMBps: options.readMBps,
                writeLatency: ScenarioDuration(nanoseconds: options.writeLatency.nanoseconds),
                readLatency: ScenarioDuration(nanoseconds: options.readLatency.nanoseconds),
                iops: options.iops, memtableMB: options.memtableMB, level0Files: options.level0Files,
                levelBaseMB: options.levelBaseMB, levelMultiplier: options.levelMultiplier,
                level0BacklogMB: options.level0BacklogMB,
                retention: options.retention.map { ScenarioDuration(nanoseconds: $0.nanoseconds) })
        }
    }

    /// The transactions submitted to the cluster.
    public struct Workload: Sendable, Equatable {
        /// How the submission rate changes over time; default: constant.
        public var pattern: Pattern
        /// Base submission rate in tx/s (start of a ramp, trough of a sine), > 0; default: 100.
        public var tps: Double
        /// End of a ramp, burst or sine peak, upper bound for random; ≥ tps; default: none.
        public var peakTps: Double?
        /// Sine period, burst cycle or how often a random rate is redrawn; default: 60s.
        public var period: ScenarioDuration
        /// How long each burst lasts, ≤ period; default: 5s.
        public var burstDuration: ScenarioDuration
        /// Payload bytes per transaction, 1…1,048,576; default: 256.
        public var payloadBytes: Int
        /// Share of transactions that conflict with another one, 0…1; default: 0.
        public var conflictRate: Double

        /// A shape of the submission rate over time.
        public enum Pattern: String, Sendable, CaseIterable {
            /// `tps` throughout.
            case constant
            /// From `tps` at the start to `peakTps` at the end, linearly.
            case ramp
            /// `tps`, rising to `peakTps` for `burstDuration` at the start of every `period`.
            case burst
            /// A sine between `tps` and `peakTps` with the given `period`.
            case sine
            /// A rate drawn between `tps` and `peakTps` every `period` (`tps` when no peak is set).
            case random
        }
    }

    /// Nodes that deviate from the protocol.
    public struct Byzantine: Sendable, Equatable {
        /// Share of nodes (or of stake) that are Byzantine, 0 ≤ fraction < 1; default: 0.
        public var fraction: Double
        /// What the Byzantine nodes do; default: random-voting.
        public var behavior: Behavior
        /// Identities one Sybil adversary controls (sybil only), ≥ 1; default: 1.
        public var sybilIdentities: Int
        /// Whether `fraction` counts stake rather than nodes; default: false.
        public var stakeWeighted: Bool

        /// An attack a Byzantine node carries out: the simulator's own list of behaviours.
        public typealias Behavior = ByzantineBehavior
    }

    /// Reputation-based detection of Byzantine peers by honest nodes.
    public struct Detection: Sendable, Equatable {
        /// Whether honest nodes score their peers; default: false.
        public var enabled: Bool
        /// Reputation below which a peer is flagged as Byzantine, 0…1; default: 0.5.
        public var threshold: Double
        /// Whether flagged peers are no longer sampled (needs `enabled`); default: false.
        public var excludeBelowThreshold: Bool
    }

    /// Which nodes a fault hits.
    public enum FaultTarget: Sendable, Equatable {
        /// Every node (or, for a partition, the whole network).
        case all
        /// This many nodes, drawn from the fault's own random stream at each occurrence.
        case count(Int)
        /// These node indices (0-based), ascending.
        case nodes([Int])
    }

    /// One fault injected into the run.
    public struct Fault: Sendable, Equatable {
        /// What goes wrong (required).
        public var kind: Kind
        /// When the first occurrence starts, measured from the start of the run; default: 0s.
        public var at: ScenarioDuration
        /// How long each occurrence lasts (JSON key `for`), nil = to the end of the run; default: nil.
        public var duration: ScenarioDuration?
        /// Time between the starts of occurrences, nil = once; default: nil.
        public var every: ScenarioDuration?
        /// When repetition stops (needs `every`), nil = at the end of the run; default: nil.
        public var until: ScenarioDuration?
        /// The nodes hit, from `count` or `nodes`; default: all nodes.
        public var target: FaultTarget
        /// Partition group sizes as fractions of the nodes, summing to 1; default: none.
        public var groups: [Double]
        /// Partition blocks only messages from the first group to the others; default: false.
        public var oneWay: Bool
        /// Latency multiplier of a latency spike, > 1; default: nil.
        public var factor: Double?
        /// Extra message loss rate of a packet-loss fault, 0…1; default: nil.
        public var rate: Double?
        /// CPU speed during a throttle as a fraction of normal, 0 < speed < 1; default: nil.
        public var speed: Double?
        /// Memory limit in MB during memory pressure, > 0; default: nil.
        public var limitMB: Int?
        /// Clock offset of a clock skew, may be negative; default: nil.
        public var offset: ScenarioDuration?
        /// Clock drift of a clock skew in parts per million, may be negative; default: nil.
        public var drift: Double?

        /// A kind of fault, and the JSON name it is written with.
        public enum Kind: String, Sendable, CaseIterable {
            /// Nodes stop; with `for` they come back and catch up from peers.
            case crash
            /// Nodes restart, losing what they held in memory, and catch up from peers.
            case restart
            /// Every `every`, `count` random nodes leave and rejoin after `for`.
            case churn
            /// The network splits into groups that cannot reach each other.
            case partition
            /// Link latency is multiplied by `factor`.
            case latencySpike = "latency-spike"
            /// Messages are additionally lost with probability `rate`.
            case packetLoss = "packet-loss"
            /// Nodes' CPUs run at `speed` of their normal speed.
            case cpuThrottle = "cpu-throttle"
            /// Nodes' memory limit drops to `limitMB`.
            case memoryPressure = "memory-pressure"
            /// Nodes' clocks are shifted by `offset` and/or drift by `drift` ppm.
            case clockSkew = "clock-skew"
            /// Nodes' storage fails; they crash and recover from peers.
            case diskFailure = "disk-failure"
        }
    }

    /// How metric time series are sampled.
    public struct SeriesOptions: Sendable, Equatable {
        /// Simulated time between samples, > 0 and ≤ duration; default: 1s.
        public var interval: ScenarioDuration
    }

    /// A bound on one metric of the run.
    public struct Criterion: Sendable, Equatable {
        /// Metric name from `MetricCatalog` (required).
        public var metric: String
        /// Smallest acceptable value, inclusive; default: none.
        public var min: Double?
        /// Largest acceptable value, inclusive; default: none.
        public var max: Double?
        /// Whether this criterion should hold or break, overriding the scenario's `expect`;
        /// default: nil, the scenario's. A `fail` scenario marks the criteria that must hold
        /// all the same with `pass` (e.g. safety while liveness is expected to fail).
        public var expect: Expectation?

        /// Creates a criterion; at least one of `min` and `max` should be set.
        public init(metric: String, min: Double? = nil, max: Double? = nil, expect: Expectation? = nil) {
            self.metric = metric
            self.min = min
            self.max = max
            self.expect = expect
        }
    }
}
