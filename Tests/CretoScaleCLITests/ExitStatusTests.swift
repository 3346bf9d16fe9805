import ArgumentParser
import ResultStore
import Scenarios
import Testing

@testable import CretoScaleCLI

@Suite("exit codes and tables")
struct ExitStatusTests {
    @Test func codesAreTheDocumentedOnes() {
        #expect(ExitStatus.success.rawValue == 0)
        #expect(ExitStatus.failed.rawValue == 1)
        #expect(ExitStatus.badInput.rawValue == 2)
        #expect(ExitStatus.internalError.rawValue == 3)
    }

    @Test func resultStoreKindsMapToInputOrInternal() {
        let cases: [(ResultStoreError.Kind, Int32)] = [(.runNotFound, 2), (.invalidInput, 2), (.invalidRun, 3), (.database, 3)]
        for (kind, code) in cases {
            let report = ExitStatus.report(for: ResultStoreError(kind, "what happened"), duringParsing: false)
            #expect(report?.code.rawValue == code, "\(kind)")
            #expect(report?.message == "error: what happened")
        }
    }

    @Test func scenarioErrorsPrintOneLinePerIssue() {
        let error = ScenarioError(
            file: "a.json",
            issues: [.init(path: "nodes", message: "must be ≥ 1"), .init(path: "workload.tps", message: "must be > 0")])
        let report = ExitStatus.report(for: error, duringParsing: false)
        #expect(report?.code == ExitStatus.badInput)
        #expect(report?.message == "a.json: nodes: must be ≥ 1\na.json: workload.tps: must be > 0")
    }

    @Test func validationErrorsAreBadInputAndExitCodesPassThrough() {
        #expect(ExitStatus.report(for: ValidationError("bad --limit"), duringParsing: false) == .init(message: "error: bad --limit", code: ExitStatus.badInput))
        #expect(ExitStatus.report(for: ExitStatus.failed, duringParsing: false) == .init(message: nil, code: ExitStatus.failed))
    }

    @Test func unknownErrorsAreInternal() {
        struct Surprise: Error, CustomStringConvertible { var description: String { "disk on fire" } }
        #expect(ExitStatus.report(for: Surprise(), duringParsing: false) == .init(message: "internal error: disk on fire", code: ExitStatus.internalError))
    }

    @Test func parserOutcomesAreHelpOrUsageErrors() throws {
        // A help request is ArgumentParser's to print, with exit code 0.
        do {
            _ = try CretoScale.parseAsRoot(["runs", "--help"])
        } catch {
            #expect(ExitStatus.report(for: error, duringParsing: true) == nil)
        }
        // A usage error carries the usage and exits with 2, not ArgumentParser's 64.
        do {
            _ = try CretoScale.parseAsRoot(["runs", "--bogus"])
            Issue.record("--bogus parsed")
        } catch {
            let report = try #require(ExitStatus.report(for: error, duringParsing: true))
            #expect(report.code == ExitStatus.badInput)
            #expect(report.message?.contains("Usage: cretoscale runs") == true, "\(report)")
        }
        // A validation error from a command's validate() arrives wrapped, and is still a usage error.
        do {
            _ = try CretoScale.parseAsRoot(["compare", "1", "2", "--tolerance=-1"])
            Issue.record("a negative tolerance parsed")
        } catch {
            let report = try #require(ExitStatus.report(for: error, duringParsing: true))
            #expect(report.code == ExitStatus.badInput)
            #expect(report.message?.contains("--tolerance must be a percentage of 0 or more") == true, "\(report)")
        }
    }

    @Test func tableAlignsColumnsAndTrimsTrailingSpaces() {
        var table = TextTable([.init("name"), .init("value", .right), .init("unit")])
        table.append(["latency.p95", "412.5", "ms"])
        table.append(["tps", "99", ""])
        #expect(table.render() == """
            name         value  unit
            ------------------------
            latency.p95  412.5  ms
            tps             99
            """)
        table.showsHeader = false
        table.indent = "> "
        #expect(table.render() == "> latency.p95  412.5  ms\n> tps             99")
    }

    @Test func numbersReadWell() {
        #expect(NumberText.plain(1_234_567) == "1234567")
        #expect(NumberText.plain(412.25) == "412.25")
        #expect(NumberText.plain(2.0 / 3) == "0.6667")
        #expect(NumberText.plain(12.5004) == "12.5")
        #expect(NumberText.plain(0.000125) == "0.000125")
        #expect(NumberText.signed(80) == "+80")
        #expect(NumberText.signed(-0.5) == "-0.5")
        #expect(NumberText.signedPercent(20) == "+20.0%")
        #expect(NumberText.signedPercent(0) == "0.0%")
        #expect(NumberText.signedPercent(-25) == "-25.0%")
    }
}
