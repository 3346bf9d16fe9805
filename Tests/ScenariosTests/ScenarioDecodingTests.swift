import Foundation
import Scenarios
import Simulation
import Testing

/// The example of DESIGN.md, with its fault list passed in.
private func designExample(faults: String) -> String {
    """
    { "version": 1, "id": "CT-002", "name": "50/50 partition, then heal",
      "category": "chaos", "tags": ["ci"], "seed": 42,
      "nodes": 1000, "duration": "60m", "warmup": "30s",
      "consensus": { "k": 20, "alphaPreference": 15, "alphaConfidence": 15, "beta": 20,
                     "concurrentRepolls": 4, "parents": 5, "batchSize": 30, "pruning": true },
      "network":   { "profile": "lan", "lossRate": 0.0001, "uploadMbps": 100 },
      "workload":  { "pattern": "constant", "tps": 100, "payloadBytes": 256, "conflictRate": 0.01 },
      "byzantine": { "fraction": 0.0, "behavior": "random-voting" },
      "faults":    \(faults),
      "expect": "pass",
      "acceptance": [ { "metric": "safety.violations", "max": 0 },
                      { "metric": "recovery.seconds", "max": 60 } ] }
    """
}

private let partitionFault = #"[ { "kind": "partition", "at": "10m", "for": "10m", "groups": [0.5, 0.5] } ]"#

@Suite("Decoding scenarios")
struct ScenarioDecodingTests {
    @Test("The DESIGN.md example decodes with its values and the defaults")
    func designExampleDecodes() throws {
        let scenario = try Scenario.decode(Data(designExample(faults: "[]").utf8), capabilities: .current)
        #expect(scenario.id == "CT-002")
        #expect(scenario.name == "50/50 partition, then heal")
        #expect(scenario.description == "")
        #expect(scenario.category == .chaos)
        #expect(scenario.tags == ["ci"])
        #expect(scenario.seed == 42)
        #expect(scenario.nodes == 1000)
        #expect(scenario.duration.nanoseconds == 3_600_000_000_000)
        #expect(scenario.warmup.nanoseconds == 30_000_000_000)

        let consensus = scenario.consensus
        #expect(consensus.k == 20)
        #expect(consensus.alphaPreference == 15)
        #expect(consensus.alphaConfidence == 15)
        #expect(consensus.beta == 20)
        #expect(consensus.concurrentRepolls == 4)
        #expect(consensus.parents == 5)
        #expect(consensus.batchSize == 30)
        #expect(consensus.batchInterval == .milliseconds(50))
        #expect(consensus.optimalProcessing == nil)
        #expect(consensus.pollTimeout == .seconds(2))
        #expect(consensus.pruning)
        #expect(consensus.signature == .mlDSA87)

        #expect(scenario.network.profile == .lan)
        #expect(scenario.network.lossRate == 0.0001)
        #expect(scenario.network.uploadMbps == 100)
        #expect(scenario.network.minLatency == .milliseconds(1))
        #expect(scenario.network.maxLatency == .milliseconds(10))
        #expect(scenario.network.regions == 1)

        #expect(scenario.workload.pattern == .constant)
        #expect(scenario.workload.tps == 100)
        #expect(scenario.workload.peakTps == nil)
        #expect(scenario.workload.payloadBytes == 256)
        #expect(scenario.workload.conflictRate == 0.01)

        #expect(scenario.byzantine.fraction == 0)
        #expect(scenario.byzantine.behavior == .randomVoting)
        #expect(scenario.detection.enabled == false)
        #expect(scenario.faults.isEmpty)
        #expect(scenario.series.interval == .seconds(1))
        #expect(scenario.expect == .pass)
        #expect(scenario.acceptance == [
            Scenario.Criterion(metric: "safety.violations", max: 0),
            Scenario.Criterion(metric: "recovery.seconds", max: 60),
        ])
    }

    @Test("The DESIGN.md partition fault is refused by a simulator without partitions")
    func partitionIsNotSupportedYet() {
        let found = issues(designExample(faults: partitionFault), capabilities: SimulatorCapabilities())
        #expect(found == [
            ScenarioError.Issue(path: "faults[0].kind", message: "\"partition\" is not supported by this simulator yet")
        ])
    }

    @Test("The DESIGN.md partition fault decodes: this simulator runs partitions")
    func partitionDecodesWhenSupported() throws {
        let scenario = try Scenario.decode(Data(designExample(faults: partitionFault).utf8), capabilities: .current)
        #expect(scenario.faults.count == 1)
        let fault = try #require(scenario.faults.first)
        #expect(fault.kind == .partition)
        #expect(fault.at == .seconds(600))
        #expect(fault.duration == .seconds(600))
        #expect(fault.every == nil)
        #expect(fault.until == nil)
        #expect(fault.groups == [0.5, 0.5])
        #expect(fault.oneWay == false)
        #expect(fault.target == .all)
    }

    @Test("optimalProcessing reaches the simulator; null is no limit; a value below 1 is refused at its path")
    func optimalProcessingDecodes() throws {
        let decoded = try decode(scenario(#""consensus": { "optimalProcessing": 8 }"#)).get()
        #expect(decoded.consensus.optimalProcessing == 8)
        #expect(decoded.simulationOptions().optimalProcessing == 8)
        #expect(try decode(decoded.canonicalJSON()).get() == decoded)
        let unlimited = try decode(scenario(#""consensus": { "optimalProcessing": null }"#)).get()
        #expect(unlimited.simulationOptions().optimalProcessing == nil)
        #expect(try decode(unlimited.canonicalJSON()).get() == unlimited)
        expectSingleIssue(scenario(#""consensus": { "optimalProcessing": 0 }"#), path: "consensus.optimalProcessing",
                          contains: "must be between 1 and")
    }

    @Test("answerAtOnce, pollOnIssue and virtuousParents reach the simulator and survive the canonical form; a non-boolean is refused at its path")
    func avalanchegoIssuerSwitchesDecode() throws {
        let decoded = try decode(scenario(
            #""consensus": { "answerAtOnce": true, "pollOnIssue": true, "virtuousParents": true }"#)).get()
        #expect(decoded.consensus.answerAtOnce && decoded.consensus.pollOnIssue && decoded.consensus.virtuousParents)
        let options = decoded.simulationOptions()
        #expect(options.answerAtOnce && options.pollOnIssue && options.virtuousParents)
        #expect(try decode(decoded.canonicalJSON()).get() == decoded)
        let off = try decode(scenario(
            #""consensus": { "answerAtOnce": false, "pollOnIssue": false, "virtuousParents": false }"#)).get()
        let offOptions = off.simulationOptions()
        #expect(!offOptions.answerAtOnce && !offOptions.pollOnIssue && !offOptions.virtuousParents)
        for key in ["answerAtOnce", "pollOnIssue", "virtuousParents"] {
            expectSingleIssue(scenario(#""consensus": { "\#(key)": "yes" }"#), path: "consensus.\(key)",
                              contains: "expected true or false")
        }
    }

    @Test("A minimal scenario takes every default")
    func minimalScenarioDefaults() throws {
        let scenario = try Scenario.decode(Data(#"{ "version":1, "id":"LT-001", "nodes":100 }"#.utf8))
        #expect(scenario.id == "LT-001")
        #expect(scenario.name == "LT-001")
        #expect(scenario.description == "")
        #expect(scenario.category == .load)
        #expect(scenario.tags == [])
        #expect(scenario.seed == 1)
        #expect(scenario.nodes == 100)
        #expect(scenario.duration == .seconds(60))
        #expect(scenario.warmup == .seconds(10))
        let consensus = scenario.consensus
        #expect([consensus.k, consensus.alphaPreference, consensus.alphaConfidence, consensus.beta] == [Int]([20, 15, 15, 20]))
        #expect([consensus.concurrentRepolls, consensus.parents, consensus.batchSize] == [Int]([4, 5, 30]))
        #expect(consensus.optimalProcessing == nil)
        #expect(!consensus.answerAtOnce && !consensus.pollOnIssue && !consensus.virtuousParents)
        #expect(consensus.batchInterval == .milliseconds(50))
        #expect(consensus.pollTimeout == .seconds(2))
        #expect(consensus.pruning)
        #expect(consensus.signature == .mlDSA87)
        #expect(scenario.network.profile == .lan)
        #expect(scenario.network.lossRate == 0.0001)
        #expect(scenario.network.uploadMbps == 1000)
        #expect(scenario.network.minLatency == .milliseconds(1))
        #expect(scenario.network.maxLatency == .milliseconds(10))
        #expect(scenario.network.regions == 1)
        #expect(scenario.node.cpuSpeed == 1.0)
        #expect(scenario.node.memoryLimitMB == nil)
        #expect(scenario.workload.pattern == .constant)
        #expect(scenario.workload.tps == 100)
        #expect(scenario.workload.peakTps == nil)
        #expect(scenario.workload.period == .seconds(60))
        #expect(scenario.workload.burstDuration == .seconds(5))
        #expect(scenario.workload.payloadBytes == 256)
        #expect(scenario.workload.conflictRate == 0)
        #expect(scenario.byzantine.fraction == 0)
        #expect(scenario.byzantine.behavior == .randomVoting)
        #expect(scenario.byzantine.sybilIdentities == 1)
        #expect(scenario.byzantine.stakeWeighted == false)
        #expect(scenario.detection.enabled == false)
        #expect(scenario.detection.threshold == 0.5)
        #expect(scenario.detection.excludeBelowThreshold == false)
        #expect(scenario.faults.isEmpty)
        #expect(scenario.series.interval == .seconds(1))
        #expect(scenario.expect == .pass)
        #expect(scenario.acceptance.isEmpty)
    }

    @Test("Profile defaults fill what the network section leaves out", arguments: [
        ("local", 0.0, nil, 100_000, 1_000_000, 1),
        ("wan", 0.001, 100.0, 50_000_000, 200_000_000, 6),
        ("degraded", 0.01, 10.0, 200_000_000, 500_000_000, 1),
    ] as [(String, Double, Double?, Int64, Int64, Int)])
    func profileDefaults(
        profile: String, loss: Double, upload: Double?, minimum: Int64, maximum: Int64, regions: Int
    ) throws {
        let scenario = try decode(scenario(#""network": { "profile": "\#(profile)" }"#)).get()
        #expect(scenario.network.lossRate == loss)
        #expect(scenario.network.uploadMbps == upload)
        #expect(scenario.network.minLatency.nanoseconds == minimum)
        #expect(scenario.network.maxLatency.nanoseconds == maximum)
        #expect(scenario.network.regions == regions)
    }

    @Test("Explicit network values override the profile; null upload means unlimited")
    func networkOverrides() throws {
        let scenario = try decode(scenario(
            #""network": { "profile": "wan", "lossRate": 0, "uploadMbps": null, "minLatency": "20ms", "maxLatency": "90ms", "regions": 3 }"#
        )).get()
        #expect(scenario.network.lossRate == 0)
        #expect(scenario.network.uploadMbps == nil)
        #expect(scenario.network.minLatency == .milliseconds(20))
        #expect(scenario.network.maxLatency == .milliseconds(90))
        #expect(scenario.network.regions == 3)
    }

    @Test("Every fault kind decodes with the fields it uses")
    func faultKindsDecode() throws {
        let scenario = try decode(scenario(#"""
            "duration": "2h", "faults": [
              { "kind": "crash", "at": "5m", "every": "5m", "for": "1m", "until": "1h", "count": 10 },
              { "kind": "restart", "nodes": [7, 3] },
              { "kind": "churn", "every": "1m", "for": "30s", "count": 2 },
              { "kind": "partition", "groups": [0.8, 0.2], "oneWay": true, "for": "10m" },
              { "kind": "latency-spike", "factor": 4, "for": "30s" },
              { "kind": "packet-loss", "rate": 0.05, "count": 5 },
              { "kind": "cpu-throttle", "speed": 0.25, "nodes": [0] },
              { "kind": "memory-pressure", "limitMB": 256, "count": 1 },
              { "kind": "clock-skew", "offset": "-250ms", "drift": -50, "count": 3 },
              { "kind": "disk-failure", "nodes": [1] }
            ]
            """#)).get()
        let faults = scenario.faults
        #expect(faults.map(\.kind) == Scenario.Fault.Kind.allCases)
        #expect(faults[0].at == .seconds(300))
        #expect(faults[0].every == .seconds(300))
        #expect(faults[0].duration == .seconds(60))
        #expect(faults[0].until == .seconds(3600))
        #expect(faults[0].target == .count(10))
        #expect(faults[1].target == .nodes([3, 7]))
        #expect(faults[1].duration == nil)
        #expect(faults[3].groups == [0.8, 0.2])
        #expect(faults[3].oneWay)
        #expect(faults[3].target == .all)
        #expect(faults[4].factor == 4)
        #expect(faults[5].rate == 0.05)
        #expect(faults[6].speed == 0.25)
        #expect(faults[7].limitMB == 256)
        #expect(faults[8].offset?.nanoseconds == -250_000_000)
        #expect(faults[8].drift == -50)
    }

    @Test("Workload patterns keep the fields they use")
    func workloadPatterns() throws {
        let sine = try decode(scenario(#""workload": { "pattern": "sine", "tps": 50, "peakTps": 200, "period": "6h" }"#)).get()
        #expect(sine.workload.pattern == .sine)
        #expect(sine.workload.peakTps == 200)
        #expect(sine.workload.period == .seconds(6 * 3600))
        let burst = try decode(scenario(
            #""workload": { "pattern": "burst", "tps": 100, "peakTps": 1000, "period": "1m", "burstDuration": "10s" }"#
        )).get()
        #expect(burst.workload.burstDuration == .seconds(10))
    }

    @Test("A seed may use the whole unsigned 64-bit range")
    func largeSeed() throws {
        let decoded = try decode(scenario(#""seed": 18446744073709551615"#)).get()
        #expect(decoded.seed == UInt64.max)
    }

    @Test("The $schema key is accepted and ignored")
    func schemaReferenceIsAllowed() throws {
        let decoded = try decode(scenario(#""$schema": "./schema.json""#)).get()
        #expect(decoded.id == "LT-001")
    }

    @Test("load(path:) reads a file and names it in errors")
    func loadNamesTheFile() throws {
        let directory = FileManager.default.temporaryDirectory
        let path = directory.appendingPathComponent("cretoscale-scenario-\(getpid()).json").path
        try Data(scenario(#""workload": { "tps": -5 }"#).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try Scenario.load(path: path)
        } throws: { error in
            let error = error as? ScenarioError
            return error?.file == path
                && error?.description == "\(path): workload.tps: must be > 0 (got -5)"
        }
        #expect(throws: ScenarioError.self) { _ = try Scenario.load(path: path + ".missing") }
    }

    @Test("The canonical JSON decodes to an equal scenario")
    func canonicalRoundTrip() throws {
        var capabilities = SimulatorCapabilities.current
        capabilities.faultKinds.insert(.partition)
        let original = try Scenario.decode(Data(designExample(faults: partitionFault).utf8), capabilities: capabilities)
        let text = original.canonicalJSON()
        let again = try Scenario.decode(Data(text.utf8), capabilities: capabilities)
        #expect(again == original)
        #expect(again.canonicalJSON() == text)
        #expect(text.contains(#""duration": "1h""#))
        #expect(text.contains(#""lossRate": 0.0001"#))

        let everything = try decode(scenario(#"""
            "byzantine": { "fraction": 0.2, "behavior": "sybil", "sybilIdentities": 50 },
            "network": { "profile": "wan", "regions": 4 },
            "node": { "memoryLimitMB": 512 },
            "workload": { "pattern": "burst", "tps": 10, "peakTps": 1000 },
            "faults": [ { "kind": "clock-skew", "offset": "-1.5s", "nodes": [2, 1] } ]
            """#)).get()
        #expect(try decode(everything.canonicalJSON()).get() == everything)
    }
}
