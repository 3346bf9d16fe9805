import ConsensusCore
import Histogram

/// Collects what a run measures, from the events the simulator reports; turns it into
/// the catalogue's figures at the end.
struct RunMetrics {
    let options: SimulationOptions
    let warmupEnd: SimInstant
    var sent = 0
    var delivered = 0
    var dropped = 0
    var submitted = 0
    var acceptedAtOrigin = 0
    var rejectedAtOrigin = 0
    var verticesIssued = 0
    var refusedVertices = 0
    var pollTimeouts = 0
    var stalled = 0
    /// Nodes alive and honest: the nodes finality waits for.
    var liveNodes: Int

    /// Origin latency in microseconds, for transactions submitted after the warm-up.
    var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Submit → accepted by every live honest node, in microseconds.
    var finality = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var roundsTotal: Int64 = 0
    var roundsCount: Int64 = 0
    /// Origin acceptances per series interval (index = interval).
    var acceptedPerInterval: [Int] = []

    var cpuSum = 0.0, cpuMax = 0.0
    var memorySum = 0.0, memoryMax = 0.0
    var bandwidthSum = 0.0, bandwidthMax = 0.0
    var resourceSamples = 0
    /// Mean node memory (MB) per interval after the warm-up, for the growth figure.
    var memoryByInterval: [Double] = []
    /// Disk and store figures per interval after the warm-up.
    var disk = DiskFigures()
    var series: [SeriesSample] = []
    var intervalIndex = 0
    /// BLAKE3 of the ordered origin-acceptance log.
    var digest = BLAKE3.Hasher()

    init(options: SimulationOptions) {
        self.options = options
        liveNodes = options.nodes
        warmupEnd = SimInstant.zero + options.warmup
        let intervals = Int(options.duration.nanoseconds / max(1, options.seriesInterval.nanoseconds)) + 1
        acceptedPerInterval = Array(repeating: 0, count: intervals)
    }

    func interval(of time: SimInstant) -> Int {
        Int(time.nanoseconds / max(1, options.seriesInterval.nanoseconds))
    }
}

extension Simulator {
    /// Books an honest node's acceptance: ledger, origin latency and rounds, finality, digest.
    func recordAccepted(_ tx: Transaction, by node: Int, at time: SimInstant, polls: Int64) {
        guard let i = ledger.index(tx.nonce) else { return }
        ledger[i].acceptedBy += 1
        ledger[i].decidedBy += 1
        let entry = ledger[i]
        let age = time.nanoseconds - entry.submitTime
        if Int(entry.origin) == node && !entry.acceptedAtOrigin {
            ledger[i].acceptedAtOrigin = true
            metrics.acceptedAtOrigin += 1
            metrics.digest.update(UInt64(time.nanoseconds))
            metrics.digest.update(tx.nonce)
            let slot = metrics.interval(of: time)
            if slot < metrics.acceptedPerInterval.count { metrics.acceptedPerInterval[slot] += 1 }
            // The deadline runs only while the origin is up: a crashed node's transactions wait for it.
            if age - faults.downtime(of: node, from: entry.submitTime, to: time.nanoseconds)
                > metrics.options.livenessDeadline.nanoseconds { metrics.stalled += 1 }
            if entry.submitTime >= metrics.warmupEnd.nanoseconds {
                _ = metrics.latency.record(UInt64(max(0, age / 1_000)))
                if entry.pollsAtIssue >= 0 {
                    metrics.roundsTotal += polls - entry.pollsAtIssue
                    metrics.roundsCount += 1
                }
            }
        }
        if !entry.finalityRecorded && Int(ledger[i].acceptedBy) >= liveHonestCount {
            ledger[i].finalityRecorded = true
            if entry.submitTime >= metrics.warmupEnd.nanoseconds { _ = metrics.finality.record(UInt64(max(0, age / 1_000))) }
        }
    }

    /// Books an honest node's rejection.
    func recordRejected(_ tx: Transaction, by node: Int, at time: SimInstant) {
        guard let i = ledger.index(tx.nonce) else { return }
        ledger[i].decidedBy += 1
        if Int(ledger[i].origin) == node && !ledger[i].rejectedAtOrigin {
            ledger[i].rejectedAtOrigin = true
            metrics.rejectedAtOrigin += 1
            metrics.digest.update(UInt64(time.nanoseconds) | 1 << 63)
            metrics.digest.update(tx.nonce)
        }
    }

    /// How long a transaction has waited at its origin by `time`, not counting the origin's downtime.
    func upAge(_ entry: TransactionLedger.Entry, at time: Int64) -> Int64 {
        time - entry.submitTime - faults.downtime(of: Int(entry.origin), from: entry.submitTime, to: time)
    }

    /// Live nodes that follow the protocol: the nodes whose acceptance finality waits for.
    var liveHonestCount: Int { metrics.liveNodes }

    /// Closes a series interval: CPU, memory and bandwidth per node, throughput. The next
    /// tick is an event, unless a sharded run takes the ticks between its windows.
    func seriesTick(scheduling: Bool = true) {
        let width = options.seriesInterval
        if scheduling { queue.schedule(.seriesTick, at: now + width) }
        let widthNs = Double(width.nanoseconds)
        var cpuSum = 0.0, cpuMax = 0.0, memSum = 0.0, memMax = 0.0, bwSum = 0.0, bwMax = 0.0
        var live = 0, liveHonest = 0
        // What an uplink can carry in an interval: bytes handed to it beyond that leave in
        // later intervals (it is a serialising queue), so a capped node's rate never reads
        // above its cap, as a CPU's never reads above 100 %.
        let uplinkBytes = options.network.uploadMbps.map { Int64(($0 * 125_000 * widthNs / 1e9).rounded(.down)) } ?? .max
        for node in nodes.indices {
            let busy = min(nodes[node].cpuBacklogNs, width.nanoseconds)
            nodes[node].cpuBacklogNs -= busy
            let sent = min(nodes[node].bytesSent, uplinkBytes)
            nodes[node].bytesSent = nodes[node].alive ? nodes[node].bytesSent - sent : 0
            guard nodes[node].alive else { continue }
            live += 1
            if !adversary.isByzantine[node] { liveHonest += 1 }
            let cpu = Double(busy) / widthNs * 100
            let memory = Double(nodes[node].engine.heldBytesInPlace() + nodes[node].protocolBytes) / 1_048_576
            let bandwidth = Double(sent) * 8 / (widthNs / 1e9) / 1e6
            cpuSum += cpu; cpuMax = max(cpuMax, cpu)
            memSum += memory; memMax = max(memMax, memory)
            bwSum += bandwidth; bwMax = max(bwMax, bandwidth)
        }
        let second = Double(now.nanoseconds) / 1e9
        let index = metrics.intervalIndex
        metrics.intervalIndex += 1
        let accepted = index < metrics.acceptedPerInterval.count ? metrics.acceptedPerInterval[index] : 0
        let n = Double(max(1, live))
        metrics.series.append(SeriesSample(second: second, name: "tps", value: Double(accepted) / (widthNs / 1e9)))
        metrics.series.append(SeriesSample(second: second, name: "node.cpu.mean", value: cpuSum / n))
        metrics.series.append(SeriesSample(second: second, name: "node.memory.mean", value: memSum / n))
        metrics.series.append(SeriesSample(second: second, name: "node.bandwidth.mean", value: bwSum / n))
        metrics.series.append(SeriesSample(second: second, name: "messages.inFlight", value: Double(messagesInFlightEverywhere)))
        if faults.enabled { metrics.series.append(SeriesSample(second: second, name: "nodes.live", value: Double(live))) }
        storageTick(width: width, measured: now > metrics.warmupEnd)
        guard now > metrics.warmupEnd else { return }
        metrics.resourceSamples += 1
        metrics.cpuSum += cpuSum / n; metrics.cpuMax = max(metrics.cpuMax, cpuMax)
        metrics.memorySum += memSum / n; metrics.memoryMax = max(metrics.memoryMax, memMax)
        metrics.bandwidthSum += bwSum / n; metrics.bandwidthMax = max(metrics.bandwidthMax, bwMax)
        metrics.memoryByInterval.append(memSum / n)
        // Decided everywhere, or long past any deadline: the ledger can forget it.
        let horizon = now.nanoseconds - 2 * options.livenessDeadline.nanoseconds
        let liveCount = Int32(liveHonest)
        var stalledAtRetirement = 0
        ledger.retire { entry in
            if entry.decidedBy >= liveCount { return true }
            guard entry.submitTime < horizon else { return false }
            if !entry.acceptedAtOrigin && !entry.rejectedAtOrigin
                && upAge(entry, at: now.nanoseconds) > options.livenessDeadline.nanoseconds { stalledAtRetirement += 1 }
            return true
        }
        metrics.stalled += stalledAtRetirement
    }
}

extension RunMetrics {
    /// The figures of the run, in catalogue order.
    func finish(simulator: Simulator) -> RunResult {
        let end = SimInstant.zero + options.duration
        var stalledAtEnd = stalled
        for entry in simulator.ledger.live where !entry.acceptedAtOrigin && !entry.rejectedAtOrigin {
            if simulator.upAge(entry, at: end.nanoseconds) > options.livenessDeadline.nanoseconds { stalledAtEnd += 1 }
        }
        let measured = max(1e-9, Double((options.duration - options.warmup).nanoseconds) / 1e9)
        var values: [String: Double] = [:]

        // Throughput over the full intervals after the warm-up.
        let width = Double(options.seriesInterval.nanoseconds) / 1e9
        let firstFull = Int((options.warmup.nanoseconds + options.seriesInterval.nanoseconds - 1) / options.seriesInterval.nanoseconds)
        let lastFull = Int(options.duration.nanoseconds / options.seriesInterval.nanoseconds)
        let perInterval = (firstFull < lastFull ? Array(acceptedPerInterval[firstFull..<lastFull]) : []).map { Double($0) / width }
        let acceptedAfterWarmup = perInterval.reduce(0, +) * width
        values["tps.mean"] = perInterval.isEmpty ? Double(acceptedAtOrigin) / measured : acceptedAfterWarmup / (Double(perInterval.count) * width)
        if !perInterval.isEmpty {
            let mean = perInterval.reduce(0, +) / Double(perInterval.count)
            values["tps.min"] = perInterval.min()!
            values["tps.max"] = perInterval.max()!
            let variance = perInterval.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(perInterval.count)
            values["tps.stddevPercent"] = mean > 0 ? variance.squareRoot() / mean * 100 : 0
        }
        if latency.totalCount > 0 {
            values["latency.p50"] = Double(latency.valueAtPercentile(50)) / 1_000
            values["latency.p95"] = Double(latency.valueAtPercentile(95)) / 1_000
            values["latency.p99"] = Double(latency.valueAtPercentile(99)) / 1_000
            values["latency.max"] = Double(latency.max) / 1_000
        }
        if finality.totalCount > 0 {
            values["finality.p50"] = Double(finality.valueAtPercentile(50)) / 1_000
            values["finality.p95"] = Double(finality.valueAtPercentile(95)) / 1_000
            values["finality.max"] = Double(finality.max) / 1_000
        }
        if roundsCount > 0 { values["finality.rounds.mean"] = Double(roundsTotal) / Double(roundsCount) }
        values["safety.violations"] = Double(simulator.safety.count)
        values["liveness.stalled"] = Double(stalledAtEnd)
        if resourceSamples > 0 {
            let n = Double(resourceSamples)
            values["node.cpu.mean"] = cpuSum / n
            values["node.cpu.max"] = cpuMax
            values["node.memory.mean"] = memorySum / n
            values["node.memory.max"] = memoryMax
            values["node.bandwidth.mean"] = bandwidthSum / n
            values["node.bandwidth.max"] = bandwidthMax
        }
        if memoryByInterval.count >= 8 {
            // Growth: the mean of the last quarter against the first quarter after the warm-up
            // (quarters, not single samples, so that a busy moment is not read as a leak).
            let quarter = memoryByInterval.count / 4
            let first = memoryByInterval.prefix(quarter).reduce(0, +) / Double(quarter)
            let last = memoryByInterval.suffix(quarter).reduce(0, +) / Double(quarter)
            values["node.memory.growthPercent"] = first > 0 ? (last - first) / first * 100 : 0
        }
        values["messages.total"] = Double(sent)
        values["messages.dropped"] = Double(dropped)
        values["transactions.submitted"] = Double(submitted)
        values["transactions.accepted"] = Double(acceptedAtOrigin)
        values["transactions.rejected"] = Double(rejectedAtOrigin)
        values["transactions.pending"] = Double(submitted - acceptedAtOrigin - rejectedAtOrigin)
        values["vertices.issued"] = Double(verticesIssued)
        values["sim.events"] = Double(simulator.events)
        for (name, value) in simulator.faultMetrics() { values[name] = value }
        for (name, value) in simulator.storageMetrics() { values[name] = value }
        simulator.byzantineFigures(into: &values)

        var metrics: [MetricValue] = []
        for info in MetricCatalog.all {
            if let value = values[info.name] { metrics.append(MetricValue(info.name, value)) }
        }
        var hasher = digest
        for metric in metrics where MetricCatalog.info(metric.name)?.deterministic == true {
            hasher.update(metric.value.bitPattern)
        }
        var buckets: [(upperBoundMs: Double, count: Int64)] = []
        if latency.totalCount > 0 {
            for bucket in latency.logarithmicBucketValues(valueUnitsInFirstBucket: 100, logBase: 2)
                where bucket.countAddedInThisIterationStep > 0 {
                buckets.append((Double(bucket.value) / 1_000, Int64(bucket.countAddedInThisIterationStep)))
            }
        }
        let conservation = Conservation(
            submitted: submitted, accepted: acceptedAtOrigin, rejected: rejectedAtOrigin,
            pending: submitted - acceptedAtOrigin - rejectedAtOrigin,
            sent: sent, delivered: delivered, dropped: dropped, inFlight: simulator.messagesInFlight)
        return RunResult(metrics: metrics, series: series, latencyHistogram: buckets, digest: hasher.finalize(),
                         conservation: conservation, violations: simulator.safety.violations,
                         events: simulator.events, simulatedSeconds: Double(options.duration.nanoseconds) / 1e9)
    }
}
