/// The scenario file format, version 1: every key, its type, default and meaning.
///
/// This table is the single source of truth. The decoder checks files against it and
/// takes defaults from it; `ScenarioSchema` renders it as a JSON Schema. Rules that relate
/// several fields to each other live in `Scenario+Decoding.swift` and
/// `Scenario+Relations.swift`.
enum ScenarioFormat {
    /// Identifiers look like `LT-001`, `LT-003-10000` or `CT-003-30-collusion`.
    static let idPattern = "^[A-Z]{2}-[0-9]{3}(-[A-Za-z0-9]+)*$"
    /// Tags are single words.
    static let tagPattern = "^[^\\s]+$"
    /// Most nodes a scenario may simulate.
    static let maximumNodes: Int64 = 100_000
    /// Largest transaction payload: 1 MiB.
    static let maximumPayloadBytes: Int64 = 1_048_576
    /// A clock drifting by a million parts per million would stand still or run double.
    static let maximumDriftPPM = 1_000_000.0
    /// Partition group fractions must sum to 1 within this tolerance.
    static let groupSumTolerance = 1e-9

    static func names<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> [String] where E.RawValue == String {
        type.allCases.map(\.rawValue)
    }

    private static func text(_ value: String) -> FieldDefault { .value(.string(value)) }
    private static func integer(_ value: Int) -> FieldDefault { .value(.integer(value)) }
    private static func number(_ value: Double) -> FieldDefault { .value(.double(value)) }
    private static func flag(_ value: Bool) -> FieldDefault { .value(.bool(value)) }
    private static let emptyObject = FieldDefault.value(.object([]))
    private static let emptyList = FieldDefault.value(.array([]))

    /// The top level of a scenario file.
    static let root = ObjectSpec(
        summary: "A cretoscale scale-test scenario (format version 1).",
        fields: [
            FieldSpec("$schema", .text(pattern: nil, hint: nil), .none,
                      "Path or URL of this JSON Schema, for editors; ignored by cretoscale."),
            FieldSpec("version", .constant(Scenario.formatVersion), .required,
                      "Format version; must be 1."),
            FieldSpec("id", .text(pattern: idPattern,
                                  hint: "two capital letters, a dash, three digits, then optional -suffixes, e.g. \"LT-001\" or \"CT-003-30-collusion\""),
                      .required, "Scenario identifier, e.g. LT-001 or CT-003-30-collusion."),
            FieldSpec("name", .text(pattern: nil, hint: nil), .derived("the id"),
                      "Human-readable title."),
            FieldSpec("description", .text(pattern: nil, hint: nil), text(""),
                      "What the scenario shows and why."),
            FieldSpec("category", .choice(names(Scenario.Category.self)), text("load"),
                      "What kind of test this is."),
            FieldSpec("tags", .list(.text(pattern: tagPattern, hint: "a single word without spaces"), minimumCount: 0),
                      emptyList, "Labels used to select scenarios, e.g. \"ci\"."),
            FieldSpec("seed", .unsigned64, integer(1),
                      "Seed from which every random stream of the run is derived."),
            FieldSpec("nodes", .integer(minimum: 1, maximum: maximumNodes), .required,
                      "Number of simulated nodes."),
            FieldSpec("duration", .duration(.positive), text("60s"),
                      "Simulated time the run lasts, e.g. \"60m\"."),
            FieldSpec("warmup", .duration(.nonNegative), text("10s"),
                      "Simulated time at the start excluded from metrics; shorter than duration."),
            FieldSpec("consensus", .object(consensus), emptyObject,
                      "Avalanche/Snowball parameters (avalanchego's defaults)."),
            FieldSpec("network", .object(network), emptyObject,
                      "Latency, loss and bandwidth between nodes."),
            FieldSpec("node", .object(node), emptyObject,
                      "Capacity of each simulated node."),
            FieldSpec("workload", .object(workload), emptyObject,
                      "Transactions submitted to the cluster."),
            FieldSpec("byzantine", .object(byzantine), emptyObject,
                      "Share and behaviour of Byzantine nodes."),
            FieldSpec("detection", .object(detection), emptyObject,
                      "Reputation-based detection of Byzantine peers."),
            FieldSpec("faults", .list(.object(fault), minimumCount: 0), emptyList,
                      "Faults injected during the run."),
            FieldSpec("series", .object(series), emptyObject,
                      "How metric time series are sampled."),
            FieldSpec("expect", .choice(names(Scenario.Expectation.self)), text("pass"),
                      "pass: the criteria must hold; fail: the run must break them (e.g. ≥ 33 % Byzantine)."),
            FieldSpec("acceptance", .list(.object(criterion), minimumCount: 0), emptyList,
                      "Conditions on the run's metrics."),
        ])

    static let consensus = ObjectSpec(
        summary: "Avalanche/Snowball parameters; K/2 < alphaPreference ≤ alphaConfidence ≤ k, 0 < concurrentRepolls ≤ beta.",
        fields: [
            FieldSpec("k", .integer(minimum: 1, maximum: maximumNodes), integer(20),
                      "Peers sampled per poll; at most the node count."),
            FieldSpec("alphaPreference", .integer(minimum: 1, maximum: maximumNodes), integer(15),
                      "Votes for a choice needed to switch preference; more than k/2."),
            FieldSpec("alphaConfidence", .integer(minimum: 1, maximum: maximumNodes), integer(15),
                      "Votes needed to extend confidence; alphaPreference…k."),
            FieldSpec("beta", .integer(minimum: 1, maximum: 10_000), integer(20),
                      "Consecutive successful polls that accept a choice."),
            FieldSpec("concurrentRepolls", .integer(minimum: 1, maximum: 10_000), integer(4),
                      "Polls a node keeps outstanding at once; 1…beta."),
            FieldSpec("parents", .integer(minimum: 1, maximum: 64), integer(5),
                      "Most parents a new vertex references."),
            FieldSpec("batchSize", .integer(minimum: 1, maximum: 10_000), integer(30),
                      "Most transactions per vertex."),
            FieldSpec("batchInterval", .duration(.positive), text("50ms"),
                      "Longest wait before an incomplete batch becomes a vertex."),
            FieldSpec("optimalProcessing", .nullable(.integer(minimum: 1, maximum: 1_000_000)), .value(.null),
                      "Processing vertices at which a node stops issuing new ones until some are decided, as avalanchego's OptimalProcessing (50 there); null means no limit."),
            FieldSpec("answerAtOnce", .boolean, flag(false),
                      "Whether a node answers a query at once with its current preferred frontier and fetches the vertices the query names afterwards, as avalanchego's Avalanche engine does; false answers once it holds every vertex the query names."),
            FieldSpec("pollOnIssue", .boolean, flag(false),
                      "Whether a node starts a push-query poll for every vertex it adds to consensus, its peers' as well as its own, as avalanchego's Avalanche engine does; false polls only its own vertices, then repolls up to concurrentRepolls."),
            FieldSpec("pollTimeout", .duration(.positive), text("2s"),
                      "Time after which a poll's missing answers count as no vote."),
            FieldSpec("pruning", .boolean, flag(true),
                      "Whether nodes drop the accepted prefix of the DAG from memory."),
            FieldSpec("signature", .choice(names(Scenario.Consensus.Signature.self)), text("ml-dsa-87"),
                      "Signature scheme on vertices."),
            FieldSpec("virtuousParents", .boolean, flag(false),
                      "Whether a node builds new vertices only on its virtuous frontier (vertices none of whose undecided transactions is in a dispute it knows of), as avalanchego's issuer does; false builds on its preferred frontier."),
        ])

    /// "local 0, lan 0.0001, …" for one profile property, for documentation.
    private static func perProfile(_ value: (Scenario.Network.Profile) -> String) -> FieldDefault {
        let list = Scenario.Network.Profile.allCases.map { "\($0.rawValue) \(value($0))" }
        return .derived("the profile's (" + list.joined(separator: ", ") + ")")
    }

    static let network = ObjectSpec(
        summary: "The network between nodes: a profile, optionally adjusted.",
        fields: [
            FieldSpec("profile", .choice(names(Scenario.Network.Profile.self)), text("lan"),
                      "Named latency, loss and bandwidth profile."),
            FieldSpec("lossRate", .number(.between(0, 1)),
                      perProfile { formatNumber($0.defaultLossRate) },
                      "Probability that a message is lost."),
            FieldSpec("uploadMbps", .nullable(.number(.above(0)) ),
                      perProfile { $0.defaultUploadMbps.map(formatNumber) ?? "unlimited" },
                      "Upload bandwidth per node in Mbit/s; null means unlimited."),
            FieldSpec("minLatency", .duration(.nonNegative),
                      perProfile { $0.defaultMinLatency.description },
                      "Shortest one-way latency of a link."),
            FieldSpec("maxLatency", .duration(.nonNegative),
                      perProfile { $0.defaultMaxLatency.description },
                      "Longest one-way latency of a link; at least minLatency."),
            FieldSpec("regions", .integer(minimum: 1, maximum: 6), integer(6),
                      "Regions the nodes are spread over (wan profile only)."),
        ],
        variants: Variants(
            key: "profile", governed: ["regions"],
            variants: Scenario.Network.Profile.allCases.map { profile in
                Variant(profile.rawValue, uses: profile == .wan ? ["regions"] : [])
            }))

    static let node = ObjectSpec(
        summary: "Capacity of every simulated node.",
        fields: [
            FieldSpec("cpuSpeed", .number(.above(0)), number(1.0),
                      "CPU speed relative to the machine the operation costs were measured on."),
            FieldSpec("memoryLimitMB", .nullable(.integer(minimum: 1, maximum: nil)), .value(.null),
                      "Memory a node may hold before it counts as out of memory, in MB; null means no limit."),
            FieldSpec("disk", .object(disk), emptyObject,
                      "The node's disk and the log-structured store on it; defaults describe a data-centre NVMe SSD with RocksDB's layout."),
        ])

    /// The storage model's defaults, from the simulator's `DiskOptions`.
    private static let diskDefaults = Scenario.Disk.defaults

    static let disk = ObjectSpec(
        summary: "A node's disk: a serialising queue of operations, and a log-structured store (write-ahead log, memtable, levels merged by compaction). MB are 2^20 bytes.",
        fields: [
            FieldSpec("writeMBps", .number(.above(0)), number(diskDefaults.writeMBps),
                      "Sustained write bandwidth in MB/s."),
            FieldSpec("readMBps", .number(.above(0)), number(diskDefaults.readMBps),
                      "Read bandwidth in MB/s."),
            FieldSpec("writeLatency", .duration(.nonNegative), text(diskDefaults.writeLatency.description),
                      "Time from a write reaching the device until it is durable (pipelined: it does not occupy the device)."),
            FieldSpec("readLatency", .duration(.nonNegative), text(diskDefaults.readLatency.description),
                      "Time from a read reaching the device until its data is back (pipelined)."),
            FieldSpec("iops", .number(.above(0)), number(diskDefaults.iops),
                      "Operations per second the device completes at most; each occupies it for 1/iops besides its bytes."),
            FieldSpec("memtableMB", .number(.above(0)), number(diskDefaults.memtableMB),
                      "Memtable (and write-ahead log) size at which it is flushed to level 0 as one file."),
            FieldSpec("level0Files", .integer(minimum: 1, maximum: 1_000), integer(diskDefaults.level0Files),
                      "Level-0 files that trigger their compaction into level 1."),
            FieldSpec("levelBaseMB", .number(.above(0)), number(diskDefaults.levelBaseMB),
                      "Size above which level 1 is compacted into level 2."),
            FieldSpec("levelMultiplier", .number(.above(1)), number(diskDefaults.levelMultiplier),
                      "Size limit of each deeper level as a multiple of the one above."),
            FieldSpec("level0BacklogMB", .number(.above(0)), number(diskDefaults.level0BacklogMB),
                      "Memtable flush and level-0 compaction output still to write above which the store stalls writes until it catches up."),
            FieldSpec("retention", .nullable(.duration(.positive)), .value(.null),
                      "How long a node keeps a vertex and its records on disk before deleting them; null keeps the whole history."),
        ])

    static let workload = ObjectSpec(
        summary: "Transactions submitted to random nodes.",
        fields: [
            FieldSpec("pattern", .choice(names(Scenario.Workload.Pattern.self)), text("constant"),
                      "Shape of the submission rate over time."),
            FieldSpec("tps", .number(.above(0)), number(100),
                      "Base rate in tx/s: the constant rate, ramp start, burst base, sine trough or random minimum."),
            FieldSpec("peakTps", .number(.above(0)), .none,
                      "Ramp end, burst peak, sine peak or random maximum in tx/s; at least tps. Required for ramp, burst and sine."),
            FieldSpec("period", .duration(.positive), text("60s"),
                      "Sine period, burst cycle, or how often a random rate is redrawn."),
            FieldSpec("burstDuration", .duration(.positive), text("5s"),
                      "How long each burst lasts; at most period."),
            FieldSpec("payloadBytes", .integer(minimum: 1, maximum: maximumPayloadBytes), integer(256),
                      "Payload bytes per transaction."),
            FieldSpec("conflictRate", .number(.between(0, 1)), number(0),
                      "Share of transactions that spend an input another transaction also spends."),
        ],
        variants: Variants(
            key: "pattern", governed: ["peakTps", "period", "burstDuration"],
            variants: Scenario.Workload.Pattern.allCases.map(workloadVariant)))

    private static func workloadVariant(_ pattern: Scenario.Workload.Pattern) -> Variant {
        switch pattern {
        case .constant: return Variant(pattern.rawValue)
        case .ramp: return Variant(pattern.rawValue, uses: ["peakTps"], requires: ["peakTps"])
        case .burst:
            return Variant(pattern.rawValue, uses: ["peakTps", "period", "burstDuration"], requires: ["peakTps"])
        case .sine: return Variant(pattern.rawValue, uses: ["peakTps", "period"], requires: ["peakTps"])
        case .random: return Variant(pattern.rawValue, uses: ["peakTps", "period"])
        }
    }

    static let byzantine = ObjectSpec(
        summary: "Nodes that deviate from the protocol.",
        fields: [
            FieldSpec("fraction", .number(Bounds(lower: 0, upper: 1, upperInclusive: false)), number(0),
                      "Share of nodes (or of stake) that are Byzantine."),
            FieldSpec("behavior", .choice(names(Scenario.Byzantine.Behavior.self)), text("random-voting"),
                      "What the Byzantine nodes do."),
            FieldSpec("sybilIdentities", .integer(minimum: 1, maximum: maximumNodes), integer(1),
                      "Identities one Sybil adversary controls (sybil only)."),
            FieldSpec("stakeWeighted", .boolean, flag(false),
                      "Whether fraction counts stake rather than nodes."),
        ],
        variants: Variants(
            key: "behavior", governed: ["sybilIdentities"],
            variants: Scenario.Byzantine.Behavior.allCases.map { behavior in
                Variant(behavior.rawValue, uses: behavior == .sybil ? ["sybilIdentities"] : [])
            }))

    static let detection = ObjectSpec(
        summary: "Reputation-based detection of Byzantine peers by honest nodes.",
        fields: [
            FieldSpec("enabled", .boolean, flag(false),
                      "Whether honest nodes score their peers."),
            FieldSpec("threshold", .number(.between(0, 1)), number(0.5),
                      "Reputation below which a peer is flagged as Byzantine."),
            FieldSpec("excludeBelowThreshold", .boolean, flag(false),
                      "Whether flagged peers are no longer sampled; needs enabled."),
        ])

    /// Keys that only some fault kinds use.
    static let faultGoverned = ["count", "nodes", "groups", "oneWay", "factor", "rate", "speed", "limitMB", "offset", "drift"]

    static let fault = ObjectSpec(
        summary: "One injected fault; which keys apply depends on kind.",
        fields: [
            FieldSpec("kind", .choice(names(Scenario.Fault.Kind.self)), .required,
                      "What goes wrong."),
            FieldSpec("at", .duration(.nonNegative), text("0s"),
                      "When the first occurrence starts, from the start of the run."),
            FieldSpec("for", .duration(.positive), .derived("to the end of the run"),
                      "How long each occurrence lasts (crash: downtime; partition: time until it heals)."),
            FieldSpec("every", .duration(.positive), .none,
                      "Time between the starts of repeated occurrences; at least for."),
            FieldSpec("until", .duration(.positive), .derived("the end of the run"),
                      "When repetition stops; needs every."),
            FieldSpec("count", .integer(minimum: 1, maximum: maximumNodes), .none,
                      "Number of nodes hit, drawn at random at each occurrence; not with nodes."),
            FieldSpec("nodes", .list(.integer(minimum: 0, maximum: maximumNodes - 1), minimumCount: 1), .none,
                      "Indices (0-based) of the nodes hit; not with count."),
            FieldSpec("groups", .list(.number(Bounds(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)), minimumCount: 2),
                      .none, "Partition: group sizes as fractions of the nodes, summing to 1, e.g. [0.5, 0.5]."),
            FieldSpec("oneWay", .boolean, flag(false),
                      "Partition: block only messages from the first group to the others."),
            FieldSpec("factor", .number(.above(1)), .none,
                      "Latency spike: multiplier applied to link latency."),
            FieldSpec("rate", .number(.between(0, 1)), .none,
                      "Packet loss: extra probability that a message is lost."),
            FieldSpec("speed", .number(Bounds(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)), .none,
                      "CPU throttle: CPU speed as a fraction of normal."),
            FieldSpec("limitMB", .integer(minimum: 1, maximum: nil), .none,
                      "Memory pressure: memory limit in MB while the fault lasts."),
            FieldSpec("offset", .duration(.signed), .none,
                      "Clock skew: fixed clock offset, may be negative, e.g. \"-250ms\"."),
            FieldSpec("drift", .number(Bounds(lower: -maximumDriftPPM, lowerInclusive: false,
                                              upper: maximumDriftPPM, upperInclusive: false)), .none,
                      "Clock skew: clock drift in parts per million, may be negative."),
        ],
        mutuallyExclusive: [["count", "nodes"]],
        variants: Variants(
            key: "kind", governed: faultGoverned,
            variants: Scenario.Fault.Kind.allCases.map(faultVariant)))

    private static func faultVariant(_ kind: Scenario.Fault.Kind) -> Variant {
        let targeted = ["count", "nodes"]
        switch kind {
        case .crash, .restart, .diskFailure:
            return Variant(kind.rawValue, uses: targeted, requiresAnyOf: targeted)
        case .churn:
            return Variant(kind.rawValue, uses: ["count"], requires: ["count", "every", "for"])
        case .partition:
            return Variant(kind.rawValue, uses: ["groups", "oneWay"], requires: ["groups"])
        case .latencySpike:
            return Variant(kind.rawValue, uses: targeted + ["factor"], requires: ["factor"])
        case .packetLoss:
            return Variant(kind.rawValue, uses: targeted + ["rate"], requires: ["rate"])
        case .cpuThrottle:
            return Variant(kind.rawValue, uses: targeted + ["speed"], requires: ["speed"])
        case .memoryPressure:
            return Variant(kind.rawValue, uses: targeted + ["limitMB"], requires: ["limitMB"])
        case .clockSkew:
            return Variant(kind.rawValue, uses: targeted + ["offset", "drift"], requiresAnyOf: ["offset", "drift"])
        }
    }

    static let series = ObjectSpec(
        summary: "How metric time series are sampled.",
        fields: [
            FieldSpec("interval", .duration(.positive), text("1s"),
                      "Simulated time between samples; at most duration (soak runs use longer)."),
        ])

    static let criterion = ObjectSpec(
        summary: "A bound on one metric; min and max are inclusive.",
        fields: [
            FieldSpec("metric", .metricName, .required,
                      "Metric name, e.g. latency.p95."),
            FieldSpec("min", .number(.any), .none, "Smallest acceptable value."),
            FieldSpec("max", .number(.any), .none, "Largest acceptable value."),
            FieldSpec("expect", .choice(names(Scenario.Expectation.self)), .none,
                      "Whether this criterion should hold (pass) or break (fail); default: the scenario's expect."),
        ],
        atLeastOneOf: [["min", "max"]])
}
