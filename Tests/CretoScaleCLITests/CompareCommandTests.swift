import Foundation
import ResultStore
import Testing

@Suite("compare")
struct CompareCommandTests {
    /// A scratch directory whose `runs.db` holds run 1 (p95 400 ms) and run 2 (p95 `candidateP95`).
    static func seeded(candidateP95: Double) throws -> (Scratch, String) {
        let scratch = try Scratch()
        let database = scratch.path("runs.db")
        try Fixture.seed(database, [Fixture.run(p95: 400), Fixture.run(p95: candidateP95)])
        return (scratch, database)
    }

    @Test func worseLatencyBeyondToleranceIsARegression() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 480)
        defer { scratch.remove() }

        let result = try scratch.run("compare", "1", "2", "--tolerance", "5", "--db", database)

        #expect(result.status == 1, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { fields($0) == ["latency.p95", "ms", "400", "480", "+80", "+20.0%", "↓", "WORSE"] },
                "stdout: \(result.stdout)")
        #expect(lines.contains { fields($0) == ["tps.mean", "tx/s", "99.5", "99.5", "0", "0.0%", "↑", "same"] })
        #expect(lines.contains { fields($0) == ["messages.total", "1234567", "1234567", "0", "0.0%", "·", "info"] })
        #expect(lines.last == "regression: 3 same, 1 worse, 1 info (tolerance 5%)", "stdout: \(result.stdout)")
    }

    @Test func changeWithinToleranceIsNotARegression() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 480)
        defer { scratch.remove() }

        let result = try scratch.run("compare", "1", "2", "--tolerance", "20", "--db", database)

        #expect(result.status == 0, "stdout: \(result.stdout)")
        #expect(result.stdout.hasSuffix("no regression: 4 same, 1 info (tolerance 20%)\n"), "stdout: \(result.stdout)")
    }

    @Test(arguments: [(430.0, Int32(0), "same"), (450.0, Int32(1), "WORSE")])
    func defaultToleranceIsTenPercent(candidateP95: Double, status: Int32, verdict: String) throws {
        let (scratch, database) = try Self.seeded(candidateP95: candidateP95)
        defer { scratch.remove() }

        let result = try scratch.run("compare", "1", "2", "--db", database)

        #expect(result.status == status, "stdout: \(result.stdout)")
        #expect(result.stdout.split(separator: "\n").contains {
            let words = fields(String($0))
            return words.first == "latency.p95" && words.last == verdict
        }, "stdout: \(result.stdout)")
    }

    @Test func equalRunsExitZero() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 400)
        defer { scratch.remove() }

        let result = try scratch.run("compare", "1", "2", "--db", database)

        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("the digests are equal"))
        #expect(result.stdout.hasSuffix("no regression: 4 same, 1 info (tolerance 10%)\n"))
        #expect(result.stderr.isEmpty)
    }

    @Test func betterLatencyIsNotARegression() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 300)
        defer { scratch.remove() }

        let result = try scratch.run("compare", "1", "latest", "--db", database)

        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").contains {
            fields(String($0)) == ["latency.p95", "ms", "400", "300", "-100", "-25.0%", "↓", "better"]
        })
    }

    @Test func jsonAndMarkdownCarryTheSameVerdictAndExitCode() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 480)
        defer { scratch.remove() }

        // Baseline run 2 (480) against candidate run 1 (400): the latency improved.
        let json = try scratch.run("compare", "LT-001@latest", "1", "--json", "--db", database)
        #expect(json.status == 0)
        let reversed = try JSONDecoder().decode(RunComparison.self, from: Data(json.stdout.utf8))
        #expect(reversed.baselineID == 2 && reversed.candidateID == 1)
        #expect(reversed.rows.first { $0.name == "latency.p95" }?.verdict == .better)
        #expect(reversed.hasRegression == false)

        let forward = try scratch.run("compare", "1", "2", "--json", "--db", database)
        #expect(forward.status == 1)
        let comparison = try JSONDecoder().decode(RunComparison.self, from: Data(forward.stdout.utf8))
        #expect(comparison.hasRegression)
        #expect(comparison.tolerancePercent == 10)

        let markdown = try scratch.run("compare", "1", "2", "--markdown", "--db", database)
        #expect(markdown.status == 1)
        #expect(markdown.stdout.hasPrefix("## run 1 (LT-001) → run 2 (LT-001)"), "stdout: \(markdown.stdout)")
        #expect(markdown.stdout.contains("**Regression**"))
    }

    @Test func deterministicOnlyDropsWallClockMetrics() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 400)
        defer { scratch.remove() }

        let all = try scratch.run("compare", "1", "2", "--json", "--db", database)
        let some = try scratch.run("compare", "1", "2", "--json", "--deterministic-only", "--db", database)

        let allNames = try JSONDecoder().decode(RunComparison.self, from: Data(all.stdout.utf8)).rows.map(\.name)
        let someNames = try JSONDecoder().decode(RunComparison.self, from: Data(some.stdout.utf8)).rows.map(\.name)
        #expect(allNames.contains("sim.wallSeconds"))
        #expect(someNames == allNames.filter { $0 != "sim.wallSeconds" })
    }

    @Test func twoExportedFilesCompareWithoutAnyDatabase() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var baseline = Fixture.run(p95: 400)
        baseline.id = 7
        var candidate = Fixture.run(p95: 480)
        candidate.id = 8
        let a = scratch.path("a.json")
        let b = scratch.path("b.json")
        try RunExport.json(baseline).write(to: URL(fileURLWithPath: a))
        try RunExport.json(candidate).write(to: URL(fileURLWithPath: b))
        let missingDatabase = scratch.path("never/created.db")

        let regression = try scratch.run("compare", a, b, "--db", missingDatabase)
        let same = try scratch.run("compare", a, a)

        #expect(regression.status == 1, "stderr: \(regression.stderr)")
        #expect(regression.stdout.contains("\(a) (run 7, LT-001)"), "stdout: \(regression.stdout)")
        #expect(regression.stdout.split(separator: "\n").contains {
            fields(String($0)) == ["latency.p95", "ms", "400", "480", "+80", "+20.0%", "↓", "WORSE"]
        })
        #expect(same.status == 0, "stderr: \(same.stderr)")
        #expect(try scratch.contents() == ["a.json", "b.json"], "no database may be created")
    }

    @Test func aFileThatIsNotARunExportIsBadInput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let notExport = try scratch.write("notes.json", #"{ "hello": "world" }"#)
        let result = try scratch.run("compare", notExport, notExport)
        #expect(result.status == 2)
        #expect(result.stderr.contains(notExport), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("is not a run export"))
    }

    @Test func unknownRunIsBadInputNamingTheDatabase() throws {
        let (scratch, database) = try Self.seeded(candidateP95: 400)
        defer { scratch.remove() }
        let result = try scratch.run("compare", "1", "CT-404@latest", "--db", database)
        #expect(result.status == 2)
        #expect(result.stderr.contains("'CT-404@latest' names no run"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(database))
    }
}
