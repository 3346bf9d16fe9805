import GRDB

/// The database schema as a list of migrations; `docs/schema.md` documents it for the `sqlite3` shell.
///
/// A migration, once released, is never edited: a schema change is a new migration appended here.
enum Schema {
    /// The migrator that brings any older database up to the current schema.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }()

    /// Runs, their metrics, series, latency histogram and acceptance results.
    ///
    /// Child tables are keyed by (run, position) so that a run reads back in the order it was
    /// written; `WITHOUT ROWID` stores them clustered by that key, which is also the index
    /// that `ON DELETE CASCADE` needs. `AUTOINCREMENT` keeps a deleted run's id from being
    /// reused, so an id kept in a CI script never silently names another run.
    static let v1 = """
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            scenario_id   TEXT    NOT NULL CHECK (scenario_id <> ''),
            scenario_name TEXT    NOT NULL,
            scenario_json TEXT    NOT NULL,
            scenario_hash TEXT    NOT NULL,
            seed          TEXT    NOT NULL CHECK (seed <> '' AND seed NOT GLOB '*[^0-9]*'),
            overrides     TEXT    NOT NULL DEFAULT '{}',
            tool_version  TEXT    NOT NULL,
            started_at    TEXT    NOT NULL,
            wall_seconds  REAL    NOT NULL,
            status        TEXT    NOT NULL CHECK (status IN ('passed', 'failed', 'error')),
            expectation   TEXT    NOT NULL CHECK (expectation IN ('pass', 'fail')),
            digest        TEXT    NOT NULL
        );
        CREATE INDEX runs_by_scenario ON runs (scenario_id);
        CREATE INDEX runs_by_started_at ON runs (started_at);

        CREATE TABLE metrics (
            run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            name          TEXT    NOT NULL CHECK (name <> ''),
            value         REAL    NOT NULL,
            unit          TEXT    NOT NULL,
            direction     TEXT    NOT NULL CHECK (direction IN ('higherIsBetter', 'lowerIsBetter', 'neither')),
            deterministic INTEGER NOT NULL CHECK (deterministic IN (0, 1)),
            PRIMARY KEY (run_id, position),
            UNIQUE (run_id, name)
        ) WITHOUT ROWID;

        CREATE TABLE series (
            run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            second   REAL    NOT NULL,
            name     TEXT    NOT NULL,
            value    REAL    NOT NULL,
            PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE histogram (
            run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position       INTEGER NOT NULL,
            upper_bound_ms REAL    NOT NULL,
            count          INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE acceptance (
            run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            metric   TEXT    NOT NULL,
            min      REAL,
            max      REAL,
            value    REAL,
            passed   INTEGER NOT NULL CHECK (passed IN (0, 1)),
            PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;
        """
}
