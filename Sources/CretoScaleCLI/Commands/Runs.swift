import ArgumentParser
import ResultStore

/// `cretoscale runs`: lists recorded runs, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs, newest first.",
        discussion: """
            One line per run: id, scenario, status, start time (UTC), wall-clock seconds, seed and \
            the first \(RunsCommand.digestPrefixLength) hex digits of the run digest (equal digests: \
            identical runs). The ids are what `show`, `export` and `compare` take.

            Examples:
              cretoscale runs
              cretoscale runs --scenario LT-001 --limit 5
              cretoscale runs --limit 0 --json > runs.json
              cretoscale runs --db /tmp/nightly.db
            """
    )

    /// How many digest characters the table shows.
    static let digestPrefixLength = 12

    @Option(help: ArgumentHelp("Only runs of this scenario id.", valueName: "id"))
    var scenario: String?

    @Option(help: ArgumentHelp("Show at most this many runs; 0 shows all.", valueName: "n"))
    var limit = 20

    @Flag(help: "Print a JSON array of run summaries on stdout.")
    var json = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more, not \(limit)") }
    }

    func run() throws {
        let store = try database.openExisting()
        // One more than asked tells the table whether there are runs it did not show.
        let (probe, overflow) = limit.addingReportingOverflow(1)
        let fetched = try store.runs(scenarioID: scenario, limit: limit == 0 || overflow ? nil : probe)
        let shown = limit == 0 ? fetched : Array(fetched.prefix(limit))
        if json {
            // Foundation pretty-prints an empty array across three lines.
            Terminal.write(shown.isEmpty ? "[]\n" : String(decoding: try JSONOutput.encode(shown), as: UTF8.self))
            return
        }
        guard !shown.isEmpty else {
            let which = scenario.map { "no runs of scenario \($0)" } ?? "no runs"
            Terminal.line("\(which) in \(store.path)")
            return
        }
        Terminal.line(Self.table(shown).render())
        if fetched.count > shown.count {
            Terminal.line("(\(limit) newest shown; --limit 0 lists all)")
        }
    }

    /// The run list as a table.
    static func table(_ runs: [RunSummary]) -> TextTable {
        var table = TextTable([
            .init("id", .right), .init("scenario"), .init("status"), .init("started"), .init("wall s", .right),
            .init("seed", .right), .init("digest"),
        ])
        for run in runs {
            table.append([
                String(run.id), run.scenarioID, run.status.rawValue, run.startedAt, NumberText.seconds(run.wallSeconds),
                String(run.seed), String(run.digest.prefix(digestPrefixLength)),
            ])
        }
        return table
    }
}
