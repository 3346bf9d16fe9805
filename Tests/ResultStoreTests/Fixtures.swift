import Foundation
import GRDB
import Synchronization

@testable import ResultStore

/// A fresh directory for one test's files, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ResultStoreTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Builders of realistic runs with every table populated.
enum Fixture {
    static let scenarioJSON = """
        { "version": 1, "id": "LT-001", "name": "Constant 100 TPS", "nodes": 1000, "duration": "10m",
          "workload": { "pattern": "constant", "tps": 100 },
          "acceptance": [ { "metric": "tps.mean", "min": 95 }, { "metric": "latency.p95", "max": 500 } ] }
        """

    static func metrics(tps: Double = 99.5, p95: Double = 412.25) -> [Metric] {
        [
            Metric(name: "tps.mean", value: tps, unit: "tx/s", better: .higherIsBetter, deterministic: true),
            Metric(name: "latency.p95", value: p95, unit: "ms", better: .lowerIsBetter, deterministic: true),
            Metric(name: "safety.violations", value: 0, unit: "", better: .lowerIsBetter, deterministic: true),
            Metric(name: "messages.total", value: 12_345_678, unit: "", better: .neither, deterministic: true),
            Metric(name: "sim.wallSeconds", value: 3.25, unit: "s", better: .lowerIsBetter, deterministic: false),
        ]
    }

    static func run(
        scenarioID: String = "LT-001", seed: UInt64 = 42, startedAt: String = "2026-11-29T03:00:00Z",
        metrics: [Metric] = Fixture.metrics(), seriesSeconds: Int = 30
    ) -> RunRecord {
        var series: [SeriesPoint] = []
        for second in 0..<seriesSeconds {
            series.append(SeriesPoint(second: Double(second), name: "tps", value: 95 + Double(second % 7)))
            series.append(SeriesPoint(second: Double(second), name: "latency.p95", value: 400 + Double(second) / 8))
        }
        return RunRecord(
            scenarioID: scenarioID,
            scenarioName: "Constant 100 TPS, \"quoted\", with, commas",
            scenarioJSON: scenarioJSON,
            scenarioHash: "9f2c4e1a7b3d5f60",
            seed: seed,
            overrides: ["nodes": "100", "duration": "60s"],
            toolVersion: "0.4.0",
            startedAt: startedAt,
            wallSeconds: 12.75,
            status: .passed,
            expectation: .pass,
            digest: "c0ffee00deadbeef",
            metrics: metrics,
            series: series,
            latencyHistogram: [
                HistogramBucket(upperBoundMs: 50, count: 10),
                HistogramBucket(upperBoundMs: 100, count: 250),
                HistogramBucket(upperBoundMs: 500, count: 9_000),
                HistogramBucket(upperBoundMs: 1_000.5, count: 0),
            ],
            acceptance: [
                AcceptanceResult(metric: "tps.mean", min: 95, max: nil, value: tps(metrics), passed: true),
                AcceptanceResult(metric: "latency.p95", min: nil, max: 500, value: 412.25, passed: true),
                AcceptanceResult(metric: "recovery.seconds", min: nil, max: 60, value: nil, passed: false),
            ])
    }

    private static func tps(_ metrics: [Metric]) -> Double? {
        metrics.first { $0.name == "tps.mean" }?.value
    }
}

/// Row counts of every table of the schema, read with a separate connection.
func tableCounts(atPath path: String) throws -> [String: Int] {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in
        var counts: [String: Int] = [:]
        for table in ["runs", "metrics", "series", "histogram", "acceptance"] {
            counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1
        }
        // The AUTOINCREMENT counter: a rolled-back save must not consume an id either.
        counts["next id"] = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'runs'") ?? 0
        return counts
    }
}

/// The same run with the id the database gave it.
func withID(_ run: RunRecord, _ id: Int64) -> RunRecord {
    var copy = run
    copy.id = id
    return copy
}

/// A value shared between test threads.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func update(_ body: (inout Value) -> Void) {
        mutex.withLock { body(&$0) }
    }

    var value: Value {
        mutex.withLock { $0 }
    }
}
