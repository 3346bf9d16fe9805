import ArgumentParser

extension CretoScale {
    /// Parses the command line, runs the chosen subcommand and exits with a code from ``ExitStatus``.
    /// First, where the kernel offers them, the process starts itself again with huge pages
    /// for its heap (see `HugePages`).
    ///
    /// Replaces ArgumentParser's `main()` so that a usage error (unknown flag, missing or bad
    /// argument) exits with 2, as every other bad input does, instead of 64; help and `--version`
    /// still print on stdout and exit with 0.
    public static func main() {
        HugePages.restartWithHugePagesIfUseful()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(with: error, duringParsing: true)
        }
        do {
            try command.run()
        } catch {
            exit(with: error, duringParsing: false)
        }
    }

    /// Prints what `error` calls for and exits with its code.
    private static func exit(with error: any Error, duringParsing: Bool) -> Never {
        guard let report = ExitStatus.report(for: error, duringParsing: duringParsing) else {
            exit(withError: error)  // help or version, on stdout
        }
        if let message = report.message { Terminal.error(message) }
        exit(withError: report.code)
    }
}
