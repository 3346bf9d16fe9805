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

            Exit status: 0 when every scenario met its expectation, 1 when one did not (or, with \
            --check-determinism, when two runs differ), 2 for bad input.

            Examples:
              cretoscale run scenarios/lt-001.json
              cretoscale run scenarios/ci/*.json --db /tmp/ci.db
              cretoscale run scenarios/lt-003-10000.json --nodes 2000 --duration 5m --seed 7
              cretoscale run scenarios/ct-003-20-collusion.json --nodes 100 --duration 40s --warmup 10s
              cretoscale run scenarios/lt-001.json --json > run.json
              cretoscale run scenarios/ci/lt-001-ci.json --check-determinism
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

    @Flag(help: "Print each run as export JSON on stdout (an array for several files).")
    var json = false

    @Flag(help: "Run each scenario twice and fail at the first differing digest; nothing is recorded.")
    var checkDeterminism = false

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
        // Validate every file before running any.
        var runs: [ScenarioRun] = []
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ValidationError("\(file): cannot read the file (\(error.localizedDescription))")
            }
            let scenario = try Scenario.decode(data, file: file).applying(overrides, file: file)
            runs.append(ScenarioRun(scenario: scenario, text: String(decoding: data, as: UTF8.self), overrides: overrideText))
        }
        if checkDeterminism {
            try checkDeterminismOf(runs)
            return
        }
        let store = try database.openCreatingIfNeeded()
        var exported: [Data] = []
        var allMet = true
        for run in runs {
            let progress = ProgressLine(label: run.scenario.id, enabled: !json)
            var outcome = try run.execute(progress: progress.update)
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

    private func checkDeterminismOf(_ runs: [ScenarioRun]) throws {
        var allSame = true
        for run in runs {
            let first = try run.execute(progress: ProgressLine(label: "\(run.scenario.id) #1", enabled: true).update)
            let second = try run.execute(progress: ProgressLine(label: "\(run.scenario.id) #2", enabled: true).update)
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
