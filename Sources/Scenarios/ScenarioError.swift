/// Everything wrong with a scenario file, each problem at its path.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem: where it is and what rule it breaks.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// Dotted path of the offending value (`workload.tps`, `faults[1].groups`); empty for the whole file.
        public var path: String
        /// What is wrong, in words a person can act on.
        public var message: String

        /// Creates an issue.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        /// `path: message`, or just the message for the whole file.
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// The file the scenario came from, when known.
    public var file: String?
    /// The problems, sorted by path; never empty.
    public var issues: [Issue]

    /// Creates an error from at least one issue.
    public init(file: String?, issues: [Issue]) {
        precondition(!issues.isEmpty, "a scenario error needs at least one issue")
        self.file = file
        self.issues = issues
    }

    /// One line per issue, prefixed by the file when known.
    ///
    ///     scenarios/ct-002.json: workload.tps: must be > 0 (got -5)
    public var description: String {
        let prefix = file.map { "\($0): " } ?? ""
        return issues.map { prefix + $0.description }.joined(separator: "\n")
    }
}
