import ArgumentParser
import ResultStore
import Scenarios

/// The exit codes of `cretoscale`, and the one place that decides which error gets which.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | all good |
/// | 1 | an acceptance criterion failed, or `compare` found a regression |
/// | 2 | bad input: a flag, a file, a run reference, a missing database |
/// | 3 | internal error: a failure of the tool or its environment, not of the input |
enum ExitStatus {
    /// Everything went as expected.
    static let success = ExitCode.success
    /// A run's acceptance criteria did not come out as expected, or a comparison found a regression.
    static let failed = ExitCode(1)
    /// The user gave something unusable: a flag, a scenario file, a run reference, a database path.
    static let badInput = ExitCode(2)
    /// The tool failed: a database it cannot read or write, a bug.
    static let internalError = ExitCode(3)

    /// What to print on stderr for an error, and the code to exit with.
    struct Report: Equatable {
        /// The diagnostic, possibly several lines; `nil` when the command already said everything.
        var message: String?
        /// The process exit code.
        var code: ExitCode
    }

    /// The diagnostic and exit code for an error from parsing (`duringParsing`) or running a command;
    /// `nil` for a help or version request, which ArgumentParser prints on stdout with exit code 0.
    ///
    /// `ExitCode` errors are a command's deliberate outcome and print nothing. Anything that goes
    /// wrong while parsing is a usage error: ArgumentParser's message with the usage, exit code 2
    /// (ArgumentParser alone would exit with 64). An error of a type not listed here, thrown while
    /// running, is an internal error.
    static func report(
        for error: any Error, duringParsing: Bool, root: any ParsableCommand.Type = CretoScale.self
    ) -> Report? {
        switch error {
        case let code as ExitCode:
            return Report(message: nil, code: code)
        case let error as ScenarioError:
            // Already one `file: path: message` line per issue.
            return Report(message: error.description, code: badInput)
        case let error as ResultStoreError:
            return Report(message: "error: \(error.message)", code: code(for: error.kind))
        case let error as ValidationError where !duringParsing:
            return Report(message: "error: \(error.message)", code: badInput)
        default:
            // ArgumentParser's own errors (help, version, usage) are internal types of that
            // library, told apart by the exit code it would use for them.
            let parserCode = root.exitCode(for: error)
            if parserCode == .success { return nil }
            if duringParsing || parserCode == .validationFailure {
                return Report(message: root.fullMessage(for: error), code: badInput)
            }
            return Report(message: "internal error: \(error)", code: internalError)
        }
    }

    /// The exit code for a result-store failure: what the user named is bad input, the rest is internal.
    static func code(for kind: ResultStoreError.Kind) -> ExitCode {
        switch kind {
        case .runNotFound, .invalidInput: return badInput
        case .invalidRun, .database: return internalError
        }
    }
}
