import ConsensusCore

/// What the fault injector schedules, beside the simulator's own events.
enum FaultEvent {
    /// An occurrence of fault `index` starts.
    case begin(Int32)
    /// The current occurrence of fault `index` ends.
    case end(Int32)
    /// A node killed for running out of memory comes back.
    case restartAfterOOM(Int32)
    /// Once a second: memory limits, catch-up retries, measurements.
    case tick
}

/// A measurement of agreement after a fault ends: from `start` until every transaction
/// first accepted in positions `low..<high` of the acceptance log is accepted by every
/// live node.
struct RecoveryWatch {
    var start: SimInstant
    var low: Int
    var high: Int
    var remaining: Int
}

/// The state of the fault injector and of the measurements that only faults need.
/// Per-node arrays are empty when the run has no fault that uses them, so a run without
/// faults pays one `isEmpty` test where they are read.
struct FaultState {
    /// Whether the run injects anything at all (faults or a memory limit).
    let enabled: Bool
    let specs: [FaultSpec]
    /// Each fault's own random stream (target draws, partition groups).
    var random: [Xoshiro256StarStar]
    /// Nodes hit by each fault's current occurrence.
    var hit: [[Int]]
    /// Occurrences started per fault.
    var occurrences: [Int]

    // Per-node conditions.
    /// CPU time multiplier (1 / speed) of throttled nodes.
    var cpuScale: [Double] = []
    /// Clock offset, drift (ppm) and the instant the drift started, of skewed nodes.
    var clockOffset: [Int64] = []
    var clockDrift: [Double] = []
    var clockSince: [Int64] = []
    /// Memory limit in bytes from memory-pressure faults; 0 = none.
    var pressureLimit: [Int] = []
    /// The scenario's memory limit for every node, in bytes; 0 = none.
    let baseMemoryLimit: Int

    // Up and down time.
    /// When each node went down (nanoseconds), -1 while up.
    var downSince: [Int64] = []
    /// Closed down intervals per node, for the liveness clock of transactions.
    var downIntervals: [[(start: Int64, end: Int64)]] = []
    var downtimeTotal: Int64 = 0
    /// Nodes whose storage failed while down: they restart empty.
    var wipeAtRestart: [Bool] = []
    /// When each node's storage began: 0, or its restart after a disk failure (nanoseconds).
    var storageSince: [Int64] = []

    // Catch-up after a restart.
    /// Nodes fetching history with get-ancestors.
    var catchingUp: [Bool] = []
    /// Transactions (nonces) a restarted node must accept to have caught up.
    var rejoinMissing: [Set<UInt64>] = []
    /// When each node's current catch-up started, -1 when none.
    var rejoinStart: [Int64] = []
    var rejoinSeconds: [Double] = []

    // Agreement.
    var log = AcceptanceLog()
    var recoveries: [RecoveryWatch] = []
    var recoverySeconds: [Double] = []

    // Partitions.
    var partitionGroup: [UInt8] = []
    var partitionStart: Int64 = -1
    var acceptedInGroup: [Int] = []
    var fewestSidesDeciding: Int?

    // Counters.
    var injectedCrashes = 0
    var oomKills = 0
    var storageLosses = 0
    var rejoinsAbandoned = 0
    var largestTimestampError: Int64 = 0

    init(options: SimulationOptions, streams: RandomStreams) {
        specs = options.faults
        baseMemoryLimit = (options.memoryLimitMB ?? 0) * 1_048_576
        enabled = !specs.isEmpty || baseMemoryLimit > 0
        random = specs.indices.map { streams.stream(.fault, index: $0) }
        hit = Array(repeating: [], count: specs.count)
        occurrences = Array(repeating: 0, count: specs.count)
        guard enabled else { return }
        let n = options.nodes
        downSince = Array(repeating: -1, count: n)
        downIntervals = Array(repeating: [], count: n)
        catchingUp = Array(repeating: false, count: n)
        wipeAtRestart = Array(repeating: false, count: n)
        storageSince = Array(repeating: 0, count: n)
        rejoinMissing = Array(repeating: [], count: n)
        rejoinStart = Array(repeating: -1, count: n)
        for spec in specs {
            // Occurrences with a length must not overlap: an occurrence's end undoes what it did.
            // Without a length they last to the end of the run, and repeated ones add up.
            if let every = spec.every, let length = spec.length {
                precondition(length <= every, "a repeating fault must end before its next occurrence starts")
            }
            switch spec.action {
            case .cpuThrottle: if cpuScale.isEmpty { cpuScale = Array(repeating: 1, count: n) }
            case .clockSkew:
                if clockOffset.isEmpty {
                    clockOffset = Array(repeating: 0, count: n)
                    clockDrift = Array(repeating: 0, count: n)
                    clockSince = Array(repeating: 0, count: n)
                }
            case .memoryPressure: if pressureLimit.isEmpty { pressureLimit = Array(repeating: 0, count: n) }
            default: break
            }
        }
    }

    /// The memory limit of `node` in bytes, 0 = none.
    func memoryLimit(of node: Int) -> Int {
        let pressure = pressureLimit.isEmpty ? 0 : pressureLimit[node]
        if pressure == 0 { return baseMemoryLimit }
        return baseMemoryLimit == 0 ? pressure : min(pressure, baseMemoryLimit)
    }

    /// Nanoseconds `node` was down within `from..<to`.
    func downtime(of node: Int, from: Int64, to: Int64) -> Int64 {
        guard enabled, to > from else { return 0 }
        var total: Int64 = 0
        for interval in downIntervals[node].reversed() {
            if interval.end <= from { break }
            total += max(0, min(interval.end, to) - max(interval.start, from))
        }
        if downSince[node] >= 0 { total += max(0, to - max(downSince[node], from)) }
        return total
    }
}
