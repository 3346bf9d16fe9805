import Foundation
import ResultStore
import Testing

@Suite("runs, show and export")
struct DatabaseCommandTests {
    /// A scratch directory whose `runs.db` holds run 1 (p95 400) and run 2 (p95 480).
    static func seeded() throws -> (Scratch, String) {
        let scratch = try Scratch()
        let database = scratch.path("runs.db")
        try Fixture.seed(database, [Fixture.run(p95: 400), Fixture.run(p95: 480, digest: "abcdef0123456789ffff")])
        return (scratch, database)
    }

    @Test func runsListsNewestFirst() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let result = try scratch.run("runs", "--db", database)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "stdout: \(result.stdout)")
        #expect(fields(lines[0]) == ["id", "scenario", "status", "started", "wall", "s", "seed", "digest"])
        #expect(fields(lines[2]) == ["2", "LT-001", "passed", "2026-11-29T03:00:00Z", "12.8", "42", "abcdef012345"])
        #expect(fields(lines[3]) == ["1", "LT-001", "passed", "2026-11-29T03:00:00Z", "12.8", "42", "c0ffee00dead"])

        let limited = try scratch.run("runs", "--limit", "1", "--db", database)
        #expect(limited.stdout.split(separator: "\n").last == "(1 newest shown; --limit 0 lists all)")
    }

    @Test func runsJSONDecodesAsSummaries() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let result = try scratch.run("runs", "--json", "--limit", "1", "--db", database)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summaries = try JSONDecoder().decode([RunSummary].self, from: Data(result.stdout.utf8))
        #expect(summaries.map(\.id) == [2])
        #expect(summaries.first?.digest == "abcdef0123456789ffff")
    }

    @Test func runsFiltersByScenario() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let none = try scratch.run("runs", "--scenario", "CT-404", "--db", database)
        #expect(none.status == 0)
        #expect(none.stdout == "no runs of scenario CT-404 in \(database)\n")

        let empty = try scratch.run("runs", "--scenario", "CT-404", "--json", "--db", database)
        #expect(empty.stdout == "[]\n")

        let json = try scratch.run("runs", "--scenario", "LT-001", "--json", "--db", database)
        let ids = try JSONDecoder().decode([RunSummary].self, from: Data(json.stdout.utf8)).map(\.id)
        #expect(ids == [2, 1])
    }

    @Test func databaseComesFromTheEnvironmentWhenNoFlag() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let result = try Tool.run(["runs", "--json"], in: scratch.url, environment: ["CRETOSCALE_DB": database])

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try JSONDecoder().decode([RunSummary].self, from: Data(result.stdout.utf8)).count == 2)
    }

    @Test func showPrintsHeaderAcceptanceAndMetrics() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let result = try scratch.run("show", "1", "--db", database)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = result.stdout
        #expect(text.hasPrefix("run 1"), "stdout: \(text)")
        #expect(text.contains("LT-001: Constant 100 TPS"))
        #expect(text.contains("c0ffee00deadbeef0123"))
        #expect(text.contains("acceptance: 2 of 2 criteria met"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { fields($0) == ["✓", "tps.mean", "≥", "95", "99.5"] }, "stdout: \(text)")
        #expect(lines.contains { fields($0) == ["✓", "latency.p95", "≤", "500", "400"] }, "stdout: \(text)")
        #expect(lines.filter { $0.hasPrefix("latency.p95") }.map(fields) == [["latency.p95", "400", "ms"]])
        #expect(lines.filter { $0.hasPrefix("messages.total") }.map(fields) == [["messages.total", "1234567"]])
    }

    @Test func showMarksFailedCriteria() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let database = scratch.path("runs.db")
        try Fixture.seed(database, [Fixture.run(p95: 612.5)])

        let result = try scratch.run("show", "latest", "--db", database)

        #expect(result.status == 0)
        #expect(result.stdout.contains("acceptance: 1 of 2 criteria met"))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { fields($0) == ["✗", "latency.p95", "≤", "500", "612.5"] }, "stdout: \(result.stdout)")
    }

    @Test func showJSONIsTheRunExport() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }

        let result = try scratch.run("show", "LT-001@latest", "--json", "--db", database)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let run = try RunExport.decode(Data(result.stdout.utf8), source: "stdout")
        #expect(run.id == 2)
        #expect(run.metric(named: "latency.p95")?.value == 480)
        #expect(Data(result.stdout.utf8) == (try RunExport.json(run)))
    }

    @Test func showOfAMissingRunExitsTwoAndLeavesTheDatabaseUnchanged() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let filesBefore = try scratch.contents()

        let result = try scratch.run("show", "99", "--db", database)

        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("run 99"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(database), "the message names the database: \(result.stderr)")
        // Reading may leave SQLite's WAL side files (-shm, -wal) next to the database; nothing else appears.
        #expect(try scratch.contents().filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") } == filesBefore)
        // The file is byte for byte what it was, and the recorded runs are exactly what was saved.
        let after = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(after == before)
        let store = try ResultDatabase(readingAt: database)
        #expect(try store.runs().map(\.id) == [2, 1])
        #expect(try store.run(id: 1)?.metrics == Fixture.metrics(p95: 400))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }

    @Test func notARunReferenceIsBadInput() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }
        let result = try scratch.run("show", "yesterday", "--db", database)
        #expect(result.status == 2)
        #expect(result.stderr.contains("'yesterday' is not a run reference"), "stderr: \(result.stderr)")
    }

    @Test(arguments: [["runs"], ["show", "1"], ["export", "1"], ["compare", "1", "2"], ["show", "latest"]])
    func readingAMissingDatabaseExitsTwoAndCreatesNothing(arguments: [String]) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let database = scratch.path("nested/dir/runs.db")

        let explicit = try Tool.run(arguments + ["--db", database], in: scratch.url)
        #expect(explicit.status == 2, "\(arguments): \(explicit.stderr)")
        #expect(explicit.stderr == "error: no results database at \(database) (run `cretoscale run` first, or pass --db)\n")

        // The default path, relative to the working directory.
        let implicit = try Tool.run(arguments, in: scratch.url)
        #expect(implicit.status == 2, "\(arguments): \(implicit.stderr)")
        #expect(implicit.stderr.contains("no results database at results/cretoscale.db"))

        let created = try scratch.contents()
        #expect(created.isEmpty, "\(arguments) created \(created)")
    }

    @Test func exportWritesJSONAndCSV() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }
        let jsonPath = scratch.path("run1.json")

        let written = try scratch.run("export", "1", "--format", "json", "--output", jsonPath, "--db", database)
        #expect(written.status == 0, "stderr: \(written.stderr)")
        #expect(written.stdout.isEmpty)
        let run = try RunExport.load(jsonAt: jsonPath)
        #expect(run.id == 1)
        #expect(run.metric(named: "latency.p95")?.value == 400)

        let csv = try scratch.run("export", "2", "--format", "csv", "--db", database)
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == RunExport.csvHeader)
        #expect(lines.contains("2,LT-001,latency.p95,480.0,ms,lowerIsBetter,true"), "stdout: \(csv.stdout)")

        // An exported file stands in for a run id, without any database.
        let again = try scratch.run("export", jsonPath, "--format", "csv", "--db", scratch.path("none.db"))
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(again.stdout.contains("1,LT-001,latency.p95,400.0,ms,lowerIsBetter,true"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("none.db")))
    }

    @Test func exportToAnUnwritablePathIsBadInput() throws {
        let (scratch, database) = try Self.seeded()
        defer { scratch.remove() }
        let target = scratch.path("no/such/dir/run.json")
        let result = try scratch.run("export", "1", "--output", target, "--db", database)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: cannot write \(target)"), "stderr: \(result.stderr)")
    }
}
