import Foundation
import GRDB

/// The SQLite database of recorded runs: opens and migrates it, saves whole runs, lists and loads them.
///
/// The database is in WAL mode with a busy timeout, so several processes (two `cretoscale run`
/// at once, a `runs` while a run is saving) can use one file: readers never wait, and a writer
/// waits up to ``busyTimeoutSeconds`` for another writer to commit. Instances are safe to use
/// from several threads.
public final class ResultDatabase: Sendable {
    /// The database used when neither `--db` nor `CRETOSCALE_DB` names one, relative to the working directory.
    public static let defaultRelativePath = "results/cretoscale.db"
    /// The environment variable that overrides ``defaultRelativePath``.
    public static let environmentVariable = "CRETOSCALE_DB"
    /// How long a writer waits for another connection's write transaction before giving up.
    public static let busyTimeoutSeconds: Double = 10

    /// The path the database was opened at, as given.
    public let path: String
    private let pool: any DatabaseWriter

    /// Opens the database at `path`, creating its parent directory and the file if needed, and migrates it.
    ///
    /// Throws ``ResultStoreError`` of kind `database` when the directory cannot be created, the file
    /// is not an SQLite database, or it was written by a newer version with an unknown schema.
    public init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ResultStoreError(
                .database, "cannot create the directory \(directory.path) for the results database \(path): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        configuration.foreignKeysEnabled = true
        configuration.label = "ResultStore"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw ResultStoreError(.database, "cannot open the results database \(path): \(Self.reason(error))")
        }
        try migrate()
    }

    /// Opens an existing database for reading only: nothing in the file changes, not even
    /// its header (opening for writing sets up WAL mode, which rewrites the file).
    ///
    /// Throws ``ResultStoreError`` of kind `database` when the file cannot be opened or holds no runs table.
    public init(readingAt path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        configuration.label = "ResultStore (read-only)"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            guard try queue.read({ try $0.tableExists("runs") }) else {
                throw ResultStoreError(.database, "\(path) is not a cretoscale results database (it has no runs table)")
            }
            pool = queue
        } catch let error as ResultStoreError {
            throw error
        } catch {
            throw ResultStoreError(.database, "cannot open the results database \(path): \(Self.reason(error))")
        }
    }

    /// The database path to use: `CRETOSCALE_DB` when set and not empty, else ``defaultRelativePath``.
    ///
    /// A `--db` flag takes precedence over both; the command line applies it before calling this.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        return defaultRelativePath
    }

    // MARK: - Writing

    /// Saves a whole run in one transaction and returns its new id; on any error nothing is written.
    ///
    /// `run.id` is ignored: the database assigns the next id (ids are never reused). Throws
    /// ``ResultStoreError`` of kind `invalidRun` for a run that cannot be stored faithfully
    /// (see ``RunRecord``), or kind `database` when SQLite fails (the transaction is rolled back).
    @discardableResult
    public func save(_ run: RunRecord) throws -> Int64 {
        try save(run, beforeCommit: { _ in })
    }

    /// Saves a run, calling `beforeCommit` inside the transaction after every row is inserted.
    ///
    /// The hook exists so that tests can make a save fail at its last moment and check the rollback.
    func save(_ run: RunRecord, beforeCommit: (Database) throws -> Void) throws -> Int64 {
        try run.validateForStorage()
        let overrides = try Self.encodeOverrides(run.overrides)
        return try perform("cannot save the run of scenario '\(run.scenarioID)'") {
            try pool.writeWithoutTransaction { db in
                var runID: Int64 = 0
                // IMMEDIATE takes the write lock up front, so waiting for another writer goes
                // through the busy timeout instead of failing on a read-to-write upgrade.
                try db.inTransaction(.immediate) {
                    runID = try Self.insert(run, overrides: overrides, into: db)
                    try beforeCommit(db)
                    return .commit
                }
                return runID
            }
        }
    }

    private static func insert(_ run: RunRecord, overrides: String, into db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO runs (scenario_id, scenario_name, scenario_json, scenario_hash, seed, overrides,
                                  tool_version, started_at, wall_seconds, status, expectation, digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.scenarioID, run.scenarioName, run.scenarioJSON, run.scenarioHash, String(run.seed), overrides,
                run.toolVersion, run.startedAt, run.wallSeconds, run.status.rawValue, run.expectation.rawValue,
                run.digest,
            ])
        let runID = db.lastInsertedRowID

        let metric = try db.makeStatement(
            sql: "INSERT INTO metrics (run_id, position, name, value, unit, direction, deterministic) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (position, m) in run.metrics.enumerated() {
            try metric.execute(arguments: [runID, position, m.name, m.value, m.unit, m.better.rawValue, m.deterministic])
        }
        let point = try db.makeStatement(
            sql: "INSERT INTO series (run_id, position, second, name, value) VALUES (?, ?, ?, ?, ?)")
        for (position, p) in run.series.enumerated() {
            try point.execute(arguments: [runID, position, p.second, p.name, p.value])
        }
        let bucket = try db.makeStatement(
            sql: "INSERT INTO histogram (run_id, position, upper_bound_ms, count) VALUES (?, ?, ?, ?)")
        for (position, b) in run.latencyHistogram.enumerated() {
            try bucket.execute(arguments: [runID, position, b.upperBoundMs, b.count])
        }
        let criterion = try db.makeStatement(
            sql: "INSERT INTO acceptance (run_id, position, metric, min, max, value, passed) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (position, a) in run.acceptance.enumerated() {
            try criterion.execute(arguments: [runID, position, a.metric, a.min, a.max, a.value, a.passed])
        }
        return runID
    }

    // MARK: - Reading

    /// The run with this id, complete, or `nil` when there is none.
    public func run(id: Int64) throws -> RunRecord? {
        try perform("cannot read run \(id)") {
            try pool.read { db in try Self.fetchRun(id: id, from: db) }
        }
    }

    /// Summaries of recorded runs, newest (highest id) first, optionally of one scenario only.
    ///
    /// - Parameter limit: at most this many (≥ 0); `nil` for all.
    public func runs(scenarioID: String? = nil, limit: Int? = nil) throws -> [RunSummary] {
        if let limit { precondition(limit >= 0, "runs(limit:) must not be negative") }
        return try perform("cannot list runs") {
            try pool.read { db in
                var sql = "SELECT \(Self.summaryColumns) FROM runs"
                var arguments: StatementArguments = []
                if let scenarioID {
                    sql += " WHERE scenario_id = ?"
                    arguments += [scenarioID]
                }
                sql += " ORDER BY id DESC LIMIT ?"
                arguments += [limit.map(Int64.init) ?? -1]
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decodeSummary)
            }
        }
    }

    /// The run a reference names, complete; a `file` reference is read with ``RunExport/load(jsonAt:)``.
    ///
    /// "Latest" means the most recently saved run (highest id), not the latest `startedAt`: ids
    /// are assigned at commit, so this is the run that finished last.
    /// Throws ``ResultStoreError`` of kind `runNotFound` naming the reference and the database.
    public func resolve(_ reference: RunReference) throws -> RunRecord {
        switch reference {
        case .file(let path):
            return try RunExport.load(jsonAt: path)
        case .id(let id):
            guard let run = try run(id: id) else {
                let hint = try latestHint()
                throw ResultStoreError.runNotFound("run \(id) is not in \(path)\(hint)")
            }
            return run
        case .latest:
            guard let run = try newestRun(sql: "SELECT max(id) FROM runs", arguments: []) else {
                throw ResultStoreError.runNotFound("'latest' names no run: \(path) has no runs recorded yet")
            }
            return run
        case .latestOf(let scenarioID):
            let sql = "SELECT max(id) FROM runs WHERE scenario_id = ?"
            guard let run = try newestRun(sql: sql, arguments: [scenarioID]) else {
                let hint = try knownScenariosHint()
                throw ResultStoreError.runNotFound(
                    "'\(scenarioID)@latest' names no run: \(path) has no runs of scenario '\(scenarioID)'\(hint)")
            }
            return run
        }
    }

    /// Loads the run whose id `sql` selects, in one read transaction.
    private func newestRun(sql: String, arguments: StatementArguments) throws -> RunRecord? {
        try perform("cannot find the latest run") {
            try pool.read { db in
                guard let id = try Int64.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
                return try Self.fetchRun(id: id, from: db)
            }
        }
    }

    /// The ids of the scenarios that have runs, sorted.
    public func scenarioIDs() throws -> [String] {
        try perform("cannot list scenarios") {
            try pool.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT scenario_id FROM runs ORDER BY scenario_id")
            }
        }
    }

    private func latestHint() throws -> String {
        let newest = try perform("cannot find the latest run") {
            try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM runs") }
        }
        guard let newest else { return " (it has no runs recorded yet)" }
        return " (the newest run there is \(newest); `runs` lists them)"
    }

    private func knownScenariosHint() throws -> String {
        let known = try scenarioIDs()
        if known.isEmpty { return " (it has no runs recorded yet)" }
        let shown = known.prefix(10).joined(separator: ", ")
        return "; scenarios with runs: \(shown)\(known.count > 10 ? ", …" : "")"
    }

    // MARK: - Decoding rows

    private static let summaryColumns = """
        id, scenario_id, scenario_name, started_at, wall_seconds, status, expectation, seed, overrides, digest, tool_version
        """

    private static func decodeSummary(_ row: Row) throws -> RunSummary {
        let id: Int64 = try row.decode(forColumn: "id")
        return RunSummary(
            id: id,
            scenarioID: try row.decode(forColumn: "scenario_id"),
            scenarioName: try row.decode(forColumn: "scenario_name"),
            startedAt: try row.decode(forColumn: "started_at"),
            wallSeconds: try row.decode(forColumn: "wall_seconds"),
            status: try decodeEnum(row, "status", runID: id),
            expectation: try decodeEnum(row, "expectation", runID: id),
            seed: try decodeSeed(row, runID: id),
            overrides: try decodeOverrides(row, runID: id),
            digest: try row.decode(forColumn: "digest"),
            toolVersion: try row.decode(forColumn: "tool_version"))
    }

    private static func fetchRun(id: Int64, from db: Database) throws -> RunRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let summary = try decodeSummary(row)
        var run = RunRecord(
            id: id,
            scenarioID: summary.scenarioID,
            scenarioName: summary.scenarioName,
            scenarioJSON: try row.decode(forColumn: "scenario_json"),
            scenarioHash: try row.decode(forColumn: "scenario_hash"),
            seed: summary.seed,
            overrides: summary.overrides,
            toolVersion: summary.toolVersion,
            startedAt: summary.startedAt,
            wallSeconds: summary.wallSeconds,
            status: summary.status,
            expectation: summary.expectation,
            digest: summary.digest)
        let arguments: StatementArguments = [id]

        let metrics = try Row.fetchCursor(
            db, sql: "SELECT name, value, unit, direction, deterministic FROM metrics WHERE run_id = ? ORDER BY position",
            arguments: arguments)
        while let row = try metrics.next() {
            let directionText: String = try row.decode(atIndex: 3)
            guard let direction = MetricDirection(rawValue: directionText) else {
                throw ResultStoreError(.database, "run \(id) has a metric with the unknown direction '\(directionText)'")
            }
            run.metrics.append(
                Metric(
                    name: try row.decode(atIndex: 0), value: try row.decode(atIndex: 1), unit: try row.decode(atIndex: 2),
                    better: direction, deterministic: try row.decode(atIndex: 4)))
        }

        let series = try Row.fetchCursor(
            db, sql: "SELECT second, name, value FROM series WHERE run_id = ? ORDER BY position", arguments: arguments)
        while let row = try series.next() {
            run.series.append(
                SeriesPoint(second: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1), value: try row.decode(atIndex: 2)))
        }

        let buckets = try Row.fetchCursor(
            db, sql: "SELECT upper_bound_ms, count FROM histogram WHERE run_id = ? ORDER BY position", arguments: arguments)
        while let row = try buckets.next() {
            run.latencyHistogram.append(HistogramBucket(upperBoundMs: try row.decode(atIndex: 0), count: try row.decode(atIndex: 1)))
        }

        let criteria = try Row.fetchCursor(
            db, sql: "SELECT metric, min, max, value, passed FROM acceptance WHERE run_id = ? ORDER BY position",
            arguments: arguments)
        while let row = try criteria.next() {
            run.acceptance.append(
                AcceptanceResult(
                    metric: try row.decode(atIndex: 0), min: try row.decode(atIndex: 1), max: try row.decode(atIndex: 2),
                    value: try row.decode(atIndex: 3), passed: try row.decode(atIndex: 4)))
        }
        return run
    }

    private static func decodeEnum<Value: RawRepresentable<String>>(_ row: Row, _ column: String, runID: Int64) throws -> Value {
        let text: String = try row.decode(forColumn: column)
        guard let value = Value(rawValue: text) else {
            throw ResultStoreError(.database, "run \(runID) has the unknown \(column) '\(text)'")
        }
        return value
    }

    private static func decodeSeed(_ row: Row, runID: Int64) throws -> UInt64 {
        let text: String = try row.decode(forColumn: "seed")
        guard let seed = UInt64(text) else {
            throw ResultStoreError(.database, "run \(runID) has the seed '\(text)', which is not a decimal UInt64")
        }
        return seed
    }

    private static func decodeOverrides(_ row: Row, runID: Int64) throws -> [String: String] {
        let text: String = try row.decode(forColumn: "overrides")
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw ResultStoreError(
                .database, "run \(runID) has overrides that are not a JSON object of strings: \(text)")
        }
    }

    private static func encodeOverrides(_ overrides: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(overrides)
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Migration and errors

    private func migrate() throws {
        let migrator = Schema.migrator
        do {
            try migrator.migrate(pool)
        } catch {
            // Two processes opening a new database at once can both see a migration as pending;
            // the one that loses the race fails to apply it again. The schema is then complete.
            let completed = (try? pool.read { db in try migrator.hasCompletedMigrations(db) }) ?? false
            if !completed {
                throw ResultStoreError(.database, "cannot set up the schema of the results database \(path): \(Self.reason(error))")
            }
        }
        let superseded = try perform("cannot read the schema version") {
            try pool.read { db in try migrator.hasBeenSuperseded(db) }
        }
        if superseded {
            throw ResultStoreError(
                .database,
                "the results database \(path) was written by a newer version of cretoscale (its schema has migrations this version does not know); use that version or another --db")
        }
    }

    private func perform<T>(_ action: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ResultStoreError {
            throw error
        } catch {
            throw ResultStoreError(.database, "\(action()) in \(path): \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        var text = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        if error.resultCode == .SQLITE_BUSY {
            text += " (another process held the write lock for more than \(Int(busyTimeoutSeconds)) s)"
        }
        return text
    }
}
