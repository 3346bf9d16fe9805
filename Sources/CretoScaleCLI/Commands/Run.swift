import ArgumentParser
import Foundation
import ResultStore
import Scenarios
import Simulation

/// `cretoscale run FILE…`: simulate scenarios, check their acceptance criteria, record the runs.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate scenarios, check their acceptance criteria and record the runs.",
        discussion: """
            Every file is validated before anything runs. Each run is written to the results \
            database in one transaction when it ends, so an interrupted run leaves nothing behind. \
            A progress line (simulated time, events per second, ETA) is shown on a terminal.

            --wall-limit and --memory-limit stop a run that takes more of the machine than that: \
            the run is then incomplete, is not recorded, and how far it got is printed on stderr \
            (simulated time, events, wall time, resident memory). Limits are checked every 16,384 \
            events.

            Exit status: 0 when every scenario met its expectation, 1 when one did not or was \
            stopped at a limit (or, with --check-determinism, when two runs differ), 2 for bad input.

            Examples:
              cretoscale run scenarios/lt-001.json
              cretoscale run scenarios/ci/*.json --db /tmp/ci.db
              cretoscale run scenarios/lt-003-10000.json --nodes 2000 --duration 5m --seed 7
              cretoscale run scenarios/ct-003-20-collusion.json --nodes 100 --duration 40s --warmup 10s
              cretoscale run scenarios/lt-001.json --json > run.json
              cretoscale run scenarios/ci/lt-001-ci.json --check-determinism
              cretoscale run scenarios/bench/sim-b-wan-10000.json --wall-limit 5m --memory-limit 4GiB
              cretoscale run scenarios/bench/sim-a-lan-1000.json --shards 2
            """
    )

    @Argument(help: ArgumentHelp("Scenario files (JSON).", valueName: "file"))
    var files: [String]

    @Option(help: "Replace the scenario's seed.")
    var seed: UInt64?

    @Option(help: "Replace the scenario's node count.")
    var nodes: Int?

    @Option(help: ArgumentHelp("Replace the scenario's duration, e.g. 90s, 5m, 2h.", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Replace the scenario's warm-up (measured from the start, before the metrics count), e.g. 10s; 0s for none.",
                               valueName: "duration"))
    var warmup: String?

    @Option(help: ArgumentHelp("Split the nodes into this many shards, simulated by as many threads (default 1). A run with another shard count is another run (another digest); the number of cores never changes one.",
                               valueName: "count"))
    var shards: Int?

    @Flag(help: "Print each run as export JSON on stdout (an array for several files).")
    var json = false

    @Flag(help: "Run each scenario twice and fail at the first differing digest; nothing is recorded.")
    var checkDeterminism = false

    @Option(help: ArgumentHelp("Stop a run after this much wall time, e.g. 5m; it is then not recorded.",
                               valueName: "duration"))
    var wallLimit: String?

    @Option(help: ArgumentHelp("Stop a run whose resident memory passes this size, e.g. 4GiB or 512MiB; it is then not recorded.",
                               valueName: "size"))
    var memoryLimit: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        var overrides = Scenario.Overrides(nodes: nodes, duration: nil, seed: seed)
        var overrideText: [String: String] = [:]
        if let nodes { overrideText["nodes"] = String(nodes) }
        if let seed { overrideText["seed"] = String(seed) }
        if let duration {
            do { overrides.duration = try ScenarioDuration(parsing: duration) } catch {
                throw ValidationError("--duration '\(duration)': \(error)")
            }
            overrideText["duration"] = duration
        }
        if let warmup {
            do { overrides.warmup = try ScenarioDuration(parsing: warmup) } catch {
                throw ValidationError("--warmup '\(warmup)': \(error)")
            }
            overrideText["warmup"] = warmup
        }
        if let shards {
            guard shards >= 1 else { throw ValidationError("--shards \(shards): must be at least 1") }
            overrideText["shards"] = String(shards)
        }
        let limits = try parsedLimits()
        // Validate every file before running any.
        var runs: [ScenarioRun] = []
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ValidationError("\(file): cannot read the file (\(error.localizedDescription))")
            }
            let scenario = try Scenario.decode(data, file: file).applying(overrides, file: file)
            var run = ScenarioRun(scenario: scenario, text: String(decoding: data, as: UTF8.self), overrides: overrideText)
            run.shards = shards ?? 1
            if let problem = run.simulationOptions.shardProblem {
                throw ValidationError("\(file): --shards \(run.shards): \(problem)")
            }
            runs.append(run)
        }
        if checkDeterminism {
            try checkDeterminismOf(runs)
            return
        }
        let store = try database.openCreatingIfNeeded()
        var exported: [Data] = []
        var allMet = true
        for (index, run) in runs.enumerated() {
            let progress = ProgressLine(label: run.scenario.id, enabled: !json)
            var outcome: ScenarioRun.Outcome
            do {
                outcome = try run.execute(progress: progress.update, limits: limits, lastInProcess: index == runs.count - 1)
            } catch let stopped as ScenarioRun.Stopped {
                progress.finish()
                Terminal.error("\(run.scenario.id): \(stopped.description)")
                allMet = false
                continue
            }
            progress.finish()
            outcome.record.id = try store.save(outcome.record)
            allMet = allMet && outcome.record.status == .passed
            if json {
                exported.append(try RunExport.json(outcome.record))
            } else {
                Terminal.line(RunReport.render(outcome, scenario: run.scenario, database: store.path))
            }
        }
        if json { Terminal.write(JSONList.join(exported)) }
        if !allMet { throw ExitStatus.failed }
    }

    /// The run limits the flags give.
    private func parsedLimits() throws -> ScenarioRun.Limits {
        var limits = ScenarioRun.Limits()
        if checkDeterminism && (wallLimit != nil || memoryLimit != nil) {
            throw ValidationError("--wall-limit and --memory-limit do not apply to --check-determinism, which must finish both runs")
        }
        if let wallLimit {
            let parsed: ScenarioDuration
            do { parsed = try ScenarioDuration(parsing: wallLimit) } catch {
                throw ValidationError("--wall-limit '\(wallLimit)': \(error)")
            }
            guard parsed.nanoseconds > 0 else { throw ValidationError("--wall-limit '\(wallLimit)': must be more than zero") }
            limits.wallSeconds = Double(parsed.nanoseconds) / 1e9
            limits.wallText = wallLimit
        }
        if let memoryLimit {
            guard let mebibytes = Self.mebibytes(memoryLimit), mebibytes > 0 else {
                throw ValidationError("--memory-limit '\(memoryLimit)': expected a size above zero such as 4GiB or 512MiB")
            }
            limits.residentMB = mebibytes
            limits.residentText = memoryLimit
        }
        return limits
    }

    /// `512MiB` or `4GiB` (also `4.5GiB`) in MiB; nil for anything else.
    static func mebibytes(_ text: String) -> Double? {
        for (unit, scale) in [("GiB", 1_024.0), ("MiB", 1.0)] where text.hasSuffix(unit) {
            guard let number = Double(text.dropLast(unit.count)), number.isFinite else { return nil }
            return number * scale
        }
        return nil
    }

    private func checkDeterminismOf(_ runs: [ScenarioRun]) throws {
        var allSame = true
        for (index, run) in runs.enumerated() {
            let first = try run.execute(progress: ProgressLine(label: "\(run.scenario.id) #1", enabled: true).update)
            let second = try run.execute(progress: ProgressLine(label: "\(run.scenario.id) #2", enabled: true).update,
                                         lastInProcess: index == runs.count - 1)
            if first.result.digest == second.result.digest {
                Terminal.line("\(run.scenario.id): deterministic (digest \(first.result.digest.hex.prefix(16)))")
                continue
            }
            allSame = false
            let deterministic = first.result.metrics.filter { MetricCatalog.info($0.name)?.deterministic == true }
            let differing = deterministic.first { second.result.value($0.name) != $0.value }
            let detail = differing.map { "first differing metric: \($0.name) (\($0.value) vs \(second.result.value($0.name).map { "\($0)" } ?? "absent"))" }
                ?? "every figure is equal; the ordered acceptance log differs"
            Terminal.line("\(run.scenario.id): NOT deterministic: digests \(first.result.digest.hex.prefix(16)) and \(second.result.digest.hex.prefix(16)); \(detail)")
        }
        if !allSame { throw ExitStatus.failed }
    }
}

/// Joins JSON documents into one array (or returns the single document).
enum JSONList {
    static func join(_ documents: [Data]) -> Data {
        if documents.count == 1 { return documents[0] }
        var out = Data("[\n".utf8)
        for (index, document) in documents.enumerated() {
            var trimmed = document
            while trimmed.last == 0x0A { trimmed.removeLast() }
            out.append(trimmed)
            out.append(Data((index + 1 < documents.count ? ",\n" : "\n").utf8))
        }
        out.append(Data("]\n".utf8))
        return out
    }
}
