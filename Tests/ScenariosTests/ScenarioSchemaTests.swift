import Foundation
import Scenarios
import Testing

@Suite("JSON Schema")
struct ScenarioSchemaTests {
    /// `scenarios/schema.json` at the package root, found from this file's location.
    private static let committedSchemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ScenariosTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("scenarios/schema.json")

    @Test("The committed scenarios/schema.json is what the code generates")
    func committedSchemaIsCurrent() throws {
        let committed = try String(contentsOf: Self.committedSchemaURL, encoding: .utf8)
        let generated = ScenarioSchema.jsonSchema()
        let committedLines = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let generatedLines = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(committedLines, generatedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(committedLines.count, generatedLines.count)
        // Compared outside #expect so that a failure prints the hint, not two 1,000-line texts.
        let upToDate = committed == generated
        #expect(
            upToDate,
            """
            scenarios/schema.json is stale from line \(firstDifference + 1); \
            regenerate it with `cretoscale schema > scenarios/schema.json`
            """)
    }

    @Test("The schema is deterministic JSON with the expected top level")
    func schemaShape() throws {
        let text = ScenarioSchema.jsonSchema()
        #expect(text == ScenarioSchema.jsonSchema())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["additionalProperties"] as? Bool == false)
        #expect(object["required"] as? [String] == ["version", "id", "nodes"])
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == [
            "$schema", "version", "id", "name", "description", "category", "tags", "seed", "nodes", "duration",
            "warmup", "consensus", "network", "node", "workload", "byzantine", "detection", "faults", "series",
            "expect", "acceptance",
        ])
        let consensus = try #require(properties["consensus"] as? [String: Any])
        #expect(consensus["additionalProperties"] as? Bool == false)
        let consensusProperties = try #require(consensus["properties"] as? [String: Any])
        let k = try #require(consensusProperties["k"] as? [String: Any])
        #expect(k["default"] as? Int == 20)
        #expect(k["type"] as? String == "integer")
        let network = try #require((properties["network"] as? [String: Any])?["properties"] as? [String: Any])
        let profile = try #require(network["profile"] as? [String: Any])
        #expect(profile["enum"] as? [String] == ["local", "lan", "wan", "degraded"])
        #expect(profile["default"] as? String == "lan")
        let upload = try #require(network["uploadMbps"] as? [String: Any])
        #expect(upload["type"] as? [String] == ["number", "null"])
    }

    @Test("Every key the decoder accepts is described")
    func everyFieldHasADescription() throws {
        let text = ScenarioSchema.jsonSchema()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        func check(_ schema: [String: Any], path: String) {
            if let properties = schema["properties"] as? [String: Any], schema["type"] as? String == "object" {
                for (key, value) in properties {
                    guard let field = value as? [String: Any] else { continue }
                    #expect((field["description"] as? String)?.isEmpty == false, "\(path).\(key) has no description")
                    check(field, path: "\(path).\(key)")
                }
            }
            if let items = schema["items"] as? [String: Any] { check(items, path: path + "[]") }
        }
        check(object, path: "")
    }
}
