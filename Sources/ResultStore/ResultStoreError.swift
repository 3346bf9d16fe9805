/// An error of the result store, with a message that names the run, reference or file involved.
///
/// The command line maps ``kind`` to an exit code: `runNotFound` and `invalidInput` are bad
/// input (a reference or file the user gave, exit 2); `invalidRun` and `database` are internal
/// or environment failures (exit 3).
public struct ResultStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Equatable {
        /// A run reference (id, `latest`, `SCENARIO-ID@latest`) matches no recorded run.
        case runNotFound
        /// Text that is not a run reference, or a file that is not a run export.
        case invalidInput
        /// A run that cannot be saved or exported as it is (non-finite value, duplicate metric, …).
        case invalidRun
        /// The database could not be opened, read or written.
        case database
    }

    /// What went wrong, coarsely.
    public let kind: Kind
    /// A complete sentence a person can act on.
    public let message: String

    /// Creates an error of the given kind.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// A reference that names no recorded run; `detail` says which reference and where it was looked up.
    public static func runNotFound(_ detail: String) -> ResultStoreError {
        ResultStoreError(.runNotFound, detail)
    }
}
