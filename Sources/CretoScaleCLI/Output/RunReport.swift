import Foundation
import ResultStore
import Scenarios
import Simulation

/// The summary printed after a run: the verdict, each criterion with its value, the main
/// figures, and how to find the run again.
enum RunReport {
    /// The figures shown besides the criteria, in this order.
    static let mainMetrics = [
        "tps.mean", "latency.p50", "latency.p95", "latency.p99", "finality.p95", "finality.rounds.mean",
        "safety.violations", "liveness.stalled", "node.cpu.mean", "node.memory.max", "node.bandwidth.mean",
        "messages.total", "transactions.submitted", "transactions.accepted",
    ]

    static func render(_ outcome: ScenarioRun.Outcome, scenario: Scenario, database: String) -> String {
        let record = outcome.record
        let met = record.status == .passed
        let expectation = scenario.expect == .pass ? "criteria met" : "criteria failed, as expected"
        var lines: [String] = []
        let verdict = met ? "✓ PASS" : "✗ FAIL"
        lines.append("\(verdict)  \(scenario.id) — \(scenario.name)  (run \(record.id.map(String.init) ?? "?"), expect \(scenario.expect.rawValue))")
        if !met {
            lines.append(scenario.expect == .pass ? "  acceptance criteria not met" : "  expected the criteria to fail, but they held")
        } else {
            lines.append("  \(expectation)")
        }

        var criteria = TextTable([.init(""), .init("criterion"), .init("value", .right), .init("unit"), .init("rule")])
        criteria.indent = "  "
        for (criterion, outcome) in outcome.verdict.outcomes {
            let value = outcome == .missing ? "not measured" : outcome.valueText(record, criterion.metric)
            let mark = outcome.isMet ? "✓" : "✗"
            criteria.append([mark, criterion.metric, value, unit(criterion.metric), rule(criterion)])
        }
        if !outcome.verdict.outcomes.isEmpty {
            lines.append("")
            lines.append(criteria.render())
        }
        if outcome.verdict.outcomes.contains(where: { $0.outcome == .missing }) {
            lines.append("  not measured: nothing the figure measures happened after the warm-up; its criterion is not met")
        }

        var figures = TextTable([.init("metric"), .init("value", .right), .init("unit")])
        figures.indent = "  "
        for name in mainMetrics {
            guard let metric = record.metric(named: name) else { continue }
            figures.append([name, NumberText.plain(metric.value), metric.unit])
        }
        lines.append("")
        lines.append(figures.render())
        let r = outcome.result
        lines.append("")
        let shards = record.overrides["shards"].flatMap { Int($0) } ?? 1
        let cluster = shards > 1 ? "\(scenario.nodes) nodes in \(shards) shards" : "\(scenario.nodes) nodes"
        lines.append(String(format: "  %@ · %.0f s simulated in %.1f s wall (%.2f× real time) · %.1f M events (%.2f M/s)",
                            cluster, r.simulatedSeconds, record.wallSeconds, r.simulatedSeconds / record.wallSeconds,
                            Double(r.events) / 1e6, Double(r.events) / 1e6 / record.wallSeconds))
        lines.append("  seed \(record.seed) · digest \(record.digest.prefix(16))… · saved to \(database)")
        if let id = record.id { lines.append("  see it again: cretoscale show \(id)") }
        return lines.joined(separator: "\n")
    }

    private static func unit(_ metric: String) -> String { MetricCatalog.info(metric)?.unit ?? "" }

    private static func rule(_ criterion: Scenario.Criterion) -> String {
        switch (criterion.min, criterion.max) {
        case let (min?, max?): "\(NumberText.plain(min)) … \(NumberText.plain(max))"
        case let (min?, nil): "≥ \(NumberText.plain(min))"
        case let (nil, max?): "≤ \(NumberText.plain(max))"
        case (nil, nil): ""
        }
    }
}

private extension Scenario.Criterion.Outcome {
    func valueText(_ record: RunRecord, _ metric: String) -> String {
        record.metric(named: metric).map { NumberText.plain($0.value) } ?? "—"
    }
}
