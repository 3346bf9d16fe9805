extension Scenario.Criterion {
    /// How one criterion fared against a run's metrics.
    public enum Outcome: Sendable, Equatable {
        /// The value lies within the bounds.
        case met(Double)
        /// The value lies outside the bounds (NaN counts as outside).
        case unmet(Double)
        /// The run did not report this metric.
        case missing
    }

    /// Whether `value` lies within `min…max`, both inclusive.
    public func isMet(by value: Double) -> Bool {
        guard !value.isNaN else { return false }
        if let min, value < min { return false }
        if let max, value > max { return false }
        return true
    }

    /// The outcome of this criterion given a lookup of the run's metric values.
    public func outcome(_ value: (String) -> Double?) -> Outcome {
        guard let measured = value(metric) else { return .missing }
        return isMet(by: measured) ? .met(measured) : .unmet(measured)
    }
}

extension Scenario {
    /// The verdict of a run against the scenario's acceptance criteria and expectation.
    public struct Verdict: Sendable, Equatable {
        /// Each criterion with its outcome, in scenario order.
        public var outcomes: [(criterion: Criterion, outcome: Criterion.Outcome)]
        /// Whether the run did what the scenario expects.
        ///
        /// Each criterion is expected to hold or to break: its own `expect`, else the
        /// scenario's. Every criterion expected to hold must be met; when some are expected
        /// to break, at least one of them must be unmet and none missing: a metric the run
        /// never reported is not evidence of the expected failure. So `expect: fail` with a
        /// safety criterion marked `pass` passes only when the run fails safely.
        public var passed: Bool

        /// Compares outcomes criterion by criterion.
        public static func == (lhs: Verdict, rhs: Verdict) -> Bool {
            lhs.passed == rhs.passed && lhs.outcomes.count == rhs.outcomes.count
                && zip(lhs.outcomes, rhs.outcomes).allSatisfy { $0.criterion == $1.criterion && $0.outcome == $1.outcome }
        }
    }

    /// Checks the run's metric values, looked up by name, against `acceptance` and `expect`.
    public func verdict(_ value: (String) -> Double?) -> Verdict {
        let outcomes = acceptance.map { (criterion: $0, outcome: $0.outcome(value)) }
        let holding = outcomes.filter { ($0.criterion.expect ?? expect) == .pass }
        let breaking = outcomes.filter { ($0.criterion.expect ?? expect) == .fail }
        let allHeld = holding.allSatisfy {
            if case .met = $0.outcome { return true }
            return false
        }
        let anyMissing = breaking.contains { $0.outcome == .missing }
        let anyBroken = breaking.contains {
            if case .unmet = $0.outcome { return true }
            return false
        }
        let passed = allHeld && (breaking.isEmpty || (anyBroken && !anyMissing))
        return Verdict(outcomes: outcomes, passed: passed)
    }
}
