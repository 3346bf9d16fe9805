import Foundation

/// How the command line names a run: an id, `latest`, `SCENARIO-ID@latest`, or an exported JSON file.
public enum RunReference: Sendable, Equatable, CustomStringConvertible {
    /// The run with this database id.
    case id(Int64)
    /// The most recently saved run of any scenario.
    case latest
    /// The most recently saved run of one scenario.
    case latestOf(scenarioID: String)
    /// A run exported with ``RunExport/json(_:)``, e.g. a baseline kept in git.
    case file(path: String)

    /// The suffix that turns a scenario id into a reference to its latest run.
    public static let latestSuffix = "@latest"

    /// Parses a reference; throws ``ResultStoreError`` of kind `invalidInput` for anything else.
    ///
    /// In order: all digits is an id (`./12` names a file called `12`); `latest`; a path ending
    /// in `.json`; `SCENARIO-ID@latest`; any other existing file. Parsing does not read the file
    /// or the database: ``ResultDatabase/resolve(_:)`` does, and reports what is missing.
    public init(parsing text: String) throws {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let id = Int64(text) else {
                throw ResultStoreError(.invalidInput, "run id \(text) is too large to be a run id")
            }
            self = .id(id)
        } else if text == "latest" {
            self = .latest
        } else if text.lowercased().hasSuffix(".json") {
            self = .file(path: text)
        } else if text.hasSuffix(Self.latestSuffix), text.count > Self.latestSuffix.count {
            self = .latestOf(scenarioID: String(text.dropLast(Self.latestSuffix.count)))
        } else if !text.isEmpty, FileManager.default.fileExists(atPath: text) {
            self = .file(path: text)
        } else {
            throw ResultStoreError(
                .invalidInput,
                "'\(text)' is not a run reference: give a run id (e.g. 12), 'latest', 'SCENARIO-ID@latest' (e.g. LT-001@latest) or the path of a JSON file written by `export`")
        }
    }

    /// Whether resolving this reference needs the database (every kind but `file`).
    public var needsDatabase: Bool {
        if case .file = self { return false }
        return true
    }

    /// The reference as a person would type it.
    public var description: String {
        switch self {
        case .id(let id): return String(id)
        case .latest: return "latest"
        case .latestOf(let scenarioID): return scenarioID + Self.latestSuffix
        case .file(let path): return path
        }
    }
}
