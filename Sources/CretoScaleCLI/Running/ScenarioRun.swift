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

    /// What one execution produced.
    struct Outcome {
        var record: RunRecord
        var result: RunResult
        var verdict: Scenario.Verdict
    }

    /// Simulates the scenario; `progress` sees simulated time, events and wall seconds.
    func execute(progress: ((SimulationProgress, Double) -> Void)?) throws -> Outcome {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let clock = ContinuousClock()
        let start = clock.now
        let simulator = try Simulator(options: scenario.simulationOptions())
        var result = simulator.run(progressEvery: 1 << 18) { step in
            progress?(step, (clock.now - start).seconds)
        }
        let wall = max((clock.now - start).seconds, 1e-9)
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

/// The process's peak resident memory, from Linux's /proc.
enum ProcessMemory {
    static func peakResidentMB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
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
