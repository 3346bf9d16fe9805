import ArgumentParser
import Foundation
import ResultStore

/// `--db PATH`: which results database a command reads or writes.
///
/// The path is `--db` when given, else `CRETOSCALE_DB`, else `results/cretoscale.db`. Commands
/// that only read open it with ``openExisting()``, which never creates a file.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            The results database (default: $\(ResultDatabase.environmentVariable), \
            else \(ResultDatabase.defaultRelativePath)).
            """,
            valueName: "path"))
    var db: String?

    /// The database path this invocation uses.
    var path: String {
        db ?? ResultDatabase.defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    mutating func validate() throws {
        if db?.isEmpty == true { throw ValidationError("--db needs a file path, not an empty string") }
    }

    /// Opens a database that must already exist, for the commands that only read.
    ///
    /// A missing path, a directory or an empty file is bad input naming the path, and no file or
    /// directory is created. This is the one place to switch to a read-only opening.
    func openExisting() throws -> ResultDatabase {
        let path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no results database at \(path) (run `cretoscale run` first, or pass --db)")
        }
        if isDirectory.boolValue {
            throw ValidationError("\(path) is a directory, not a results database (pass --db with the database file)")
        }
        // SQLite would take an empty file for a new database and write the schema into it.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if size == 0 {
            throw ValidationError(
                "no results database at \(path): the file is empty (run `cretoscale run` first, or pass --db)")
        }
        return try ResultDatabase(readingAt: path)
    }

    /// Opens the database, creating it and its directory when missing: for commands that record runs.
    func openCreatingIfNeeded() throws -> ResultDatabase {
        try ResultDatabase(path: path)
    }

    /// Loads the runs the references name, in order, opening the database only if one of them needs it.
    ///
    /// A `file` reference is read as a run export without touching the database, so comparing two
    /// exported files works where no database exists.
    func load(_ references: [RunReference]) throws -> [RunRecord] {
        var database: ResultDatabase?
        var runs: [RunRecord] = []
        runs.reserveCapacity(references.count)
        for reference in references {
            if case .file(let file) = reference {
                runs.append(try RunExport.load(jsonAt: file))
                continue
            }
            let opened = try database ?? openExisting()
            database = opened
            runs.append(try opened.resolve(reference))
        }
        return runs
    }
}
