import ArgumentParser
import ConsensusCore
import Foundation

/// `cretoscale bench`: micro-benchmarks of the consensus core.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the micro-benchmarks of the consensus core.",
        discussion: """
            Each benchmark is warmed up, then timed in 25 samples; the median nanoseconds per
            operation is reported beside the original implementation's figure where it had one.
            Build in release mode for meaningful figures.

            Examples:
              cretoscale bench
              cretoscale bench --json > bench.json
              cretoscale bench --filter blake3
            """
    )

    @Flag(help: "Print {\"benchmarks\":[{name, medianNs, baselineNs, iterations}]} on stdout.")
    var json = false

    @Option(help: "Run only the benchmarks whose name contains this text.")
    var filter: String?

    func run() throws {
        let runner = BenchmarkRunner()
        let selected = try CoreBenchmarks.all().filter { filter.map($0.name.contains) ?? true }
        guard !selected.isEmpty else { throw ValidationError("--filter '\(filter ?? "")' matches no benchmark") }
        var results: [BenchmarkResult] = []
        for benchmark in selected {
            if !json { FileHandle.standardError.write(Data("  \(benchmark.name)…\n".utf8)) }
            results.append(runner.measure(benchmark))
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
