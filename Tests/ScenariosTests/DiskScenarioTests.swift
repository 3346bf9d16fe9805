import Foundation
import Scenarios
import Simulation
import Testing

@Suite("Scenario disks")
struct DiskScenarioTests {
    @Test func aMissingDiskIsTheSimulatorsDefault() throws {
        let decoded = try decode(scenario()).get()
        #expect(decoded.node.disk == .defaults)
        #expect(decoded.node.disk.writeMBps == 1_000 && decoded.node.disk.readLatency == .microseconds(80))
        #expect(decoded.node.disk.retention == nil)
        #expect(decoded.simulationOptions().disk == DiskOptions())
    }

    @Test func everyKeyReachesTheSimulator() throws {
        let decoded = try decode(scenario(#"""
            "node": { "disk": { "writeMBps": 5, "readMBps": 40, "writeLatency": "2ms", "readLatency": "5ms",
                                "iops": 300, "memtableMB": 8, "level0Files": 2, "levelBaseMB": 32,
                                "levelMultiplier": 8, "level0BacklogMB": 50, "retention": "1h" } }
            """#)).get()
        let disk = decoded.simulationOptions().disk
        #expect(disk.writeMBps == 5 && disk.readMBps == 40 && disk.iops == 300)
        #expect(disk.writeLatency == .milliseconds(2) && disk.readLatency == .milliseconds(5))
        #expect(disk.memtableMB == 8 && disk.level0Files == 2 && disk.levelBaseMB == 32 && disk.levelMultiplier == 8)
        #expect(disk.level0BacklogMB == 50)
        #expect(disk.retention == .seconds(3_600))
        // The canonical form writes every key and reads back the same scenario.
        let again = try decode(decoded.canonicalJSON()).get()
        #expect(again == decoded)
        let explicitNull = try decode(scenario(#""node": { "disk": { "retention": null } }"#)).get()
        #expect(explicitNull.node.disk.retention == nil)
    }

    @Test func unknownKeysAndBadValuesNameTheirPath() {
        expectSingleIssue(scenario(#""node": { "disk": { "writeMbps": 5 } }"#), path: "node.disk.writeMbps",
                          contains: #"unknown key (did you mean "writeMBps"?)"#)
        expectSingleIssue(scenario(#""node": { "disk": { "writeMBps": 0 } }"#), path: "node.disk.writeMBps",
                          contains: "must be > 0 (got 0)")
        expectSingleIssue(scenario(#""node": { "disk": { "levelMultiplier": 1 } }"#), path: "node.disk.levelMultiplier",
                          contains: "must be > 1")
        expectSingleIssue(scenario(#""node": { "disk": { "level0Files": 0 } }"#), path: "node.disk.level0Files",
                          contains: "must be between 1 and 1000")
        expectSingleIssue(scenario(#""node": { "disk": { "retention": "0s" } }"#), path: "node.disk.retention",
                          contains: "must be > 0")
        expectSingleIssue(scenario(#""node": { "disk": 5 } "#), path: "node.disk", contains: "an object")
    }

    @Test func retentionCannotMeetADiskFailure() {
        expectSingleIssue(
            scenario(#""node": { "disk": { "retention": "10m" } }, "faults": [ { "kind": "disk-failure", "count": 1 } ]"#),
            path: "node.disk.retention", contains: "cannot be combined with a disk-failure fault (faults[0])")
    }

    @Test func aSimulatorWithoutADiskModelRefusesDiskSettings() {
        expectSingleIssue(scenario(#""node": { "disk": { "writeMBps": 5 } }"#), path: "node.disk",
                          contains: "a disk model is not supported", capabilities: SimulatorCapabilities())
        #expect(issues(scenario(), capabilities: SimulatorCapabilities()).isEmpty)
        #expect(SimulatorCapabilities.current.diskModel)
    }
}
