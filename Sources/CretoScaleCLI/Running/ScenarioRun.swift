import ConsensusCore
import Foundation
import ResultStore
import Scenarios
import Simulation

/// Runs one scenario and turns what the simulator measured into a run record: the
/// acceptance verdict, the figures with their units and directions, the series, the
/// latency histogram, and the simulator's own `sim.*` figures from the wall clock.
struct ScenarioRun {
    let scenario: Scenario
    /// The scenario file's text exactly as read.
    let text: String
    let overrides: [String: String]
    /// The simulator's shards (`run --shards`); 1 is one event queue.
    var shards = 1

    /// The simulator's options for this run.
    var simulationOptions: SimulationOptions {
        var options = scenario.simulationOptions()
        options.shards = shards
        return options
    }

    /// What one execution produced.
    struct Outcome {
        var record: RunRecord
        var result: RunResult
        var verdict: Scenario.Verdict
    }

    /// Bounds on what one run may take of the machine (`run --wall-limit`, `--memory-limit`).
    struct Limits {
        var wallSeconds: Double?
        var residentMB: Double?
        /// The limits as the user wrote them, for messages.
        var wallText = ""
        var residentText = ""
    }

    /// A run ended at a limit, before its duration: incomplete, so never recorded.
    struct Stopped: Error {
        /// Which limit, in words: "the wall limit (5m)".
        var limit: String
        var simulatedSeconds: Double
        var totalSeconds: Double
        var events: Int
        var wallSeconds: Double
        var peakResidentMB: Double?

        /// One line with how far the run got and at what cost.
        var description: String {
            let rate = Double(events) / max(wallSeconds, 1e-9)
            let rss = peakResidentMB.map { ", \(NumberText.plain($0.rounded())) MB resident at most" } ?? ""
            return "stopped at \(limit): \(NumberText.plain(simulatedSeconds)) of \(NumberText.plain(totalSeconds)) s simulated "
                + "in \(NumberText.plain(wallSeconds)) s of wall time (\(NumberText.plain(simulatedSeconds / max(wallSeconds, 1e-9)))× real time), "
                + "\(events) events (\(NumberText.plain(rate / 1e6)) M/s)\(rss); not recorded"
        }
    }

    /// Simulates the scenario; `progress` sees simulated time, events and wall seconds. Throws
    /// `Stopped` when the run goes past one of `limits`.
    ///
    /// With `lastInProcess`, the simulator is never freed: the process ends soon after, and
    /// handing a large run's heap back to the allocator object by object took about a second
    /// of wall time for every 2 GB, spent after the run's figures were known. Runs followed
    /// by others in the same process free theirs as usual.
    func execute(progress: ((SimulationProgress, Double) -> Void)?, limits: Limits = Limits(),
                 lastInProcess: Bool = false) throws -> Outcome {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let clock = ContinuousClock()
        let start = clock.now
        let simulator = try Simulator(options: simulationOptions)
        if lastInProcess { _ = Unmanaged.passRetained(simulator) }
        let limited = limits.wallSeconds != nil || limits.residentMB != nil
        // With limits, they are checked every 16,384 events; the progress line still moves
        // about every 262,144.
        var limit: String?
        var shownAt = 0
        var result = simulator.run(progressEvery: limited ? 1 << 14 : 1 << 18) { step in
            let wall = (clock.now - start).seconds
            if step.events - shownAt >= 1 << 18 {
                shownAt = step.events
                progress?(step, wall)
            }
            if let most = limits.wallSeconds, wall > most {
                limit = "the wall limit (\(limits.wallText))"
            } else if let most = limits.residentMB, let resident = ProcessMemory.residentMB(), resident > most {
                limit = "the memory limit (\(limits.residentText))"
            }
            if limit != nil { simulator.stopRequested = true }
        }
        let wall = max((clock.now - start).seconds, 1e-9)
        if simulator.stoppedEarly, let limit {
            throw Stopped(limit: limit, simulatedSeconds: result.simulatedSeconds,
                          totalSeconds: Double(scenario.duration.nanoseconds) / 1e9, events: result.events,
                          wallSeconds: wall, peakResidentMB: ProcessMemory.peakResidentMB())
        }
        result.metrics.append(MetricValue("sim.eventsPerSecond", Double(result.events) / wall))
        result.metrics.append(MetricValue("sim.wallSeconds", wall))
        result.metrics.append(MetricValue("sim.speedup", result.simulatedSeconds / wall))
        if let rss = ProcessMemory.peakResidentMB() { result.metrics.append(MetricValue("sim.rssMB", rss)) }

        let verdict = scenario.verdict { name in result.value(name) }
        let met = verdict.passed      // already weighs `expect`
        let record = RunRecord(
            scenarioID: scenario.id, scenarioName: scenario.name, scenarioJSON: text,
            scenarioHash: BLAKE3.hash(Array(text.utf8)).hex, seed: scenario.seed, overrides: overrides,
            toolVersion: ToolVersion.current, startedAt: startedAt, wallSeconds: wall,
            status: met ? .passed : .failed,
            expectation: scenario.expect == .pass ? .pass : .fail,
            digest: result.digest.hex,
            metrics: result.metrics.map(Self.metric),
            series: result.series.map { ResultStore.SeriesPoint(second: $0.second, name: $0.name, value: $0.value) },
            latencyHistogram: result.latencyHistogram.map { HistogramBucket(upperBoundMs: $0.upperBoundMs, count: $0.count) },
            acceptance: verdict.outcomes.map { criterion, outcome in
                AcceptanceResult(metric: criterion.metric, min: criterion.min, max: criterion.max,
                                 value: result.value(criterion.metric), passed: outcome.isMet)
            })
        return Outcome(record: record, result: result, verdict: verdict)
    }

    /// A figure with its catalogue unit, direction and determinism.
    static func metric(_ value: MetricValue) -> ResultStore.Metric {
        let info = MetricCatalog.info(value.name)
        let direction = info.flatMap { ResultStore.MetricDirection(rawValue: $0.direction.rawValue) } ?? .neither
        return ResultStore.Metric(name: value.name, value: value.value, unit: info?.unit ?? "",
                                  better: direction, deterministic: info?.deterministic ?? false)
    }
}

/// The process's resident memory, from Linux's /proc.
enum ProcessMemory {
    /// The most the process has held so far.
    static func peakResidentMB() -> Double? { field("VmHWM:") }
    /// What the process holds now.
    static func residentMB() -> Double? { field("VmRSS:") }

    /// A `/proc/self/status` field given in kB, in MiB.
    private static func field(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
            return digits.map { $0 / 1_024 }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Scenario.Criterion.Outcome {
    /// Whether the criterion held.
    var isMet: Bool {
        if case .met = self { return true }
        return false
    }
}
