import Foundation
import Testing

@testable import ResultStore

@Suite struct RunComparisonTests {
    private func run(id: Int64, _ metrics: [Metric]) -> RunRecord {
        withID(Fixture.run(metrics: metrics), id)
    }

    private func metric(_ name: String, _ value: Double, _ better: MetricDirection, deterministic: Bool = true) -> Metric {
        Metric(name: name, value: value, unit: "u", better: better, deterministic: deterministic)
    }

    /// The verdict for one metric going from `old` to `new`.
    private func verdict(_ old: Double, _ new: Double, _ better: MetricDirection, tolerance: Double = 10)
        -> RunComparison.Verdict?
    {
        let comparison = RunComparison(
            baseline: run(id: 1, [metric("m", old, better)]), candidate: run(id: 2, [metric("m", new, better)]),
            tolerancePercent: tolerance)
        return comparison.rows.first?.verdict
    }

    @Test(arguments: [
        (100.0, 111.0, RunComparison.Verdict.better),
        (100, 110, .same),  // exactly the tolerance is not beyond it
        (100, 110.000001, .better),
        (100, 100, .same),
        (100, 90, .same),
        (100, 89.999999, .worse),
        (100, 50, .worse),
        (-100, -89, .better),  // a negative baseline moves by |b| · t
        (-100, -111, .worse),
    ])
    func higherIsBetterVerdicts(old: Double, new: Double, expected: RunComparison.Verdict) {
        #expect(verdict(old, new, .higherIsBetter) == expected)
    }

    @Test(arguments: [
        (200.0, 220.0, RunComparison.Verdict.same),
        (200, 220.001, .worse),
        (200, 180, .same),
        (200, 179.999, .better),
        (0.3, 0.33, .same),  // 10 % of 0.3 is exactly the change, despite binary fractions
        (0.3, 0.331, .worse),
    ])
    func lowerIsBetterVerdicts(old: Double, new: Double, expected: RunComparison.Verdict) {
        #expect(verdict(old, new, .lowerIsBetter) == expected)
    }

    @Test func zeroBaselinesUseTheAbsoluteRule() {
        #expect(verdict(0, 0, .lowerIsBetter) == .same)
        #expect(verdict(0, 1, .lowerIsBetter) == .worse)  // safety.violations 0 → 1
        #expect(verdict(0, 0.001, .lowerIsBetter, tolerance: 50) == .worse)
        #expect(verdict(0, -1, .lowerIsBetter) == .better)
        #expect(verdict(0, 5, .higherIsBetter) == .better)
        #expect(verdict(0, -5, .higherIsBetter) == .worse)
        let row = RunComparison(
            baseline: run(id: 1, [metric("safety.violations", 0, .lowerIsBetter)]),
            candidate: run(id: 2, [metric("safety.violations", 3, .lowerIsBetter)]), tolerancePercent: 10
        ).rows[0]
        #expect(row.delta == 3)
        #expect(row.deltaPercent == nil)
    }

    @Test func zeroToleranceCountsAnyChange() {
        #expect(verdict(100, 100.0001, .lowerIsBetter, tolerance: 0) == .worse)
        #expect(verdict(100, 100, .lowerIsBetter, tolerance: 0) == .same)
    }

    @Test func metricsWithoutADirectionAreInformationOnly() {
        #expect(verdict(100, 1_000_000, .neither) == .info)
        #expect(verdict(0, -7, .neither) == .info)
        let comparison = RunComparison(
            baseline: run(id: 1, [metric("messages.total", 1, .neither)]),
            candidate: run(id: 2, [metric("messages.total", 1e9, .neither)]), tolerancePercent: 10)
        #expect(!comparison.hasRegression)
    }

    @Test func nonFiniteValuesAreWorseUnlessUnchanged() {
        #expect(verdict(100, .nan, .higherIsBetter) == .worse)
        #expect(verdict(.infinity, .infinity, .lowerIsBetter) == .same)
        #expect(verdict(.nan, .nan, .lowerIsBetter) == .same)
    }

    @Test func rowsFollowTheBaselineThenTheAddedMetrics() throws {
        let baseline = run(id: 3, [
            metric("a", 1, .higherIsBetter), metric("gone", 5, .lowerIsBetter), metric("c", 10, .lowerIsBetter),
        ])
        let candidate = run(id: 4, [
            metric("new2", 7, .neither), metric("c", 10, .lowerIsBetter), metric("a", 2, .higherIsBetter),
            metric("new1", 8, .lowerIsBetter),
        ])

        let comparison = RunComparison(baseline: baseline, candidate: candidate, tolerancePercent: 10)

        #expect(comparison.rows.map(\.name) == ["a", "gone", "c", "new2", "new1"])
        #expect(comparison.rows.map(\.verdict) == [.better, .removed, .same, .added, .added])
        let removed = comparison.rows[1]
        #expect(removed.baseline == 5 && removed.candidate == nil && removed.delta == nil)
        let added = comparison.rows[4]
        #expect(added.baseline == nil && added.candidate == 8 && added.deltaPercent == nil)
        #expect(comparison.rows[0].delta == 1 && comparison.rows[0].deltaPercent == 100)
        #expect(!comparison.hasRegression, "added and removed metrics are not regressions")
        #expect(comparison.baselineLabel == "run 3 (LT-001)")
        #expect(comparison.candidateID == 4)
    }

    @Test func hasRegressionIsTrueExactlyWhenARowIsWorse() {
        let values: [Double] = [0, 50, 95, 100, 105, 150]
        for old in values {
            for new in values {
                for better in MetricDirection.allCases {
                    let comparison = RunComparison(
                        baseline: run(id: 1, [metric("x", old, better), metric("steady", 1, .lowerIsBetter)]),
                        candidate: run(id: 2, [metric("x", new, better), metric("steady", 1, .lowerIsBetter)]),
                        tolerancePercent: 10)
                    let worse = comparison.rows.contains { $0.verdict == .worse }
                    #expect(comparison.hasRegression == worse)
                    let expectedWorse: Bool
                    switch better {
                    case .neither: expectedWorse = false
                    case .higherIsBetter: expectedWorse = old == 0 ? new < 0 : new < old * 0.9
                    case .lowerIsBetter: expectedWorse = old == 0 ? new > 0 : new > old * 1.1
                    }
                    #expect(comparison.hasRegression == expectedWorse, "\(old) → \(new), \(better)")
                }
            }
        }
    }

    @Test func deterministicOnlyDropsWallClockMetrics() {
        let baseline = run(id: 1, Fixture.metrics())
        var slower = Fixture.metrics()
        slower[4].value = 30  // sim.wallSeconds: ten times slower, but not deterministic

        let all = RunComparison(baseline: baseline, candidate: run(id: 2, slower), tolerancePercent: 10)
        let deterministic = RunComparison(
            baseline: baseline, candidate: run(id: 2, slower), tolerancePercent: 10, deterministicOnly: true)

        #expect(all.hasRegression)
        #expect(!deterministic.hasRegression)
        #expect(deterministic.rows.map(\.name) == ["tps.mean", "latency.p95", "safety.violations", "messages.total"])
    }

    @Test func notesSayWhenTheRunsAreNotLikeForLike() {
        var baseline = Fixture.run()
        var candidate = Fixture.run(seed: 7)
        candidate.toolVersion = "0.5.0"
        candidate.overrides = ["nodes": "5000"]
        candidate.metrics[1].unit = "s"

        let comparison = RunComparison(baseline: baseline, candidate: candidate, tolerancePercent: 10)

        #expect(comparison.notes == [
            "the seeds differ: 42 and 7",
            "the command-line overrides differ: duration=60s nodes=100 and nodes=5000",
            "the tool versions differ: 0.4.0 and 0.5.0",
            "latency.p95: unit changed from 'ms' to 's'",
        ])
        baseline.scenarioID = "LT-002"
        #expect(
            RunComparison(baseline: baseline, candidate: Fixture.run(), tolerancePercent: 10).notes
                == ["the runs are of different scenarios: LT-002 and LT-001"])
        #expect(RunComparison(baseline: Fixture.run(), candidate: Fixture.run(), tolerancePercent: 10).notes.isEmpty)
    }

    @Test func aChangedScenarioIsDescribedSettingBySetting() {
        let baseline = Fixture.run()
        var candidate = Fixture.run()
        candidate.scenarioHash = "0a1b"
        candidate.scenarioJSON = """
            { "$schema": "../schema.json", "version": 1, "id": "LT-001", "name": "Constant 100 TPS", "nodes": 1000,
              "duration": "10m", "workload": { "pattern": "constant", "tps": 150 },
              "consensus": { "pollOnIssue": true },
              "acceptance": [ { "metric": "tps.mean", "min": 95 } ] }
            """
        #expect(RunComparison(baseline: baseline, candidate: candidate, tolerancePercent: 10).notes == [
            "the scenario text differs between the runs (hash 9f2c4e1a7b3d5f60 → 0a1b): "
                + #"acceptance [{"metric":"tps.mean","min":95},{"max":… → [{"metric":"tps.mean","min":95}], "#
                + "consensus.pollOnIssue absent → true, workload.tps 100 → 150",
        ])
        candidate.scenarioJSON = Fixture.scenarioJSON.replacingOccurrences(of: "\n", with: " ")
        #expect(RunComparison.settingChanges(from: Fixture.scenarioJSON, to: candidate.scenarioJSON)
                == "the same settings, laid out differently")
        #expect(RunComparison.settingChanges(from: "not json", to: Fixture.scenarioJSON) == nil)
    }

    @Test func markdownShowsEveryMetricWithItsVerdict() {
        var metrics = Fixture.metrics(tps: 80, p95: 412.25)
        metrics.append(Metric(name: "a|b", value: 0.000123456, unit: "ms", better: .neither, deterministic: true))
        let comparison = RunComparison(
            baseline: run(id: 12, Fixture.metrics()), candidate: run(id: 15, metrics), tolerancePercent: 10)

        let markdown = comparison.markdown()
        let lines = markdown.split(separator: "\n").map(String.init)

        #expect(lines[0] == "## run 12 (LT-001) → run 15 (LT-001)")
        #expect(lines[1] == "**Regression** at a tolerance of 10 %: 0 better, 3 same, 1 worse, 1 info, 1 added, 0 removed.")
        #expect(lines.contains("| metric | unit | baseline | candidate | Δ | Δ % | better | verdict |"))
        #expect(lines.contains("| tps.mean | tx/s | 99.5 | 80 | -19.5 | -19.598 % | higher | **worse** |"))
        #expect(lines.contains("| latency.p95 | ms | 412.25 | 412.25 | 0 | 0 % | lower | same |"))
        #expect(lines.contains("| messages.total |  | 12345678 | 12345678 | 0 | 0 % | – | info |"))
        #expect(lines.contains("| a\\|b | ms | – | 0.0001235 | – | – | – | added |"))
        #expect(lines.count == 4 + 6)
    }

    @Test func comparisonEncodesToJSONForMachines() throws {
        let comparison = RunComparison(
            baseline: run(id: 1, [metric("m", 100, .higherIsBetter)]),
            candidate: run(id: 2, [metric("m", 50, .higherIsBetter)]), tolerancePercent: 5)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]

        let text = String(decoding: try encoder.encode(comparison), as: UTF8.self)

        #expect(text.contains("\"hasRegression\":true"))
        #expect(text.contains("\"verdict\":\"worse\""))
        #expect(text.contains("\"deltaPercent\":-50"))
        #expect(try JSONDecoder().decode(RunComparison.self, from: Data(text.utf8)) == comparison)
    }

    @Test func numbersAreFormattedForPeople() {
        #expect(RunComparison.format(12) == "12")
        #expect(RunComparison.format(-0.0) == "0")
        #expect(RunComparison.format(12.3456) == "12.346")
        #expect(RunComparison.format(12.5) == "12.5")
        #expect(RunComparison.format(0.5) == "0.5")
        #expect(RunComparison.format(0.000123456) == "0.0001235")
        #expect(RunComparison.format(1e20) == "100000000000000000000")
    }
}
