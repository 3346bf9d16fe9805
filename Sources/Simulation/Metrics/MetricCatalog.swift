/// Which way a metric should move for a run to count as better.
public enum MetricDirection: String, Sendable, Codable {
    /// A larger value is an improvement (throughput, uptime, recall).
    case higherIsBetter
    /// A smaller value is an improvement (latency, memory, violations).
    case lowerIsBetter
    /// The value describes the run but is neither good nor bad (load submitted, event counts).
    case neither
}

/// What the project knows about one named metric.
public struct MetricInfo: Sendable, Equatable {
    /// Dotted name used in scenarios, the result database and `compare` (`latency.p95`).
    public let name: String
    /// Unit the value is expressed in (`"ms"`, `"tx/s"`, `"count"`).
    public let unit: String
    /// Which way the value should move for a run to be better.
    public let direction: MetricDirection
    /// True when the same scenario and seed always give the same value, on any machine.
    public let deterministic: Bool
    /// One-line explanation of what is measured.
    public let summary: String

    /// Creates a catalogue entry.
    public init(
        name: String, unit: String, direction: MetricDirection, deterministic: Bool, summary: String
    ) {
        self.name = name
        self.unit = unit
        self.direction = direction
        self.deterministic = deterministic
        self.summary = summary
    }
}

/// Every metric a run can report, with its unit and meaning.
///
/// Scenario acceptance criteria may only name metrics listed here; the result store and
/// `compare` use `direction` to decide whether a change is a regression.
public enum MetricCatalog {
    /// All metrics, grouped by subject, in a fixed order.
    public static let all: [MetricInfo] = throughput + latency + finality + correctness
        + resources + storage + traffic + recovery + detection + transactions + simulator

    /// The entry for `name`, or nil when no metric has that name.
    public static func info(_ name: String) -> MetricInfo? {
        guard let index = indexByName[name] else { return nil }
        return all[index]
    }

    private static let indexByName: [String: Int] = {
        var index: [String: Int] = [:]
        for (position, metric) in all.enumerated() {
            precondition(index[metric.name] == nil, "duplicate metric \(metric.name)")
            index[metric.name] = position
        }
        return index
    }()

    private static let txPerSecond = "tx/s"
    private static let milliseconds = "ms"
    private static let seconds = "s"
    private static let percent = "%"
    private static let megabytes = "MB"
    private static let megabitsPerSecond = "Mbps"
    private static let megabytesPerSecond = "MB/s"
    private static let count = "count"
    /// A fraction between 0 and 1.
    private static let ratio = "ratio"

    private static func metric(
        _ name: String, _ unit: String, _ direction: MetricDirection, _ summary: String,
        deterministic: Bool = true
    ) -> MetricInfo {
        MetricInfo(
            name: name, unit: unit, direction: direction, deterministic: deterministic,
            summary: summary)
    }

    private static let throughput: [MetricInfo] = [
        metric("tps.mean", txPerSecond, .higherIsBetter,
               "Accepted transactions per second, averaged over the measured interval"),
        metric("tps.min", txPerSecond, .higherIsBetter,
               "Lowest accepted-transaction rate of any series interval after warm-up"),
        metric("tps.max", txPerSecond, .higherIsBetter,
               "Highest accepted-transaction rate of any series interval after warm-up"),
        metric("tps.stddevPercent", percent, .lowerIsBetter,
               "Standard deviation of the per-interval rate as a percentage of its mean"),
    ]

    private static let latency: [MetricInfo] = [
        metric("latency.p50", milliseconds, .lowerIsBetter,
               "Median time from submission to acceptance at the origin node"),
        metric("latency.p95", milliseconds, .lowerIsBetter,
               "95th percentile time from submission to acceptance at the origin node"),
        metric("latency.p99", milliseconds, .lowerIsBetter,
               "99th percentile time from submission to acceptance at the origin node"),
        metric("latency.max", milliseconds, .lowerIsBetter,
               "Longest time from submission to acceptance at the origin node"),
    ]

    private static let finality: [MetricInfo] = [
        metric("finality.p50", milliseconds, .lowerIsBetter,
               "Median time from submission to acceptance by every live honest node"),
        metric("finality.p95", milliseconds, .lowerIsBetter,
               "95th percentile time from submission to acceptance by every live honest node"),
        metric("finality.max", milliseconds, .lowerIsBetter,
               "Longest time from submission to acceptance by every live honest node"),
        metric("finality.rounds.mean", count, .lowerIsBetter,
               "Mean number of polls a node ran before accepting a transaction"),
    ]

    private static let correctness: [MetricInfo] = [
        metric("safety.violations", count, .lowerIsBetter,
               "Conflicting transactions accepted by honest nodes, or acceptances undone"),
        metric("liveness.stalled", count, .lowerIsBetter,
               "Transactions not decided within their deadline"),
        metric("node.crashes", count, .lowerIsBetter,
               "Node crashes not injected by a fault"),
        metric("node.oom", count, .lowerIsBetter,
               "Nodes that ran out of memory"),
        metric("uptime.percent", percent, .higherIsBetter,
               "Share of node-time the nodes were up and taking part in consensus"),
        metric("faults.crashes", count, .neither,
               "Node crashes injected by faults (crash, restart, churn, disk failure)"),
        metric("faults.storageLosses", count, .neither,
               "Nodes that lost their storage to a disk failure and resynchronised from peers"),
        metric("clock.timestampError.max", milliseconds, .neither,
               "Largest difference between a skewed node's clock and simulated time when it made a vertex"),
    ]

    private static let resources: [MetricInfo] = [
        metric("node.cpu.mean", percent, .lowerIsBetter,
               "Simulated CPU utilisation, averaged over nodes and time"),
        metric("node.cpu.max", percent, .lowerIsBetter,
               "Highest simulated CPU utilisation of any node in any series interval"),
        metric("node.memory.mean", megabytes, .lowerIsBetter,
               "Bytes held per node (vertices, indexes, consensus state), averaged"),
        metric("node.memory.max", megabytes, .lowerIsBetter,
               "Most bytes held by any node at any time"),
        metric("node.memory.growthPercent", percent, .lowerIsBetter,
               "Growth of mean node memory from the end of warm-up to the end of the run"),
        metric("node.bandwidth.mean", megabitsPerSecond, .lowerIsBetter,
               "Upload traffic per node, averaged over nodes and time (what the uplink carried: at most its cap)"),
        metric("node.bandwidth.max", megabitsPerSecond, .lowerIsBetter,
               "Highest upload rate of any node in any series interval"),
    ]

    /// Each node's disk and store (MB are 2^20 bytes, as for memory).
    private static let storage: [MetricInfo] = [
        metric("disk.write.mean", megabytesPerSecond, .lowerIsBetter,
               "Bytes written to each node's disk (log, flushes, compactions) per second, averaged over nodes and time"),
        metric("disk.write.max", megabytesPerSecond, .lowerIsBetter,
               "Highest disk write rate of any node in any series interval"),
        metric("disk.read.max", megabytesPerSecond, .lowerIsBetter,
               "Highest disk read rate (fetches served from disk, compaction inputs) of any node in any series interval"),
        metric("disk.utilization.mean", percent, .lowerIsBetter,
               "Share of time each node's disk was busy, averaged over nodes and time"),
        metric("disk.utilization.max", percent, .lowerIsBetter,
               "Highest share of a series interval any node's disk was busy"),
        metric("disk.wait.p95", milliseconds, .lowerIsBetter,
               "95th percentile time a disk read or write waited in its node's disk queue"),
        metric("disk.wait.max", milliseconds, .lowerIsBetter,
               "Longest time a disk read or write waited in its node's disk queue"),
        metric("storage.size.mean", megabytes, .lowerIsBetter,
               "Bytes each node's store occupies on disk (log and levels, deleted data not yet reclaimed included), averaged"),
        metric("storage.size.max", megabytes, .lowerIsBetter,
               "Most bytes any node's store occupied on disk at a series interval's end"),
        metric("storage.growthPercent", percent, .lowerIsBetter,
               "Growth of the mean store size from the first to the last quarter of the run after warm-up"),
        metric("storage.writeAmplification", "x", .lowerIsBetter,
               "Bytes the disks wrote (log, flushes, compactions) per byte the nodes stored"),
        metric("storage.compactions", count, .neither,
               "Compactions that rewrote data, all nodes together"),
        metric("storage.reclaimed", megabytes, .neither,
               "Deleted data and delete markers dropped by compactions and flushes, per node"),
    ]

    private static let traffic: [MetricInfo] = [
        metric("messages.total", count, .neither,
               "Messages sent between nodes"),
        metric("messages.dropped", count, .lowerIsBetter,
               "Messages lost to packet loss, partitions, crashed receivers or full queues"),
        metric("vertices.issued", count, .neither,
               "Vertices created by all nodes"),
    ]

    private static let recovery: [MetricInfo] = [
        metric("recovery.seconds", seconds, .lowerIsBetter,
               "Longest time from the heal of a partition until every transaction accepted anywhere is accepted by every live node"),
        metric("recovery.incomplete", count, .lowerIsBetter,
               "Partitions after whose heal the nodes had not agreed by the end of the run"),
        metric("partition.sidesDeciding", count, .neither,
               "Fewest partition groups in which transactions submitted during a partition were accepted"),
        metric("rejoin.p95", seconds, .lowerIsBetter,
               "95th percentile time for a restarted node to accept what the others accepted before its restart"),
        metric("rejoin.max", seconds, .lowerIsBetter,
               "Longest time for a restarted node to accept what the others accepted before its restart"),
        metric("rejoin.count", count, .neither,
               "Restarted nodes that caught up with their peers"),
        metric("rejoin.incomplete", count, .lowerIsBetter,
               "Restarted nodes that had not caught up by the end of the run or crashed again first"),
    ]

    private static let detection: [MetricInfo] = [
        metric("byzantine.detection.recall", ratio, .higherIsBetter,
               "Fraction of Byzantine nodes flagged by the majority of the honest nodes that judged them"),
        metric("byzantine.detection.falsePositiveRate", ratio, .lowerIsBetter,
               "Fraction of honest nodes flagged by the majority of the honest nodes that judged them"),
        metric("byzantine.detection.seconds", seconds, .lowerIsBetter,
               "Time from the start until the flagged Byzantine nodes reached their final count (or 95 %)"),
        metric("byzantine.nodes", count, .neither,
               "Byzantine nodes (identities) in the run"),
        metric("byzantine.stakeShare", ratio, .neither,
               "Share of the peer-sampling weight the Byzantine nodes hold"),
        metric("byzantine.doubleSpends", count, .neither,
               "Conflicting transaction pairs issued by Byzantine double spenders"),
    ]

    private static let transactions: [MetricInfo] = [
        metric("transactions.submitted", count, .neither,
               "Transactions the workload submitted"),
        metric("transactions.accepted", count, .higherIsBetter,
               "Submitted transactions accepted at their origin node"),
        metric("transactions.rejected", count, .neither,
               "Submitted transactions rejected (the losing side of a conflict)"),
        metric("transactions.pending", count, .lowerIsBetter,
               "Submitted transactions still undecided when the run ended"),
    ]

    /// Figures about the simulator itself; all but the event count depend on the machine.
    private static let simulator: [MetricInfo] = [
        metric("sim.events", count, .neither,
               "Events the simulation processed"),
        metric("sim.eventsPerSecond", "events/s", .higherIsBetter,
               "Events processed per second of wall time", deterministic: false),
        metric("sim.wallSeconds", seconds, .lowerIsBetter,
               "Wall time the simulation took", deterministic: false),
        metric("sim.speedup", "x", .higherIsBetter,
               "Simulated time divided by wall time", deterministic: false),
        metric("sim.rssMB", megabytes, .lowerIsBetter,
               "Peak resident memory of the simulator process", deterministic: false),
    ]
}
