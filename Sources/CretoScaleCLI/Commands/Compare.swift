import ArgumentParser
import ResultStore

/// `cretoscale compare RUN-A RUN-B`: every metric of a baseline and a candidate run, with a verdict each.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs metric by metric; exit 1 on a regression.",
        discussion: """
            RUN-A is the baseline, RUN-B the candidate. Each may be a run id, `latest`, \
            `SCENARIO-ID@latest`, or a JSON file written by `export` (the database is opened only \
            when a reference needs it). A metric whose change exceeds the tolerance is `better` or \
            `worse` according to its direction (↑ higher is better, ↓ lower is better); a metric \
            without a direction (·) is `info` and never a regression. From a baseline of 0 any \
            change counts. The exit code is 1 when any metric is `worse`, so CI can fail on a \
            regression. Notes say what makes the runs unlike: another seed, other overrides, \
            another tool version, or a changed scenario, named setting by setting \
            (`consensus.pollOnIssue absent → true`).

            Examples:
              cretoscale compare 11 12
              cretoscale compare LT-001@latest latest --tolerance 10
              cretoscale compare baselines/lt-001.json LT-001@latest --deterministic-only
              cretoscale compare a.json b.json --markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    /// How the comparison is printed.
    enum Style: String, EnumerableFlag {
        /// An aligned table for the terminal.
        case table
        /// The comparison as JSON.
        case json
        /// A Markdown report, e.g. for a CI summary.
        case markdown

        static func help(for value: Style) -> ArgumentHelp? {
            switch value {
            case .table: return "Print an aligned table."
            case .json: return "Print the comparison as JSON on stdout."
            case .markdown: return "Print a Markdown report on stdout."
            }
        }
    }

    /// The tolerance when `--tolerance` is not given, in percent.
    static let defaultTolerancePercent = 10.0

    @Argument(
        help: ArgumentHelp(
            "The baseline run: an id, latest, SCENARIO-ID@latest, or an exported JSON file.", valueName: "run-a"))
    var baseline: String

    @Argument(help: ArgumentHelp("The candidate run, in the same forms.", valueName: "run-b"))
    var candidate: String

    @Option(
        help: ArgumentHelp("Relative change, in percent, within which a metric counts as the same.", valueName: "percent"))
    var tolerance = CompareCommand.defaultTolerancePercent

    @Flag(help: "Compare only metrics that the scenario and seed determine (drops wall-clock figures).")
    var deterministicOnly = false

    @Flag(exclusivity: .exclusive)
    var style: Style = .table

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw ValidationError("--tolerance must be a percentage of 0 or more, not \(tolerance)")
        }
    }

    func run() throws {
        let references = [try RunReference(parsing: baseline), try RunReference(parsing: candidate)]
        let runs = try database.load(references)
        var comparison = RunComparison(
            baseline: runs[0], candidate: runs[1], tolerancePercent: tolerance, deterministicOnly: deterministicOnly)
        comparison.baselineLabel = Self.label(runs[0], reference: references[0])
        comparison.candidateLabel = Self.label(runs[1], reference: references[1])
        switch style {
        case .table: Terminal.line(Self.report(comparison, baseline: runs[0], candidate: runs[1]))
        case .json: Terminal.write(try JSONOutput.encode(comparison))
        case .markdown: Terminal.write(comparison.markdown())
        }
        if comparison.hasRegression { throw ExitStatus.failed }
    }

    /// How the report names a run: as a file when it came from one, so an exported id is not taken for a database id.
    static func label(_ run: RunRecord, reference: RunReference) -> String {
        let identity = run.id.map { "run \($0), \(run.scenarioID)" } ?? run.scenarioID
        if case .file(let path) = reference { return "\(path) (\(identity))" }
        return run.id.map { "run \($0) (\(run.scenarioID))" } ?? run.scenarioID
    }

    /// The human report: both runs, notes, the metric table and a verdict count.
    static func report(_ comparison: RunComparison, baseline: RunRecord, candidate: RunRecord) -> String {
        var lines: [String] = []
        var runs = TextTable([.init("role"), .init("run")])
        runs.showsHeader = false
        runs.append(["A", describe(baseline, label: comparison.baselineLabel)])
        runs.append(["B", describe(candidate, label: comparison.candidateLabel)])
        lines.append(runs.render())
        if baseline.digest == candidate.digest {
            lines.append("the digests are equal: the runs produced the same accepted transactions and metrics")
        }
        for note in comparison.notes { lines.append("note: \(note)") }
        lines.append("")
        if comparison.rows.isEmpty {
            lines.append(comparison.deterministicOnly ? "no deterministic metrics to compare" : "no metrics to compare")
        } else {
            lines.append(table(comparison).render())
        }
        lines.append(summary(comparison))
        return lines.joined(separator: "\n")
    }

    private static func describe(_ run: RunRecord, label: String) -> String {
        "\(label): seed \(run.seed), started \(run.startedAt), digest \(run.digest.prefix(RunsCommand.digestPrefixLength))"
    }

    /// One row per metric: values, change, direction and verdict.
    static func table(_ comparison: RunComparison) -> TextTable {
        var table = TextTable([
            .init("metric"), .init("unit"), .init("A", .right), .init("B", .right), .init("Δ", .right),
            .init("Δ%", .right), .init("better"), .init("verdict"),
        ])
        for row in comparison.rows {
            table.append([
                row.name, row.unit,
                row.baseline.map(NumberText.plain) ?? "–",
                row.candidate.map(NumberText.plain) ?? "–",
                row.delta.map(NumberText.signed) ?? "–",
                row.deltaPercent.map(NumberText.signedPercent) ?? "–",
                arrow(row.direction),
                row.verdict == .worse ? "WORSE" : row.verdict.rawValue,
            ])
        }
        return table
    }

    /// `↑` when higher is better, `↓` when lower is better, `·` for a metric without a direction.
    static func arrow(_ direction: MetricDirection) -> String {
        switch direction {
        case .higherIsBetter: return "↑"
        case .lowerIsBetter: return "↓"
        case .neither: return "·"
        }
    }

    /// The last line: how many metrics got each verdict, and whether that is a regression.
    static func summary(_ comparison: RunComparison) -> String {
        let counts = RunComparison.Verdict.allCases
            .map { (verdict: $0, count: comparison.count(of: $0)) }
            .filter { $0.count > 0 }
            .map { "\($0.count) \($0.verdict.rawValue)" }
        let outcome = comparison.hasRegression ? "regression" : "no regression"
        let tolerance = "tolerance \(NumberText.plain(comparison.tolerancePercent))%"
        if counts.isEmpty { return "\(outcome) (\(tolerance))" }
        return "\(outcome): \(counts.joined(separator: ", ")) (\(tolerance))"
    }
}
