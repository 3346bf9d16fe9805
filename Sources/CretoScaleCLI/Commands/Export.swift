import ArgumentParser
import Foundation
import ResultStore

/// `cretoscale export RUN`: writes one run as JSON (the whole run) or CSV (its metrics).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one run as JSON (the whole run) or CSV (its metrics).",
        discussion: """
            JSON holds everything recorded (scenario text, metrics, series, histogram, criteria), \
            byte for byte the same for the same run, so it suits a baseline kept in git: `compare`, \
            `show` and `export` read such a file in place of a run id. CSV has one line per metric:
              \(RunExport.csvHeader)

            Examples:
              cretoscale export 12 --format json --output baselines/lt-001.json
              cretoscale export LT-001@latest --format csv > lt-001.csv
              cretoscale compare baselines/lt-001.json LT-001@latest
            """
    )

    /// The file formats of an export.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// The whole run, readable by `compare` and `show`.
        case json
        /// The metrics only, for spreadsheets.
        case csv
    }

    @Argument(help: ArgumentHelp("The run: an id, latest, SCENARIO-ID@latest, or an exported JSON file.", valueName: "run"))
    var reference: String

    @Option(help: "The file format.")
    var format: Format = .json

    @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if output?.isEmpty == true { throw ValidationError("--output needs a file path, not an empty string") }
    }

    func run() throws {
        guard let record = try database.load([RunReference(parsing: reference)]).first else { return }
        let data: Data
        switch format {
        case .json: data = try RunExport.json(record)
        case .csv: data = Data(RunExport.csv(record).utf8)
        }
        guard let output else {
            Terminal.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
        let name = record.id.map { "run \($0)" } ?? "the run"
        Terminal.error("wrote \(name) (\(record.scenarioID)) as \(format.rawValue) to \(output)")
    }
}
