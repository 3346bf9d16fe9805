import Simulation
import Testing

@Suite("Metric catalogue")
struct MetricCatalogTests {
    @Test("Every metric named in DESIGN.md and the extras is listed once")
    func names() {
        let expected = [
            "tps.mean", "tps.min", "tps.max", "tps.stddevPercent",
            "latency.p50", "latency.p95", "latency.p99", "latency.max",
            "finality.p50", "finality.p95", "finality.max", "finality.rounds.mean",
            "safety.violations", "liveness.stalled",
            "node.cpu.mean", "node.cpu.max", "node.memory.mean", "node.memory.max", "node.memory.growthPercent",
            "node.bandwidth.mean", "node.bandwidth.max",
            "messages.total", "messages.dropped", "recovery.seconds", "rejoin.p95", "uptime.percent",
            "byzantine.detection.recall", "byzantine.detection.falsePositiveRate", "byzantine.detection.seconds",
            "byzantine.nodes", "byzantine.stakeShare", "byzantine.doubleSpends",
            "transactions.submitted", "transactions.accepted", "transactions.rejected", "transactions.pending",
            "vertices.issued", "node.oom", "node.crashes",
            "faults.crashes", "faults.storageLosses", "clock.timestampError.max", "recovery.incomplete",
            "partition.sidesDeciding", "rejoin.max", "rejoin.count", "rejoin.incomplete",
            "disk.write.mean", "disk.write.max", "disk.read.max", "disk.utilization.mean", "disk.utilization.max",
            "disk.wait.p95", "disk.wait.max", "storage.size.mean", "storage.size.max", "storage.growthPercent",
            "storage.writeAmplification", "storage.compactions", "storage.reclaimed",
            "sim.events", "sim.eventsPerSecond", "sim.wallSeconds", "sim.speedup", "sim.rssMB",
        ]
        let names = MetricCatalog.all.map(\.name)
        #expect(Set(names) == Set(expected))
        #expect(names.count == expected.count)
    }

    @Test("Units follow the metric's kind", arguments: [
        ("tps.mean", "tx/s"), ("latency.p95", "ms"), ("finality.max", "ms"), ("node.memory.max", "MB"),
        ("node.cpu.mean", "%"), ("node.bandwidth.mean", "Mbps"), ("recovery.seconds", "s"), ("rejoin.p95", "s"),
        ("safety.violations", "count"), ("node.oom", "count"), ("uptime.percent", "%"), ("sim.rssMB", "MB"),
        ("disk.write.mean", "MB/s"), ("disk.utilization.max", "%"), ("disk.wait.p95", "ms"), ("storage.size.max", "MB"),
    ])
    func units(name: String, unit: String) {
        #expect(MetricCatalog.info(name)?.unit == unit)
    }

    @Test("Machine-dependent simulator figures are marked non-deterministic")
    func determinism() {
        for metric in MetricCatalog.all {
            let machineDependent = metric.name.hasPrefix("sim.") && metric.name != "sim.events"
            #expect(metric.deterministic == !machineDependent, "\(metric.name)")
        }
    }

    @Test("Directions say which way is better")
    func directions() {
        #expect(MetricCatalog.info("tps.mean")?.direction == .higherIsBetter)
        #expect(MetricCatalog.info("latency.p99")?.direction == .lowerIsBetter)
        #expect(MetricCatalog.info("transactions.submitted")?.direction == .neither)
        #expect(MetricCatalog.info("no.such.metric") == nil)
    }
}
