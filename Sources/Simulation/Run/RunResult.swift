import ConsensusCore

/// One figure of a run, named as in `MetricCatalog`.
public struct MetricValue: Sendable, Equatable {
    /// The metric's name, e.g. `latency.p95`.
    public let name: String
    /// Its value in the catalogue's unit.
    public let value: Double

    /// A figure.
    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// One point of a time series: the value of `name` over the interval ending at `second`.
public struct SeriesSample: Sendable, Equatable {
    /// End of the interval, simulated seconds from the start.
    public let second: Double
    /// Which series.
    public let name: String
    /// The value over the interval.
    public let value: Double
}

/// Totals that must add up; a run whose books do not balance is a simulator bug.
public struct Conservation: Sendable, Equatable {
    /// Transactions submitted.
    public var submitted = 0
    /// Accepted at their origin.
    public var accepted = 0
    /// Rejected at their origin.
    public var rejected = 0
    /// Neither, at the end.
    public var pending = 0
    /// Messages sent.
    public var sent = 0
    /// Messages delivered to a node (alive or not).
    public var delivered = 0
    /// Messages lost, cut by a partition, or arriving at a crashed node.
    public var dropped = 0
    /// Messages still travelling at the end.
    public var inFlight = 0

    /// Whether transactions and messages both balance.
    public var balances: Bool {
        submitted == accepted + rejected + pending && sent == delivered + dropped + inFlight
    }
}

/// Everything a run measured.
public struct RunResult: Sendable {
    /// Figures, in catalogue order; metrics that do not apply to the run are absent.
    public var metrics: [MetricValue]
    /// Time series, one point per series interval.
    public var series: [SeriesSample]
    /// Origin latency distribution: (upper bound in ms, count) per non-empty bucket.
    public var latencyHistogram: [(upperBoundMs: Double, count: Int64)]
    /// BLAKE3 over the ordered log of origin acceptances and the deterministic figures.
    public var digest: Hash256
    /// The run's books.
    public var conservation: Conservation
    /// Safety violations found (the first 1,000).
    public var violations: [SafetyChecker.Violation]
    /// Events the engine processed.
    public var events: Int
    /// Simulated time covered.
    public var simulatedSeconds: Double

    /// The value of `name`, if the run has it.
    public func value(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }
}

/// Where a running simulation is, for progress displays.
public struct SimulationProgress: Sendable {
    /// Simulated time reached.
    public let simulated: SimDuration
    /// The run's length.
    public let total: SimDuration
    /// Events processed so far.
    public let events: Int
}
