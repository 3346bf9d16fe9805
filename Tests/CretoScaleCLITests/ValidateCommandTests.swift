import Foundation
import Testing

@Suite("validate and schema")
struct ValidateCommandTests {
    static let valid = #"{ "version": 1, "id": "TT-001", "nodes": 100, "duration": "90s" }"#
    static let invalid = #"{ "version": 1, "id": "TT-002", "nodes": 100, "workload": { "tps": -5 } }"#

    @Test func validFileIsReportedOnStdoutAndExitsZero() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write("ok.json", Self.valid)

        let result = try scratch.run("validate", file)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(file): ok (TT-001, 100 nodes, 90s)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func invalidFileNamesThePathOnStderrAndExitsTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let good = try scratch.write("ok.json", Self.valid)
        let bad = try scratch.write("bad.json", Self.invalid)

        let result = try scratch.run("validate", good, bad)

        #expect(result.status == 2)
        #expect(result.stdout == "\(good): ok (TT-001, 100 nodes, 90s)\n")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("\(bad): workload.tps: ") == true, "stderr: \(result.stderr)")
        #expect(lines.last == "1 of 2 scenario files are invalid")
    }

    @Test func missingFileIsBadInput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try scratch.run("validate", scratch.path("absent.json"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("absent.json"))
        #expect(result.stderr.contains("no such file"))
    }

    @Test func everyIssueGetsItsOwnLine() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "two.json", #"{ "version": 1, "id": "TT-003", "nodes": 100, "workload": { "tps": 0 }, "colour": "red" }"#)

        let result = try scratch.run("validate", file)

        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "stderr: \(result.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("\(file): ") })
        #expect(lines.contains { $0.hasPrefix("\(file): colour: ") })
        #expect(lines.contains { $0.hasPrefix("\(file): workload.tps: ") })
    }

    @Test func schemaPrintsTheCommittedSchemaExactly() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let committed = try String(
            contentsOf: Tool.packageRoot.appendingPathComponent("scenarios/schema.json"), encoding: .utf8)

        let result = try scratch.run("schema")

        #expect(result.status == 0)
        #expect(result.stdout == committed)
        #expect(result.stderr.isEmpty)
    }
}

@Suite("usage errors")
struct UsageErrorTests {
    @Test(arguments: [
        ["runs", "--bogus"],
        ["validate"],
        ["compare", "1"],
        ["runs", "--limit=-1"],
        ["runs", "--limit", "many"],
        ["compare", "1", "2", "--tolerance=-5"],
        ["compare", "1", "2", "--tolerance", "nan"],
        ["compare", "1", "2", "--json", "--markdown"],
        ["export", "1", "--format", "xml"],
        ["no-such-command"],
    ])
    func badFlagsExitTwoWithUsageOnStderr(arguments: [String]) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }

        let result = try Tool.run(arguments, in: scratch.url)

        #expect(result.status == 2, "\(arguments): stderr \(result.stderr)")
        #expect(result.stderr.contains("Error:"), "\(arguments): stderr \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try scratch.contents().isEmpty, "a usage error must not create files")
    }

    @Test func unknownFlagIsNamed() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try scratch.run("runs", "--bogus")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--bogus"))
        #expect(result.stderr.contains("Usage: cretoscale runs"))
    }

    @Test func helpExitsZeroOnStdoutWithExamples() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for command in ["validate", "schema", "runs", "show", "export", "compare"] {
            let result = try scratch.run(command, "--help")
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("Examples:"), "\(command) --help has no examples")
            #expect(result.stdout.contains("cretoscale \(command)"), "\(command)")
        }
        let root = try scratch.run("help", "compare")
        #expect(root.status == 0)
        #expect(root.stdout.contains("--tolerance"))
    }
}
