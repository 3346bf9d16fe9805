import Foundation
import Testing

@testable import ResultStore

@Suite struct RunExportTests {
    @Test func jsonExportLoadsBackEqual() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = withID(Fixture.run(seed: .max), 17)
        let path = directory.path("run-17.json")

        try RunExport.json(run).write(to: URL(fileURLWithPath: path))
        let loaded = try RunExport.load(jsonAt: path)

        #expect(loaded == run)
        #expect(loaded.seed == UInt64.max)
    }

    @Test func jsonIsPrettySortedMarkedAndStable() throws {
        let run = Fixture.run()
        let data = try RunExport.json(run)
        let text = String(decoding: data, as: UTF8.self)

        #expect(text.hasPrefix("{\n  \"acceptance\" : ["))
        #expect(text.contains("\n  \"format\" : \"cretoscale-run\",\n  \"formatVersion\" : 1,\n"))
        #expect(text.contains("\"seed\" : 42,"))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("\"id\""), "an unsaved run has no id key")
        // Same run, same bytes: a baseline in git changes only when the run does.
        #expect(try RunExport.json(run) == data)

        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["scenarioID"] as? String == "LT-001")
        #expect((object["metrics"] as? [Any])?.count == 5)
    }

    @Test func aFileThatIsNotARunExportIsReportedClearly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        func loadError(_ contents: String) throws -> ResultStoreError? {
            let path = directory.path("input.json")
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: ResultStoreError.self) { try RunExport.load(jsonAt: path) }
            #expect(error?.kind == .invalidInput)
            #expect(error?.message.hasPrefix(path) == true)
            return error
        }

        #expect(try loadError("not json at all")?.message.contains("is not valid JSON") == true)
        #expect(try loadError("[1, 2]")?.message.contains("is not a JSON object") == true)
        #expect(try loadError(Fixture.scenarioJSON)?.message.contains("lacks the marker \"format\": \"cretoscale-run\"") == true)
        #expect(
            try loadError(#"{"format": "cretoscale-run", "formatVersion": 2}"#)?.message
                .contains("formatVersion 2; this version of cretoscale reads formatVersion 1") == true)

        var object = try #require(try JSONSerialization.jsonObject(with: RunExport.json(Fixture.run())) as? [String: Any])
        var metrics = try #require(object["metrics"] as? [[String: Any]])
        metrics[2]["value"] = "zero"
        object["metrics"] = metrics
        let badValue = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try loadError(badValue)?.message.contains("metrics[2].value is not a valid Double") == true)

        object.removeValue(forKey: "digest")
        metrics[2]["value"] = 0
        object["metrics"] = metrics
        let missingKey = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try loadError(missingKey)?.message.contains("digest is missing") == true)
    }

    @Test func loadingAMissingFileOrADirectoryNamesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        let missing = #expect(throws: ResultStoreError.self) { try RunExport.load(jsonAt: directory.path("none.json")) }
        #expect(missing?.message == "run export \(directory.path("none.json")) does not exist")
        let folder = #expect(throws: ResultStoreError.self) { try RunExport.load(jsonAt: directory.url.path) }
        #expect(folder?.message.contains("is a directory") == true)
    }

    @Test func exportRefusesValuesJSONCannotSpell() {
        var run = Fixture.run()
        run.metrics[0].value = .infinity
        let error = #expect(throws: ResultStoreError.self) { try RunExport.json(run) }
        #expect(error?.kind == .invalidRun)
    }

    @Test func csvHasAHeaderAndOneQuotedLinePerMetric() {
        var run = withID(Fixture.run(), 12)
        run.metrics.append(Metric(name: "odd,name", value: 1e-05, unit: "\"q\"", better: .neither, deterministic: false))

        let lines = RunExport.csv(run).split(separator: "\n", omittingEmptySubsequences: false)

        #expect(lines.count == 1 + run.metrics.count + 1)
        #expect(lines.last == "")
        #expect(lines[0] == "run_id,scenario_id,metric,value,unit,direction,deterministic")
        #expect(lines[1] == "12,LT-001,tps.mean,99.5,tx/s,higherIsBetter,true")
        #expect(lines[3] == "12,LT-001,safety.violations,0.0,,lowerIsBetter,true")
        #expect(lines[4] == "12,LT-001,messages.total,12345678.0,,neither,true")
        #expect(lines[6] == "12,LT-001,\"odd,name\",1e-05,\"\"\"q\"\"\",neither,false")
    }

    @Test func csvOfAnUnsavedRunLeavesTheIDEmpty() {
        let csv = RunExport.csv(Fixture.run(metrics: [Fixture.metrics()[0]]))
        #expect(csv == "run_id,scenario_id,metric,value,unit,direction,deterministic\n,LT-001,tps.mean,99.5,tx/s,higherIsBetter,true\n")
    }
}
