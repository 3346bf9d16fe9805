/// One line of the run list: a run without its scenario text, metrics, series or histogram.
public struct RunSummary: Codable, Sendable, Equatable {
    /// The run's database id.
    public var id: Int64
    /// The scenario's id, e.g. `"LT-001"`.
    public var scenarioID: String
    /// The scenario's human-readable name.
    public var scenarioName: String
    /// Start time as ISO-8601 UTC text.
    public var startedAt: String
    /// Wall-clock duration in seconds.
    public var wallSeconds: Double
    /// How the run ended.
    public var status: RunStatus
    /// What the scenario expected.
    public var expectation: RunExpectation
    /// The seed the run used.
    public var seed: UInt64
    /// Options overridden on the command line.
    public var overrides: [String: String]
    /// Hex run digest.
    public var digest: String
    /// Version of the tool that made the run.
    public var toolVersion: String

    /// Creates a summary.
    public init(
        id: Int64, scenarioID: String, scenarioName: String, startedAt: String, wallSeconds: Double,
        status: RunStatus, expectation: RunExpectation, seed: UInt64, overrides: [String: String],
        digest: String, toolVersion: String
    ) {
        self.id = id
        self.scenarioID = scenarioID
        self.scenarioName = scenarioName
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.status = status
        self.expectation = expectation
        self.seed = seed
        self.overrides = overrides
        self.digest = digest
        self.toolVersion = toolVersion
    }
}
