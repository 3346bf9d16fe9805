import ArgumentParser
import Scenarios

/// `cretoscale validate FILE…`: checks scenario files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them.",
        discussion: """
            Each file is decoded and validated exactly as `run` would: unknown keys, bad values, \
            parameter relations and features this build of the simulator cannot run yet are all \
            reported, each with its path in the file. A valid file prints one line on stdout:
              FILE: ok (ID, N nodes, DURATION)
            An invalid one prints one line per problem on stderr:
              FILE: PATH: MESSAGE
            The exit code is 2 when any file is invalid, 0 when all are valid.

            Examples:
              cretoscale validate scenarios/lt-001.json
              cretoscale validate scenarios/*.json
            """
    )

    @Argument(help: ArgumentHelp("Scenario files to check.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file to validate") }
    }

    func run() throws {
        var invalid = 0
        for file in files {
            do {
                let scenario = try Scenario.load(path: file)
                Terminal.line("\(file): ok (\(scenario.id), \(scenario.nodes) nodes, \(scenario.duration))")
            } catch {
                invalid += 1
                Terminal.error(error.description)
            }
        }
        guard invalid > 0 else { return }
        if files.count > 1 {
            Terminal.error("\(invalid) of \(files.count) scenario files are invalid")
        }
        throw ExitStatus.badInput
    }
}
