import ArgumentParser
import ResultStore

/// `cretoscale show RUN`: one run in full: what ran, how it ended, its criteria and metrics.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: what ran, its acceptance criteria and its metrics.",
        discussion: """
            RUN is a run id, `latest` (the run saved last), `SCENARIO-ID@latest`, or a JSON file \
            written by `export` (read without opening the database).

            Examples:
              cretoscale show 12
              cretoscale show latest
              cretoscale show LT-001@latest --json > lt-001.json
              cretoscale show baselines/lt-001.json
            """
    )

    @Argument(help: ArgumentHelp("The run: an id, latest, SCENARIO-ID@latest, or an exported JSON file.", valueName: "run"))
    var reference: String

    @Flag(help: "Print the whole run as export JSON (the format of `export --format json`) on stdout.")
    var json = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        guard let record = try database.load([RunReference(parsing: reference)]).first else { return }
        if json {
            Terminal.write(try RunExport.json(record))
        } else {
            Terminal.line(Self.report(record))
        }
    }

    /// The human report: header fields, acceptance results, metrics.
    static func report(_ run: RunRecord) -> String {
        var sections = [header(run).render()]
        if !run.acceptance.isEmpty { sections.append(acceptance(run)) }
        sections.append(metrics(run))
        return sections.joined(separator: "\n\n")
    }

    private static func header(_ run: RunRecord) -> TextTable {
        var table = TextTable([.init("field"), .init("value")])
        table.showsHeader = false
        let title = run.id.map { "run \($0)" } ?? "run (not saved)"
        table.append([title, run.scenarioName == run.scenarioID ? run.scenarioID : "\(run.scenarioID): \(run.scenarioName)"])
        table.append(["status", "\(run.status.rawValue) (expected the criteria to \(run.expectation.rawValue))"])
        table.append(["started", run.startedAt])
        table.append(["wall time", NumberText.seconds(run.wallSeconds) + " s"])
        table.append(["seed", String(run.seed)])
        table.append(["overrides", overrides(run.overrides)])
        table.append(["digest", run.digest])
        table.append(["scenario hash", run.scenarioHash])
        table.append(["tool version", run.toolVersion])
        table.append(["recorded", recorded(run)])
        return table
    }

    private static func overrides(_ overrides: [String: String]) -> String {
        if overrides.isEmpty { return "none" }
        return overrides.keys.sorted().map { "\($0)=\(overrides[$0] ?? "")" }.joined(separator: " ")
    }

    private static func recorded(_ run: RunRecord) -> String {
        var names: [String] = []
        for point in run.series where !names.contains(point.name) { names.append(point.name) }
        return "\(run.metrics.count) metrics, \(names.count) series (\(run.series.count) points), "
            + "\(run.latencyHistogram.count) latency histogram buckets"
    }

    private static func acceptance(_ run: RunRecord) -> String {
        let met = run.acceptance.filter(\.passed).count
        var title = "acceptance: \(met) of \(run.acceptance.count) criteria met"
        if run.expectation == .fail { title += " (the scenario expects them to fail)" }
        var table = TextTable([.init(""), .init("metric"), .init("bound"), .init("value", .right)])
        table.showsHeader = false
        table.indent = "  "
        for criterion in run.acceptance {
            table.append([
                criterion.passed ? "✓" : "✗", criterion.metric, bound(criterion),
                criterion.value.map(NumberText.plain) ?? "not measured",
            ])
        }
        return title + "\n" + table.render()
    }

    /// A criterion's bounds in words, e.g. `≤ 500` or `between 95 and 105`.
    static func bound(_ criterion: AcceptanceResult) -> String {
        switch (criterion.min, criterion.max) {
        case let (min?, max?): return "between \(NumberText.plain(min)) and \(NumberText.plain(max))"
        case let (min?, nil): return "≥ \(NumberText.plain(min))"
        case let (nil, max?): return "≤ \(NumberText.plain(max))"
        case (nil, nil): return "no bound"
        }
    }

    private static func metrics(_ run: RunRecord) -> String {
        guard !run.metrics.isEmpty else { return "no metrics recorded" }
        var table = TextTable([.init("metric"), .init("value", .right), .init("unit")])
        for metric in run.metrics {
            table.append([metric.name, NumberText.plain(metric.value), metric.unit])
        }
        return table.render()
    }
}
