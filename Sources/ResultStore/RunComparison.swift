import Foundation

/// Two runs' metrics side by side, with the change and a verdict per metric.
///
/// A pure function of two ``RunRecord``s and a tolerance. Verdict rules, for a metric whose
/// direction is not `neither` (with `b` the baseline, `c` the candidate, `t` the tolerance):
/// - `b ≠ 0`: the change `c − b` counts when `|c − b| > |b| · t / 100` (strictly beyond the
///   tolerance; a change of exactly `t` % is `same`, also when binary fractions make it a
///   rounding error larger). A counted change in the metric's good direction is `better`, in
///   its bad direction `worse`.
/// - `b = 0`: a relative change is undefined, so any change counts: `c = 0` is `same`; `c`
///   away from 0 in the good direction is `better`, in the bad direction `worse` (so
///   `safety.violations` going from 0 to 1 is a regression). `deltaPercent` is `nil`.
/// - A value that is not finite on either side (possible only for records built in memory)
///   is `same` when both sides are identical and otherwise `worse`: such a change cannot be measured.
///
/// A `neither` metric gets the verdict `info` and is never a regression. A metric only in
/// the candidate is `added`, only in the baseline `removed`; neither counts as a regression.
public struct RunComparison: Codable, Sendable, Equatable {
    /// The outcome for one metric.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        /// Changed beyond the tolerance in the metric's good direction.
        case better
        /// Within the tolerance.
        case same
        /// Changed beyond the tolerance in the metric's bad direction: a regression.
        case worse
        /// A metric without a direction; shown, never judged.
        case info
        /// Only the candidate has this metric.
        case added
        /// Only the baseline has this metric.
        case removed
    }

    /// One metric of the comparison.
    public struct Row: Codable, Sendable, Equatable {
        /// Metric name.
        public var name: String
        /// Unit (the candidate's when both runs have the metric).
        public var unit: String
        /// Baseline value; `nil` for an added metric.
        public var baseline: Double?
        /// Candidate value; `nil` for a removed metric.
        public var candidate: Double?
        /// `candidate − baseline`; `nil` unless both exist.
        public var delta: Double?
        /// `delta / |baseline| · 100`; `nil` unless both exist and the baseline is not 0.
        public var deltaPercent: Double?
        /// Which way the metric improves (the candidate's when both runs have the metric).
        public var direction: MetricDirection
        /// Whether the metric is deterministic for a given scenario and seed.
        public var deterministic: Bool
        /// The verdict.
        public var verdict: Verdict
    }

    /// The tolerance in percent the verdicts used.
    public let tolerancePercent: Double
    /// Whether only deterministic metrics were compared.
    public let deterministicOnly: Bool
    /// Baseline run id (`nil` for a run never saved).
    public let baselineID: Int64?
    /// Candidate run id (`nil` for a run never saved).
    public let candidateID: Int64?
    /// How reports name the baseline, e.g. `run 12 (LT-001)`; the command line may set a file name.
    public var baselineLabel: String
    /// How reports name the candidate.
    public var candidateLabel: String
    /// Every metric of either run: the baseline's in its order, then the candidate's new ones in theirs.
    public let rows: [Row]
    /// Things a reader should know before trusting the verdicts (other scenario, seed, unit changes…).
    public let notes: [String]
    /// Whether any row is `worse`.
    public let hasRegression: Bool

    /// Compares `candidate` against `baseline`.
    ///
    /// - Parameters:
    ///   - tolerancePercent: relative change (≥ 0, finite) within which a metric is `same`; the caller validates user input.
    ///   - deterministicOnly: compare only metrics marked deterministic (drops wall-clock figures).
    public init(baseline: RunRecord, candidate: RunRecord, tolerancePercent: Double, deterministicOnly: Bool = false) {
        precondition(tolerancePercent.isFinite && tolerancePercent >= 0, "tolerance must be a finite percentage ≥ 0")
        self.tolerancePercent = tolerancePercent
        self.deterministicOnly = deterministicOnly
        baselineID = baseline.id
        candidateID = candidate.id
        baselineLabel = Self.label(baseline)
        candidateLabel = Self.label(candidate)

        var notes = Self.runNotes(baseline: baseline, candidate: candidate)
        var rows: [Row] = []
        rows.reserveCapacity(baseline.metrics.count + candidate.metrics.count)
        var seen = Set<String>()
        for old in baseline.metrics where seen.insert(old.name).inserted {
            let new = candidate.metric(named: old.name)
            if deterministicOnly, !(new ?? old).deterministic { continue }
            if let new, new.unit != old.unit {
                notes.append("\(old.name): unit changed from '\(old.unit)' to '\(new.unit)'")
            }
            rows.append(Self.row(old: old, new: new, tolerancePercent: tolerancePercent))
        }
        for new in candidate.metrics where seen.insert(new.name).inserted {
            if deterministicOnly, !new.deterministic { continue }
            rows.append(Self.row(old: nil, new: new, tolerancePercent: tolerancePercent))
        }
        self.rows = rows
        self.notes = notes
        hasRegression = rows.contains { $0.verdict == .worse }
    }

    /// How many rows have this verdict.
    public func count(of verdict: Verdict) -> Int {
        rows.reduce(0) { $0 + ($1.verdict == verdict ? 1 : 0) }
    }

    /// The verdict for a directional metric with both values present (see the type's rules).
    public static func verdict(
        baseline: Double, candidate: Double, direction: MetricDirection, tolerancePercent: Double
    ) -> Verdict {
        let sign: Double
        switch direction {
        case .neither: return .info
        case .higherIsBetter: sign = 1
        case .lowerIsBetter: sign = -1
        }
        if !baseline.isFinite || !candidate.isFinite {
            let identical = baseline == candidate || (baseline.isNaN && candidate.isNaN)
            return identical ? .same : .worse
        }
        let delta = candidate - baseline
        let threshold = baseline == 0 ? 0 : abs(baseline) * tolerancePercent / 100
        // 0.3 → 0.33 is exactly 10 %, but binary fractions make the difference a hair larger;
        // a change within rounding error of the tolerance counts as within it.
        let roundingSlack = roundingTolerance * max(abs(baseline), abs(candidate))
        guard abs(delta) - threshold > roundingSlack else { return .same }
        return sign * delta > 0 ? .better : .worse
    }

    /// Relative size of floating-point rounding error that the tolerance edge absorbs.
    private static let roundingTolerance = 1e-12

    private static func row(old: Metric?, new: Metric?, tolerancePercent: Double) -> Row {
        guard let current = new ?? old else { preconditionFailure("a row needs at least one metric") }
        var row = Row(
            name: current.name, unit: current.unit, baseline: old?.value, candidate: new?.value,
            delta: nil, deltaPercent: nil, direction: current.better, deterministic: current.deterministic,
            verdict: .same)
        guard let old, let new else {
            row.verdict = old == nil ? .added : .removed
            return row
        }
        let delta = new.value - old.value
        row.delta = delta
        row.deltaPercent = old.value == 0 ? nil : delta / abs(old.value) * 100
        row.verdict = verdict(
            baseline: old.value, candidate: new.value, direction: current.better, tolerancePercent: tolerancePercent)
        return row
    }

    private static func label(_ run: RunRecord) -> String {
        if let id = run.id { return "run \(id) (\(run.scenarioID))" }
        return run.scenarioID
    }

    private static func runNotes(baseline: RunRecord, candidate: RunRecord) -> [String] {
        var notes: [String] = []
        if baseline.scenarioID != candidate.scenarioID {
            notes.append("the runs are of different scenarios: \(baseline.scenarioID) and \(candidate.scenarioID)")
        } else if baseline.scenarioHash != candidate.scenarioHash {
            let changes = settingChanges(from: baseline.scenarioJSON, to: candidate.scenarioJSON)
            notes.append("the scenario text differs between the runs (hash \(baseline.scenarioHash) → \(candidate.scenarioHash))"
                         + (changes.map { ": " + $0 } ?? ""))
        }
        if baseline.seed != candidate.seed {
            notes.append("the seeds differ: \(baseline.seed) and \(candidate.seed)")
        }
        if baseline.overrides != candidate.overrides {
            notes.append(
                "the command-line overrides differ: \(describe(baseline.overrides)) and \(describe(candidate.overrides))")
        }
        if baseline.toolVersion != candidate.toolVersion {
            notes.append("the tool versions differ: \(baseline.toolVersion) and \(candidate.toolVersion)")
        }
        return notes
    }

    /// What differs between two scenario texts, setting by setting ("consensus.pollOnIssue
    /// absent → true, workload.tps 100 → 150"), up to six settings and how many more; nil
    /// when either text is not a JSON object. A setting is a key path down objects (lists
    /// compare whole); a key only one text has is "absent" in the other (the scenario's
    /// default then applies). "$schema" is left out.
    static func settingChanges(from old: String, to new: String) -> String? {
        guard let before = settings(of: old), let after = settings(of: new) else { return nil }
        let paths = Set(before.keys).union(after.keys).sorted()
        let changed = paths.filter { before[$0] != after[$0] }
        if changed.isEmpty { return "the same settings, laid out differently" }
        let shown = changed.prefix(6).map { "\($0) \(before[$0] ?? "absent") → \(after[$0] ?? "absent")" }
        let more = changed.count > shown.count ? ", and \(changed.count - shown.count) more" : ""
        return shown.joined(separator: ", ") + more
    }

    /// A scenario text's settings as key path → compact JSON value.
    private static func settings(of text: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        var settings: [String: String] = [:]
        func walk(_ object: [String: Any], _ prefix: String) {
            for (key, value) in object where !(prefix.isEmpty && key == "$schema") {
                let path = prefix.isEmpty ? key : prefix + "." + key
                if let nested = value as? [String: Any] {
                    walk(nested, path)
                } else {
                    settings[path] = compact(value)
                }
            }
        }
        walk(object, "")
        return settings
    }

    /// `value` as compact JSON, keys sorted; a long one cut to 40 characters.
    private static func compact(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(
            withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "?" }
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }

    private static func describe(_ overrides: [String: String]) -> String {
        if overrides.isEmpty { return "none" }
        return overrides.keys.sorted().map { "\($0)=\(overrides[$0] ?? "")" }.joined(separator: " ")
    }

    // MARK: - Markdown

    /// The comparison as a Markdown report: a summary line, notes, and one table row per metric.
    public func markdown() -> String {
        var text = "## \(escape(baselineLabel)) → \(escape(candidateLabel))\n\n"
        let counts = Verdict.allCases.map { "\(count(of: $0)) \($0.rawValue)" }.joined(separator: ", ")
        text += hasRegression ? "**Regression**" : "No regression"
        text += " at a tolerance of \(Self.format(tolerancePercent)) %: \(counts).\n"
        if deterministicOnly { text += "Only deterministic metrics are compared.\n" }
        if !notes.isEmpty {
            text += "\n"
            for note in notes { text += "- Note: \(escape(note))\n" }
        }
        text += "\n| metric | unit | baseline | candidate | Δ | Δ % | better | verdict |\n"
        text += "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
        for row in rows {
            let cells = [
                escape(row.name),
                escape(row.unit),
                row.baseline.map(Self.format) ?? "–",
                row.candidate.map(Self.format) ?? "–",
                row.delta.map(Self.signed) ?? "–",
                row.deltaPercent.map { Self.signed($0) + " %" } ?? "–",
                Self.directionText(row.direction),
                row.verdict == .worse ? "**worse**" : row.verdict.rawValue,
            ]
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return text
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    private static func directionText(_ direction: MetricDirection) -> String {
        switch direction {
        case .higherIsBetter: return "higher"
        case .lowerIsBetter: return "lower"
        case .neither: return "–"
        }
    }

    private static func signed(_ value: Double) -> String {
        value > 0 ? "+" + format(value) : format(value)
    }

    /// A number for people: integers as they are, others to three decimals or four significant digits.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        var text = magnitude >= 1 || magnitude == 0
            ? String(format: "%.3f", value)
            : String(format: "%.4g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
