import ArgumentParser
import ConsensusCore
import Foundation
import ResultStore

/// `cretoscale bench`: micro-benchmarks of the consensus core.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the micro-benchmarks of the consensus core.",
        discussion: """
            Each benchmark is warmed up, then timed in 25 samples of the thread's CPU time (so time
            the machine gave to other processes is not counted); the median nanoseconds per
            operation is reported beside the original implementation's figure where it had one.
            Build in release mode for meaningful figures.

            Examples:
              cretoscale bench
              cretoscale bench --json > bench.json
              cretoscale bench --filter blake3
              cretoscale bench --record            # saved as a run of PR-001
              cretoscale compare PR-001@latest 7   # against an earlier bench run
            """
    )

    @Flag(help: "Print {\"benchmarks\":[{name, medianNs, baselineNs, iterations}]} on stdout.")
    var json = false

    @Option(help: "Run only the benchmarks whose name contains this text.")
    var filter: String?

    @Flag(help: "Also save the figures as a run of scenario PR-001 (bench.<name> in ns), so `compare` works between bench runs.")
    var record = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let runner = BenchmarkRunner()
        let clock = ContinuousClock()
        let start = clock.now
        let selected = try CoreBenchmarks.all().filter { filter.map($0.name.contains) ?? true }
        guard !selected.isEmpty else { throw ValidationError("--filter '\(filter ?? "")' matches no benchmark") }
        var results: [BenchmarkResult] = []
        for benchmark in selected {
            if !json { FileHandle.standardError.write(Data("  \(benchmark.name)…\n".utf8)) }
            results.append(runner.measure(benchmark))
        }
        if record {
            let id = try database.openCreatingIfNeeded().save(Self.runRecord(results, wallSeconds: (clock.now - start).seconds))
            FileHandle.standardError.write(Data("saved as run \(id) (PR-001)\n".utf8))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            struct Report: Encodable { let benchmarks: [BenchmarkResult] }
            var data = try encoder.encode(Report(benchmarks: results))
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
        } else {
            print(BenchmarkTable.render(results))
        }
    }
}

extension Bench {
    /// The figures as a run of PR-001, the test plan's performance-regression case: one
    /// lower-is-better metric per benchmark, not deterministic (they are timings).
    static func runRecord(_ results: [BenchmarkResult], wallSeconds: Double) -> RunRecord {
        let description = "cretoscale bench: " + results.map(\.name).joined(separator: ", ")
        var figures = BLAKE3.Hasher()
        for result in results { figures.update(result.medianNs.bitPattern) }
        return RunRecord(
            scenarioID: "PR-001", scenarioName: "Micro-benchmarks of the consensus core", scenarioJSON: description,
            scenarioHash: BLAKE3.hash(Array(description.utf8)).hex, seed: 0, toolVersion: ToolVersion.current,
            startedAt: ISO8601DateFormatter().string(from: Date()), wallSeconds: wallSeconds, status: .passed,
            expectation: .pass, digest: figures.finalize().hex,   // of the timings: no two runs share it
            metrics: results.map {
                Metric(name: "bench.\($0.name)", value: $0.medianNs, unit: "ns", better: .lowerIsBetter, deterministic: false)
            })
    }
}

/// Renders benchmark results as an aligned table.
enum BenchmarkTable {
    static func render(_ results: [BenchmarkResult]) -> String {
        var table = TextTable([
            .init("benchmark"), .init("median", .right), .init("original", .right), .init("ratio", .right),
        ])
        for r in results {
            let ratio = r.baselineNs.map { String(format: "%.2f×", r.medianNs / $0) } ?? "—"
            table.append([r.name, formatNanoseconds(r.medianNs), r.baselineNs.map(formatNanoseconds) ?? "—", ratio])
        }
        return table.render() + "\n(ratio = median ÷ original; below 1 is faster)"
    }
}

/// Formats nanoseconds with a unit that keeps three significant figures.
func formatNanoseconds(_ ns: Double) -> String {
    switch ns {
    case ..<1_000: String(format: "%.0f ns", ns)
    case ..<1_000_000: String(format: "%.2f µs", ns / 1_000)
    default: String(format: "%.2f ms", ns / 1_000_000)
    }
}
