import Dispatch
import Foundation
import GRDB
import Testing

@testable import ResultStore

@Suite struct ResultDatabaseTests {
    @Test func savedRunReadsBackEqualIncludingTheLargestSeed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ResultDatabase(path: directory.path("nested/deeper/cretoscale.db"))
        let run = Fixture.run(seed: .max)

        let id = try database.save(run)

        #expect(id == 1)
        let loaded = try #require(try database.run(id: id))
        #expect(loaded == withID(run, id))
        #expect(loaded.seed == 18_446_744_073_709_551_615)
        #expect(loaded.series.count == 60)
        #expect(loaded.acceptance[2].value == nil)
        #expect(loaded.overrides == ["nodes": "100", "duration": "60s"])
    }

    @Test func seedIsStoredAsReadableDecimalText() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        try database.save(Fixture.run(seed: .max))
        try database.save(Fixture.run(seed: 42))

        let queue = try DatabaseQueue(path: path)
        let seeds = try queue.read { db in try String.fetchAll(db, sql: "SELECT seed FROM runs ORDER BY id") }
        #expect(seeds == ["18446744073709551615", "42"])
        // The column's TEXT affinity makes a numeric literal match, as a person would type it in the shell.
        let matching = try queue.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM runs WHERE seed = 42") }
        #expect(matching == [2])
    }

    @Test func reopeningAnExistingDatabaseKeepsItsRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let id = try ResultDatabase(path: path).save(Fixture.run())

        let reopened = try ResultDatabase(path: path)

        #expect(try reopened.run(id: id)?.digest == "c0ffee00deadbeef")
        #expect(try reopened.runs().map(\.id) == [id])
    }

    @Test func emptyCollectionsAndOptionalsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ResultDatabase(path: directory.path("cretoscale.db"))
        var run = Fixture.run(metrics: [], seriesSeconds: 0)
        run.latencyHistogram = []
        run.acceptance = [AcceptanceResult(metric: "safety.violations", value: nil, passed: false)]
        run.overrides = [:]
        run.status = .error
        run.expectation = .fail
        run.seed = 0

        let id = try database.save(run)

        #expect(try database.run(id: id) == withID(run, id))
    }

    @Test func runsListsNewestFirstWithFilterAndLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ResultDatabase(path: directory.path("cretoscale.db"))
        try database.save(Fixture.run(scenarioID: "LT-001"))
        try database.save(Fixture.run(scenarioID: "LT-002"))
        try database.save(Fixture.run(scenarioID: "LT-001", seed: 7))
        try database.save(Fixture.run(scenarioID: "CT-002"))

        #expect(try database.runs().map(\.id) == [4, 3, 2, 1])
        #expect(try database.runs(limit: 2).map(\.id) == [4, 3])
        #expect(try database.runs(limit: 0).isEmpty)
        #expect(try database.runs(scenarioID: "LT-001").map(\.id) == [3, 1])
        #expect(try database.runs(scenarioID: "LT-001", limit: 1).map(\.seed) == [7])
        #expect(try database.runs(scenarioID: "XX-999").isEmpty)
        #expect(try database.scenarioIDs() == ["CT-002", "LT-001", "LT-002"])
        let summary = try #require(try database.runs(limit: 1).first)
        #expect(summary.scenarioID == "CT-002")
        #expect(summary.status == .passed)
        #expect(summary.wallSeconds == 12.75)
        #expect(summary.overrides["nodes"] == "100")
    }

    @Test func resolvesIDsLatestAndLatestOfAScenario() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ResultDatabase(path: directory.path("cretoscale.db"))
        try database.save(Fixture.run(scenarioID: "LT-001", seed: 1))
        try database.save(Fixture.run(scenarioID: "LT-001", seed: 2))
        // Started earlier but saved last: "latest" means saved last.
        try database.save(Fixture.run(scenarioID: "LT-002", seed: 3, startedAt: "2020-01-01T00:00:00Z"))

        #expect(try database.resolve(RunReference(parsing: "1")).seed == 1)
        #expect(try database.resolve(RunReference(parsing: "latest")).seed == 3)
        #expect(try database.resolve(RunReference(parsing: "LT-001@latest")).seed == 2)
        #expect(try database.resolve(RunReference(parsing: "LT-002@latest")).id == 3)
    }

    @Test func missingRunsGiveTheTypedErrorNamingTheReference() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)

        let noLatest = #expect(throws: ResultStoreError.self) { try database.resolve(.latest) }
        #expect(noLatest?.kind == .runNotFound)
        #expect(noLatest?.message.contains("no runs recorded yet") == true)

        try database.save(Fixture.run(scenarioID: "LT-001"))
        try database.save(Fixture.run(scenarioID: "LT-002"))

        let noID = #expect(throws: ResultStoreError.self) { try database.resolve(.id(99)) }
        #expect(noID?.kind == .runNotFound)
        #expect(noID?.message == "run 99 is not in \(path) (the newest run there is 2; `runs` lists them)")

        let noScenario = #expect(throws: ResultStoreError.self) {
            try database.resolve(.latestOf(scenarioID: "XX-404"))
        }
        #expect(noScenario?.kind == .runNotFound)
        #expect(
            noScenario?.message
                == "'XX-404@latest' names no run: \(path) has no runs of scenario 'XX-404'; scenarios with runs: LT-001, LT-002")
        #expect(try database.run(id: 99) == nil)
    }

    @Test func aSaveThatFailsAtItsLastStatementLeavesEveryTableAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        try database.save(Fixture.run())
        let before = try tableCounts(atPath: path)
        #expect(before == ["runs": 1, "metrics": 5, "series": 60, "histogram": 4, "acceptance": 3, "next id": 1])

        // Every row of the second run is inserted, then one more violates UNIQUE (run_id, name).
        let error = #expect(throws: ResultStoreError.self) {
            try database.save(Fixture.run(seed: 2)) { db in
                try db.execute(
                    sql: """
                        INSERT INTO metrics (run_id, position, name, value, unit, direction, deterministic)
                        VALUES ((SELECT max(id) FROM runs), 99, 'tps.mean', 1, '', 'neither', 0)
                        """)
            }
        }

        #expect(error?.kind == .database)
        #expect(error?.message.contains("UNIQUE constraint failed") == true)
        #expect(try tableCounts(atPath: path) == before)
        #expect(try database.save(Fixture.run(seed: 3)) == 2)
    }

    @Test func aSaveInterruptedByAnErrorMidwayWritesNothing() throws {
        struct Interrupted: Error {}
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        let before = try tableCounts(atPath: path)

        #expect(throws: ResultStoreError.self) {
            try database.save(Fixture.run()) { _ in throw Interrupted() }
        }

        #expect(try tableCounts(atPath: path) == before)
        #expect(try database.runs().isEmpty)
    }

    @Test func runsThatCannotBeStoredFaithfullyAreRejectedBeforeWriting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        let before = try tableCounts(atPath: path)

        var notANumber = Fixture.run()
        notANumber.metrics[1].value = .nan
        let nanError = #expect(throws: ResultStoreError.self) { try database.save(notANumber) }
        #expect(nanError?.kind == .invalidRun)
        #expect(nanError?.message.contains("metric 'latency.p95' is nan") == true)

        var duplicate = Fixture.run()
        duplicate.metrics.append(duplicate.metrics[0])
        let duplicateError = #expect(throws: ResultStoreError.self) { try database.save(duplicate) }
        #expect(duplicateError?.message.contains("metric 'tps.mean' appears more than once") == true)

        var infinite = Fixture.run()
        infinite.series[3].value = .infinity
        #expect(throws: ResultStoreError.self) { try database.save(infinite) }

        var negative = Fixture.run()
        negative.latencyHistogram[0].count = -1
        #expect(throws: ResultStoreError.self) { try database.save(negative) }

        #expect(try tableCounts(atPath: path) == before)
    }

    @Test func databaseIsInWALModeWithTheBusyTimeoutAndForeignKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        try database.save(Fixture.run())

        let queue = try DatabaseQueue(path: path)
        let journalMode = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        #expect(ResultDatabase.busyTimeoutSeconds == 10)

        // Deleting a run with foreign keys on removes its rows from every child table.
        try queue.write { db in try db.execute(sql: "DELETE FROM runs WHERE id = 1") }
        #expect(try tableCounts(atPath: path) == [
            "runs": 0, "metrics": 0, "series": 0, "histogram": 0, "acceptance": 0, "next id": 1,
        ])
    }

    @Test func aWriterWaitsForAnotherConnectionsTransactionInsteadOfFailing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let database = try ResultDatabase(path: path)
        try database.save(Fixture.run(seed: 1))
        let other = try DatabaseQueue(path: path)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Shared<Result<Int64, ResultStoreError>?>(nil)

        // Another connection (as another process would) holds the write lock…
        let finishedWhileLocked = try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "UPDATE runs SET scenario_name = 'renamed' WHERE id = 1")
            DispatchQueue.global().async {
                let result = Result<Int64, any Error> { try database.save(Fixture.run(seed: 2)) }
                    .mapError { $0 as! ResultStoreError }
                outcome.update { $0 = result }
                finished.signal()
            }
            // …long enough for the save to start and, without a busy timeout, fail at once.
            let timedOut = finished.wait(timeout: .now() + 0.5) == .timedOut
            try db.execute(sql: "COMMIT")
            return !timedOut
        }
        if !finishedWhileLocked { finished.wait() }

        #expect(!finishedWhileLocked, "the save must wait for the lock, not fail or skip it")
        #expect(try outcome.value?.get() == 2)
        #expect(try database.run(id: 1)?.scenarioName == "renamed")
        #expect(try database.run(id: 2)?.seed == 2)
    }

    @Test func twoInstancesSavingConcurrentlyFromTwoThreadsBothSucceed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        let runsPerWriter = 25
        let ids = Shared<[String: [Int64]]>([:])
        let failures = Shared<[String]>([])
        let group = DispatchGroup()

        for writer in ["A", "B"] {
            DispatchQueue.global().async(group: group) {
                do {
                    // Both instances open (and migrate) the new file at the same time, too.
                    let database = try ResultDatabase(path: path)
                    var saved: [Int64] = []
                    for index in 0..<runsPerWriter {
                        saved.append(try database.save(Fixture.run(scenarioID: "LT-\(writer)", seed: UInt64(index))))
                    }
                    ids.update { $0[writer] = saved }
                } catch {
                    failures.update { $0.append("\(writer): \(error)") }
                }
            }
        }
        group.wait()

        #expect(failures.value == [])
        let all = ids.value
        #expect(all["A"]?.count == runsPerWriter)
        #expect(all["B"]?.count == runsPerWriter)
        let union = Set((all["A"] ?? []) + (all["B"] ?? []))
        #expect(union == Set(1...Int64(2 * runsPerWriter)))
        let database = try ResultDatabase(path: path)
        #expect(try database.runs(scenarioID: "LT-A").count == runsPerWriter)
        #expect(try database.run(id: all["B"]?.last ?? 0) == withID(
            Fixture.run(scenarioID: "LT-B", seed: UInt64(runsPerWriter - 1)), all["B"]?.last ?? 0))
        #expect(try tableCounts(atPath: path)["metrics"] == 5 * 2 * runsPerWriter)
    }

    @Test func openingRacesAnotherProcessThatMigratesTheSameNewFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        // The other "process": a connection to a new WAL database with an empty migration table.
        let other = try DatabaseQueue(path: path)
        try other.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        }
        let opened = DispatchSemaphore(value: 0)
        let outcome = Shared<String?>(nil)

        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            DispatchQueue.global().async {
                do {
                    let database = try ResultDatabase(path: path)
                    outcome.update { $0 = "saved \((try? database.save(Fixture.run())) ?? -1)" }
                } catch {
                    outcome.update { $0 = "\(error)" }
                }
                opened.signal()
            }
            // Let the opening see "v1" as pending and queue for the write lock, then apply v1 first.
            Thread.sleep(forTimeInterval: 0.3)
            try db.execute(sql: Schema.v1)
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v1')")
            try db.execute(sql: "COMMIT")
        }
        opened.wait()

        #expect(outcome.value == "saved 1")
    }

    @Test func aFileThatIsNotADatabaseIsReportedByPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("notes.db")
        try Data(String(repeating: "these are not SQLite pages\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: ResultStoreError.self) { try ResultDatabase(path: path) }

        #expect(error?.kind == .database)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("not a database") == true)
    }

    @Test func aDatabaseFromANewerSchemaIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cretoscale.db")
        _ = try ResultDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }

        let error = #expect(throws: ResultStoreError.self) { try ResultDatabase(path: path) }

        #expect(error?.kind == .database)
        #expect(error?.message.contains("newer version") == true)
    }

    @Test func defaultPathComesFromTheEnvironmentWhenSet() {
        #expect(ResultDatabase.defaultPath(environment: [:]) == "results/cretoscale.db")
        #expect(ResultDatabase.defaultPath(environment: ["CRETOSCALE_DB": ""]) == "results/cretoscale.db")
        #expect(ResultDatabase.defaultPath(environment: ["CRETOSCALE_DB": "/tmp/ci.db"]) == "/tmp/ci.db")
    }
}
