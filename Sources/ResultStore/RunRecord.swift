/// One recorded scenario run: what was run, how it ended, and everything it measured.
///
/// This is the unit that ``ResultDatabase`` saves and loads and that ``RunExport`` writes
/// to JSON. Every `Double` in a record that is saved or exported must be finite: SQLite
/// turns NaN into NULL and JSON has no spelling for NaN or infinity, so such a value is
/// rejected with ``ResultStoreError/Kind-swift.enum/invalidRun`` instead of being altered.
public struct RunRecord: Codable, Sendable, Equatable {
    /// The database id; `nil` until the run is saved, and ignored by ``ResultDatabase/save(_:)``.
    public var id: Int64?
    /// The scenario's id, e.g. `"LT-001"`.
    public var scenarioID: String
    /// The scenario's human-readable name.
    public var scenarioName: String
    /// The scenario text exactly as it was run.
    public var scenarioJSON: String
    /// Hex hash of ``scenarioJSON``, computed by the caller.
    public var scenarioHash: String
    /// The seed the run used (any `UInt64`; stored as decimal text, see `docs/schema.md`).
    public var seed: UInt64
    /// Options overridden on the command line, e.g. `["nodes": "100"]`.
    public var overrides: [String: String]
    /// Version of the tool that made the run.
    public var toolVersion: String
    /// Start time as ISO-8601 UTC text, supplied by the caller.
    public var startedAt: String
    /// Wall-clock duration of the run in seconds.
    public var wallSeconds: Double
    /// How the run ended.
    public var status: RunStatus
    /// What the scenario expected of its acceptance criteria.
    public var expectation: RunExpectation
    /// Hex digest of the run (accepted-transaction log and deterministic metrics).
    public var digest: String
    /// Final metrics, in the order the run produced them; names are unique.
    public var metrics: [Metric]
    /// Time series in long format: one point per series name per simulated second or interval.
    public var series: [SeriesPoint]
    /// Latency histogram buckets, in the order given.
    public var latencyHistogram: [HistogramBucket]
    /// One result per acceptance criterion of the scenario.
    public var acceptance: [AcceptanceResult]

    /// Creates a run record; `id` stays `nil` until the record is saved.
    public init(
        id: Int64? = nil,
        scenarioID: String,
        scenarioName: String,
        scenarioJSON: String,
        scenarioHash: String,
        seed: UInt64,
        overrides: [String: String] = [:],
        toolVersion: String,
        startedAt: String,
        wallSeconds: Double,
        status: RunStatus,
        expectation: RunExpectation,
        digest: String,
        metrics: [Metric] = [],
        series: [SeriesPoint] = [],
        latencyHistogram: [HistogramBucket] = [],
        acceptance: [AcceptanceResult] = []
    ) {
        self.id = id
        self.scenarioID = scenarioID
        self.scenarioName = scenarioName
        self.scenarioJSON = scenarioJSON
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.overrides = overrides
        self.toolVersion = toolVersion
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.status = status
        self.expectation = expectation
        self.digest = digest
        self.metrics = metrics
        self.series = series
        self.latencyHistogram = latencyHistogram
        self.acceptance = acceptance
    }

    /// The first metric with this name, if any.
    public func metric(named name: String) -> Metric? {
        metrics.first { $0.name == name }
    }
}

/// How a run ended.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// The acceptance criteria came out as the scenario expected.
    case passed
    /// The run completed but the criteria did not come out as expected.
    case failed
    /// The run could not complete (bad input, internal failure).
    case error
}

/// What a scenario expects of its acceptance criteria (its `expect` key).
public enum RunExpectation: String, Codable, Sendable, CaseIterable {
    /// The criteria must hold.
    case pass
    /// The criteria must fail (the scenario demonstrates a failure, e.g. ≥ 33 % Byzantine).
    case fail
}

/// Which way a metric improves; decides the verdicts of ``RunComparison``.
public enum MetricDirection: String, Codable, Sendable, CaseIterable {
    /// Larger values are better (throughput, uptime, detection recall).
    case higherIsBetter
    /// Smaller values are better (latency, violations, memory).
    case lowerIsBetter
    /// Informational only; never better or worse.
    case neither
}

/// One named final measurement of a run.
public struct Metric: Codable, Sendable, Equatable {
    /// Metric name as used in scenarios and `compare`, e.g. `"latency.p95"`.
    public var name: String
    /// The value; must be finite to be saved or exported.
    public var value: Double
    /// Unit for people, e.g. `"ms"`, `"tx/s"`, `"%"`; may be empty.
    public var unit: String
    /// Which way the metric improves.
    public var better: MetricDirection
    /// Whether the same scenario and seed always give the same value (false for wall-clock figures).
    public var deterministic: Bool

    /// Creates a metric.
    public init(name: String, value: Double, unit: String, better: MetricDirection, deterministic: Bool) {
        self.name = name
        self.value = value
        self.unit = unit
        self.better = better
        self.deterministic = deterministic
    }
}

/// One point of a time series, in long format (one row per series name and time).
public struct SeriesPoint: Codable, Sendable, Equatable {
    /// Simulated time in seconds since the start of the run (start of the interval).
    public var second: Double
    /// Series name, e.g. `"tps"` or `"latency.p95"`.
    public var name: String
    /// The value over that second or interval.
    public var value: Double

    /// Creates a series point.
    public init(second: Double, name: String, value: Double) {
        self.second = second
        self.name = name
        self.value = value
    }
}

/// One bucket of the latency histogram: how many samples fell at or below its bound.
public struct HistogramBucket: Codable, Sendable, Equatable {
    /// Inclusive upper bound of the bucket in milliseconds (finite).
    public var upperBoundMs: Double
    /// Number of samples in the bucket (≥ 0).
    public var count: Int64

    /// Creates a histogram bucket.
    public init(upperBoundMs: Double, count: Int64) {
        self.upperBoundMs = upperBoundMs
        self.count = count
    }
}

/// The outcome of one acceptance criterion of the scenario.
public struct AcceptanceResult: Codable, Sendable, Equatable {
    /// The metric the criterion bounds.
    public var metric: String
    /// Lower bound, if the criterion has one.
    public var min: Double?
    /// Upper bound, if the criterion has one.
    public var max: Double?
    /// The measured value; `nil` when the run did not produce the metric.
    public var value: Double?
    /// Whether the value met the bounds.
    public var passed: Bool

    /// Creates an acceptance result.
    public init(metric: String, min: Double? = nil, max: Double? = nil, value: Double?, passed: Bool) {
        self.metric = metric
        self.min = min
        self.max = max
        self.value = value
        self.passed = passed
    }
}

extension RunRecord {
    /// Checks what SQLite and JSON cannot hold faithfully; throws ``ResultStoreError`` naming the field.
    func validateForStorage() throws {
        func fail(_ detail: String) -> ResultStoreError {
            ResultStoreError(.invalidRun, "run of scenario '\(scenarioID)' cannot be stored: \(detail)")
        }
        func requireFinite(_ value: Double, _ field: @autoclosure () -> String) throws {
            if !value.isFinite { throw fail("\(field()) is \(value); only finite numbers can be stored") }
        }
        if scenarioID.isEmpty { throw fail("scenarioID is empty") }
        try requireFinite(wallSeconds, "wallSeconds")
        var seen = Set<String>()
        seen.reserveCapacity(metrics.count)
        for (index, metric) in metrics.enumerated() {
            if metric.name.isEmpty { throw fail("metrics[\(index)] has an empty name") }
            if !seen.insert(metric.name).inserted { throw fail("metric '\(metric.name)' appears more than once") }
            try requireFinite(metric.value, "metric '\(metric.name)'")
        }
        for (index, point) in series.enumerated() {
            try requireFinite(point.second, "series[\(index)].second")
            try requireFinite(point.value, "series[\(index)] ('\(point.name)' at \(point.second) s)")
        }
        for (index, bucket) in latencyHistogram.enumerated() {
            try requireFinite(bucket.upperBoundMs, "latencyHistogram[\(index)].upperBoundMs")
            if bucket.count < 0 { throw fail("latencyHistogram[\(index)].count is negative (\(bucket.count))") }
        }
        for (index, result) in acceptance.enumerated() {
            for (field, value) in [("min", result.min), ("max", result.max), ("value", result.value)] {
                if let value { try requireFinite(value, "acceptance[\(index)].\(field) ('\(result.metric)')") }
            }
        }
    }
}
