import Scenarios
import Simulation
import Testing

@Suite("Scenario faults become simulator faults")
struct FaultMappingTests {
    @Test func everyKindMapsWithItsTimingAndTargets() throws {
        let scenario = try decode(scenario(#"""
            "duration": "10m", "node": { "memoryLimitMB": 256 },
            "faults": [
              { "kind": "crash", "at": "1m", "for": "30s", "every": "2m", "until": "9m", "count": 3 },
              { "kind": "restart", "at": "2m", "nodes": [4, 2] },
              { "kind": "disk-failure", "at": "3m", "for": "10s", "nodes": [7] },
              { "kind": "churn", "at": "1m", "for": "5s", "every": "10s", "count": 2 },
              { "kind": "partition", "at": "4m", "for": "1m", "groups": [0.8, 0.2], "oneWay": true },
              { "kind": "latency-spike", "at": "5m", "for": "1m", "factor": 4 },
              { "kind": "packet-loss", "at": "5m", "rate": 0.05, "count": 10 },
              { "kind": "cpu-throttle", "at": "6m", "for": "1m", "speed": 0.5, "nodes": [1] },
              { "kind": "memory-pressure", "at": "7m", "for": "1m", "limitMB": 64, "count": 5 },
              { "kind": "clock-skew", "at": "8m", "offset": "-250ms", "drift": 100, "count": 1 }
            ]
            """#), capabilities: .current).get()
        let options = scenario.simulationOptions()
        #expect(options.memoryLimitMB == 256)
        let f = options.faults
        #expect(f.count == 10)
        #expect(f[0] == FaultSpec(.crash(wipesStorage: false), target: .count(3), start: .seconds(60),
                                  length: .seconds(30), every: .seconds(120), until: .seconds(540)))
        #expect(f[1] == FaultSpec(.crash(wipesStorage: false), target: .nodes([2, 4]), start: .seconds(120), length: .zero))
        #expect(f[2] == FaultSpec(.crash(wipesStorage: true), target: .nodes([7]), start: .seconds(180), length: .seconds(10)))
        #expect(f[3].action == .crash(wipesStorage: false) && f[3].every == .seconds(10) && f[3].target == .count(2))
        #expect(f[4].action == .partition(groups: [0.8, 0.2], oneWay: true) && f[4].length == .seconds(60))
        #expect(f[5].action == .latencySpike(factor: 4) && f[5].target == .all)
        #expect(f[6].action == .packetLoss(rate: 0.05) && f[6].length == nil)
        #expect(f[7].action == .cpuThrottle(speed: 0.5))
        #expect(f[8].action == .memoryPressure(limitMB: 64))
        #expect(f[9].action == .clockSkew(offset: .milliseconds(-250), driftPPM: 100))
    }

    @Test func thisSimulatorAcceptsEveryFaultKindAndAMemoryLimit() {
        #expect(SimulatorCapabilities.current.faultKinds == Set(Scenario.Fault.Kind.allCases))
        #expect(SimulatorCapabilities.current.memoryLimit)
    }
}
