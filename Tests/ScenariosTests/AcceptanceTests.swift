import Scenarios
import Testing

@Suite("Acceptance verdicts")
struct AcceptanceTests {
    private func scenario(expect: String) throws -> Scenario {
        try decode(ScenariosTests.scenario(#"""
            "expect": "\#(expect)",
            "acceptance": [ { "metric": "safety.violations", "max": 0 }, { "metric": "tps.mean", "min": 90, "max": 110 } ]
            """#)).get()
    }

    @Test("Bounds are inclusive and NaN never meets them")
    func bounds() {
        let criterion = Scenario.Criterion(metric: "tps.mean", min: 90, max: 110)
        #expect(criterion.isMet(by: 90))
        #expect(criterion.isMet(by: 110))
        #expect(!criterion.isMet(by: 89.999))
        #expect(!criterion.isMet(by: 110.001))
        #expect(!criterion.isMet(by: .nan))
    }

    @Test("expect pass passes only when every criterion is met")
    func expectPass() throws {
        let scenario = try scenario(expect: "pass")
        #expect(scenario.verdict { ["safety.violations": 0, "tps.mean": 100][$0] }.passed)
        let failed = scenario.verdict { ["safety.violations": 1, "tps.mean": 100][$0] }
        #expect(!failed.passed)
        #expect(failed.outcomes.map(\.outcome) == [.unmet(1), .met(100)])
        #expect(!scenario.verdict { ["safety.violations": 0][$0] }.passed)
    }

    @Test("expect fail passes only when a criterion fails as expected")
    func expectFail() throws {
        let scenario = try scenario(expect: "fail")
        #expect(!scenario.verdict { ["safety.violations": 0, "tps.mean": 100][$0] }.passed)
        #expect(scenario.verdict { ["safety.violations": 3, "tps.mean": 100][$0] }.passed)
        let missing = scenario.verdict { ["safety.violations": 3][$0] }
        #expect(!missing.passed)
        #expect(missing.outcomes.map(\.outcome) == [.unmet(3), .missing])
    }

    @Test("A criterion marked pass in an expect fail scenario must hold: failing safely")
    func failSafely() throws {
        let scenario = try decode(ScenariosTests.scenario(#"""
            "expect": "fail",
            "acceptance": [ { "metric": "safety.violations", "max": 0, "expect": "pass" },
                            { "metric": "liveness.stalled", "max": 0 } ]
            """#)).get()
        #expect(scenario.acceptance[0].expect == .pass)
        #expect(scenario.acceptance[1].expect == nil)
        // Stalled, no violation: the expected, safe failure.
        #expect(scenario.verdict { ["safety.violations": 0, "liveness.stalled": 40][$0] }.passed)
        // Stalled and diverged: not safe.
        #expect(!scenario.verdict { ["safety.violations": 2, "liveness.stalled": 40][$0] }.passed)
        // Live and safe: the expected failure did not happen.
        #expect(!scenario.verdict { ["safety.violations": 0, "liveness.stalled": 0][$0] }.passed)
    }

    @Test("expect fail needs a criterion left to break")
    func failNeedsABreakableCriterion() {
        let found = issues(ScenariosTests.scenario(#"""
            "expect": "fail",
            "acceptance": [ { "metric": "safety.violations", "max": 0, "expect": "pass" } ]
            """#))
        #expect(found.contains { $0.path == "expect" })
    }
}
