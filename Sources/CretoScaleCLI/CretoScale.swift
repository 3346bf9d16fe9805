import ArgumentParser

/// The `cretoscale` command: scale tests of QR-Avalanche in a deterministic simulation.
public struct CretoScale: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cretoscale",
        abstract: "Scale-test the QR-Avalanche consensus protocol in a deterministic simulation.",
        version: ToolVersion.current,
        subcommands: [RunCommand.self, 
            ValidateCommand.self, SchemaCommand.self, RunsCommand.self, ShowCommand.self, ExportCommand.self,
            CompareCommand.self, Bench.self,
        ]
    )

    public init() {}
}

/// The version recorded with every run.
public enum ToolVersion {
    /// The tool's version string.
    public static let current = "0.1.0"
}
