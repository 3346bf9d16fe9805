import Foundation
import Scenarios
import Testing

/// Decodes `json`, returning the scenario or the issues it was rejected with.
func decode(
    _ json: String, capabilities: SimulatorCapabilities = .everything
) -> Result<Scenario, ScenarioError> {
    Result { () throws(ScenarioError) in try Scenario.decode(Data(json.utf8), capabilities: capabilities) }
}

/// The issues `json` is rejected with; empty when it decodes.
func issues(_ json: String, capabilities: SimulatorCapabilities = .everything) -> [ScenarioError.Issue] {
    switch decode(json, capabilities: capabilities) {
    case .success: return []
    case .failure(let error): return error.issues
    }
}

/// A minimal valid scenario with `extra` members added at the top level.
func scenario(_ extra: String = "") -> String {
    let members = extra.isEmpty ? "" : ", " + extra
    return #"{ "version": 1, "id": "LT-001", "nodes": 100"# + members + " }"
}

/// Expects exactly one issue, at `path`, whose message contains `fragment`.
func expectSingleIssue(
    _ json: String, path: String, contains fragment: String,
    capabilities: SimulatorCapabilities = .everything,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let found = issues(json, capabilities: capabilities)
    #expect(found.count == 1, "expected one issue, got \(found)", sourceLocation: sourceLocation)
    #expect(found.first?.path == path, "issues: \(found)", sourceLocation: sourceLocation)
    #expect(found.first?.message.contains(fragment) == true, "issues: \(found)", sourceLocation: sourceLocation)
}

/// Expects an issue at `path` whose message contains `fragment`, among possibly others.
func expectIssue(
    _ found: [ScenarioError.Issue], path: String, contains fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        found.contains { $0.path == path && $0.message.contains(fragment) },
        "no issue at \(path) containing \(fragment) in \(found)", sourceLocation: sourceLocation)
}
