import Foundation
import ResultStore
import Testing

/// What one run of the `cretoscale` executable printed and how it exited.
struct ToolOutput {
    /// The exit status.
    var status: Int32
    /// Everything written to stdout.
    var stdout: String
    /// Everything written to stderr.
    var stderr: String
}

/// Runs the built `cretoscale` executable as a subprocess.
enum Tool {
    /// The executable next to the test bundle, found once.
    static let executable: URL? = locate()

    /// Runs `cretoscale` with `arguments` in `directory`, with `CRETOSCALE_DB` removed from the environment.
    static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> ToolOutput {
        let executable = try #require(
            executable,
            "the cretoscale executable was not found next to the test bundle or in .build/debug; run `swift build` first")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: ResultDatabase.environmentVariable)
        environment.merge(extra) { $1 }
        process.environment = environment

        // Files rather than pipes: a full pipe buffer cannot stall the child while we wait for it.
        let capture = directory.appendingPathComponent(".capture-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout")
        let errURL = capture.appendingPathComponent("stderr")
        for url in [outURL, errURL] { try Data().write(to: url) }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ToolOutput(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Looks beside the test bundle first (the products of one build share a directory), then in
    /// the package's `.build/debug`.
    private static func locate() -> URL? {
        var directories: [URL] = []
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL {
            directories.append(executable.deletingLastPathComponent())
            directories.append(executable.deletingLastPathComponent().deletingLastPathComponent())
        }
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in directories {
            let candidate = directory.appendingPathComponent("cretoscale")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The package's root directory, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CretoScaleCLITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}

/// A fresh directory for one test's files; `remove()` deletes it.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("CretoScaleCLITests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `text` to a file in the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the tool with this directory as the working directory.
    func run(_ arguments: String...) throws -> ToolOutput {
        try Tool.run(arguments, in: url)
    }

    /// The names of the files in the directory, sorted, hidden ones left out.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Two runs of one scenario that differ only in their metrics, for the database and export tests.
enum Fixture {
    /// A metric list; `p95` is the lower-is-better metric the regression tests move.
    static func metrics(p95: Double = 400, tps: Double = 99.5) -> [Metric] {
        [
            Metric(name: "tps.mean", value: tps, unit: "tx/s", better: .higherIsBetter, deterministic: true),
            Metric(name: "latency.p95", value: p95, unit: "ms", better: .lowerIsBetter, deterministic: true),
            Metric(name: "safety.violations", value: 0, unit: "", better: .lowerIsBetter, deterministic: true),
            Metric(name: "messages.total", value: 1_234_567, unit: "", better: .neither, deterministic: true),
            Metric(name: "sim.wallSeconds", value: 3.25, unit: "s", better: .lowerIsBetter, deterministic: false),
        ]
    }

    /// A complete run record of scenario `LT-001`.
    static func run(
        p95: Double = 400, tps: Double = 99.5, digest: String = "c0ffee00deadbeef0123", startedAt: String = "2026-11-29T03:00:00Z"
    ) -> RunRecord {
        RunRecord(
            scenarioID: "LT-001",
            scenarioName: "Constant 100 TPS",
            scenarioJSON: #"{ "version": 1, "id": "LT-001", "nodes": 100 }"#,
            scenarioHash: "9f2c4e1a7b3d5f60",
            seed: 42,
            toolVersion: "0.1.0",
            startedAt: startedAt,
            wallSeconds: 12.75,
            status: .passed,
            expectation: .pass,
            digest: digest,
            metrics: metrics(p95: p95, tps: tps),
            series: [SeriesPoint(second: 0, name: "tps", value: 98), SeriesPoint(second: 1, name: "tps", value: 101)],
            latencyHistogram: [HistogramBucket(upperBoundMs: 100, count: 10), HistogramBucket(upperBoundMs: 500, count: 90)],
            acceptance: [
                AcceptanceResult(metric: "tps.mean", min: 95, value: tps, passed: tps >= 95),
                AcceptanceResult(metric: "latency.p95", max: 500, value: p95, passed: p95 <= 500),
            ])
    }

    /// Creates a database at `path` holding `runs` (ids 1, 2, …) and closes it, so that its file is complete.
    static func seed(_ path: String, _ runs: [RunRecord]) throws {
        let database = try ResultDatabase(path: path)
        for run in runs { try database.save(run) }
    }
}

/// The whitespace-separated words of a table line.
func fields(_ line: String) -> [String] {
    line.split(separator: " ").map(String.init)
}
