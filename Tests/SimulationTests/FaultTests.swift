import ConsensusCore
import Testing
@testable import Simulation

/// A small cluster with faults: 24 nodes on a LAN, 20 TPS.
func faultOptions(seconds: Int = 8, tps: Double = 20, faults: [FaultSpec]) -> SimulationOptions {
    var options = quickOptions(nodes: 24, seconds: seconds, tps: tps)
    options.faults = faults
    return options
}

/// Two halves of 24 nodes cut apart from 2 s to 5 s with 20 % double spends, run in
/// `shards`: checks what every run of it shows (no side decides, no safety violation,
/// the halves agree within 4 s of the heal) and returns the run for the caller's checks.
func runFiftyFiftySplit(shards: Int) throws -> (Simulator, RunResult) {
    var options = faultOptions(seconds: 8, faults: [
        FaultSpec(.partition(groups: [0.5, 0.5], oneWay: false), start: .seconds(2), length: .seconds(3)),
    ])
    options.workload.conflictRate = 0.2          // double spends on both sides: divergence is possible
    options.shards = shards
    let simulator = try Simulator(options: options)
    let result = simulator.run()
    #expect(result.value("safety.violations") == 0)
    // With k 10 and α 7, neither half of 12 nodes can gather α answers: no side decides.
    #expect(result.value("partition.sidesDeciding") == 0)
    let recovery = try #require(result.value("recovery.seconds"))
    #expect(recovery > 0 && recovery < 4, "recovery \(recovery) s")
    #expect(result.value("recovery.incomplete") == 0)
    return (simulator, result)
}

/// Checks that every transaction in the acceptance log first accepted before `cutoff` is
/// accepted by `nodes` nodes; returns how many there were.
func expectAcceptedByAll(_ nodes: Int32, in log: AcceptanceLog, firstAcceptedBefore cutoff: Int64) -> Int {
    var checked = 0
    for position in log.start..<log.end where log[position].firstAccepted < cutoff {
        #expect(log[position].acceptedBy == nodes, "tx #\(log[position].nonce) accepted by \(log[position].acceptedBy)")
        checked += 1
    }
    return checked
}

@Suite("Faults: partitions")
struct PartitionTests {
    @Test func aFiftyFiftySplitStallsSafelyAndTheSidesConvergeAfterTheHeal() throws {
        let (simulator, result) = try runFiftyFiftySplit(shards: 1)
        #expect(result.value("messages.dropped")! > 500)       // the cut links
        // Everything accepted anywhere up to two seconds before the end is accepted everywhere.
        // How many that is depends on the draws (60 to 128 at seeds 1 to 8; 51 to 104 with
        // another network stream that was tried): enough that the check above is not vacuous.
        let checked = expectAcceptedByAll(24, in: simulator.faults.log, firstAcceptedBefore: 6_500_000_000)
        #expect(checked > 40)
    }

    @Test func pollsTimeOutThroughOneTimeoutEventPerNode() throws {
        var options = faultOptions(seconds: 4, faults: [
            FaultSpec(.partition(groups: [0.8, 0.2], oneWay: false), start: .seconds(1), length: .seconds(4)),
        ])
        options.pollTimeout = .milliseconds(300)
        let simulator = try Simulator(options: options)
        _ = simulator.run()
        // Polls that sampled a cut-off peer end at their timeout, every 300 ms or so a node.
        #expect(simulator.metrics.pollTimeouts > 24 * 3 * 2, "\(simulator.metrics.pollTimeouts) timeouts")
        // Thousands of polls started in the last 300 ms; at most one timeout a node waits.
        var timeouts = 0
        var nodesWaiting = Set<Int32>()
        while let (_, event) = simulator.queue.popNext() {
            if case let .pollTimeout(node, _) = event {
                timeouts += 1
                nodesWaiting.insert(node)
            }
        }
        #expect(timeouts >= 1 && timeouts <= 24)
        #expect(timeouts == nodesWaiting.count)
    }

    @Test func inAnEightyTwentySplitOnlyTheMajorityKeepsDeciding() throws {
        var options = faultOptions(seconds: 8, faults: [
            FaultSpec(.partition(groups: [0.8, 0.2], oneWay: false), start: .seconds(2), length: .seconds(4)),
        ])
        // Polls missing the cut peers' answers close at the timeout: a short one lets β of them happen.
        options.pollTimeout = .milliseconds(300)
        let result = try run(options)
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("partition.sidesDeciding") == 1)
        let recovery = try #require(result.value("recovery.seconds"))
        #expect(recovery < 3, "recovery \(recovery) s")
    }

    /// A node that falls behind in a partition may hold hundreds of vertices pending behind
    /// one missing ancestor. Each fetch walks up its pending vertices to the gaps and asks
    /// for them; a walk cut off after 64 steps left one node of this run (nodes answering at
    /// once, avalanchego's rule) with 353 vertices pending at the end and nothing accepted
    /// after the heal (1,692 pending when the run went on to 45 s).
    @Test func aNodeFarBehindAfterAHealFetchesItsDeepestGap() throws {
        var options = SimulationOptions(nodes: 40)
        options.duration = .seconds(17)
        options.warmup = .seconds(5)
        options.network = NetworkOptions(profile: .lan)
        options.workload.tps = 50
        options.workload.conflictRate = 0.02
        options.answerAtOnce = true
        options.faults = [FaultSpec(.partition(groups: [0.8, 0.2], oneWay: false), start: .seconds(8), length: .seconds(6))]
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("recovery.incomplete") == 0)
        let recovery = try #require(result.value("recovery.seconds"))
        #expect(recovery < 4, "recovery \(recovery) s")
        let pending = simulator.nodes.map(\.pending.count).max() ?? 0
        #expect(pending < 100, "most vertices pending at a node: \(pending)")
    }

    @Test func aOneWayPartitionCutsOnlyTheFirstGroupsMessages() {
        var network = Network(options: NetworkOptions(profile: .lan), nodeCount: 3, streams: RandomStreams(seed: 1))
        network.partition(groups: [0, 1, 2], oneWay: true)
        #expect(network.isCut(from: 0, to: 1) && network.isCut(from: 0, to: 2))
        #expect(!network.isCut(from: 1, to: 0) && !network.isCut(from: 1, to: 2) && !network.isCut(from: 2, to: 1))
        network.heal()
        #expect(!network.isCut(from: 0, to: 1))
    }
}

@Suite("Faults: crashes, restarts, disk failures")
struct CrashTests {
    @Test func crashedNodesRejoinAndCatchUp() throws {
        let options = faultOptions(seconds: 8, faults: [
            FaultSpec(.crash(wipesStorage: false), target: .nodes([3, 17]), start: .seconds(2), length: .seconds(3)),
        ])
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("faults.crashes") == 2)
        #expect(result.value("rejoin.count") == 2)
        #expect(result.value("rejoin.incomplete") == 0)
        let rejoin = try #require(result.value("rejoin.p95"))
        #expect(rejoin > 0 && rejoin < 3, "rejoin \(rejoin) s")
        // Two of 24 nodes down for 3 of 8 seconds.
        #expect(abs(result.value("uptime.percent")! - (100 - 100 * 6.0 / 192)) < 1e-9)
        #expect(result.conservation.balances)
        // The restarted nodes hold what the others accepted while they were down.
        let log = simulator.faults.log
        for position in log.start..<log.end where log[position].firstAccepted < 6_500_000_000 {
            for node in [3, 17] {
                #expect(simulator.nodes[node].engine.decision(for: log[position].input) == log[position].transaction)
            }
        }
    }

    @Test func aNodeWhoseDiskFailedResyncsToTheSameAcceptances() throws {
        let options = faultOptions(seconds: 8, faults: [
            FaultSpec(.crash(wipesStorage: true), target: .nodes([5]), start: .seconds(4), length: .seconds(1)),
        ])
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("faults.storageLosses") == 1)
        #expect(result.value("rejoin.count") == 1)
        #expect(result.value("safety.violations") == 0)
        // It accepted again everything accepted before its failure, and nothing else on those inputs.
        let log = simulator.faults.log
        var before = 0
        for position in log.start..<log.end where log[position].firstAccepted < 6_500_000_000 {
            #expect(simulator.nodes[5].engine.decision(for: log[position].input) == log[position].transaction)
            if log[position].firstAccepted < 4_000_000_000 { before += 1 }
        }
        #expect(before > 30)
    }

    @Test func theSafetyCheckerCatchesANodeThatComesBackWithADifferentAcceptance() {
        let a = Transaction(inputs: [7], payloadSize: 1, payloadDigest: .zero, origin: 0, submitTime: 0, nonce: 1)
        let b = Transaction(inputs: [7], payloadSize: 1, payloadDigest: .zero, origin: 1, submitTime: 0, nonce: 2)
        var checker = SafetyChecker()
        checker.accepted(a, by: 3)
        checker.accepted(a, by: 4)
        checker.accepted(a, by: 3)            // resynced after a disk failure: the same acceptance
        #expect(checker.count == 0)
        checker.accepted(b, by: 3)            // resynced to a different one
        #expect(checker.count == 1)
        #expect(checker.violations.first?.node == 3)
    }

    @Test func churnTakesNodesDownAndBringsThemBack() throws {
        let options = faultOptions(seconds: 8, faults: [
            FaultSpec(.crash(wipesStorage: false), target: .count(3), start: .seconds(1), length: .seconds(1),
                      every: .seconds(2), until: .seconds(7)),
        ])
        let result = try run(options)
        #expect(result.value("faults.crashes") == 9)
        #expect(result.value("rejoin.count")! + result.value("rejoin.incomplete")! == 9)
        #expect(result.value("rejoin.incomplete")! <= 1)
        #expect(abs(result.value("uptime.percent")! - (100 - 100 * 9.0 / 192)) < 1e-9)
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("liveness.stalled") == 0)
    }
}

@Suite("Faults: degraded conditions")
struct DegradationTests {
    @Test func aLatencySpikeRaisesLatency() throws {
        let calm = try run(faultOptions(seconds: 5, faults: []))
        let spiked = try run(faultOptions(seconds: 5, faults: [
            FaultSpec(.latencySpike(factor: 6), start: .seconds(1)),
        ]))
        let before = try #require(calm.value("latency.p50")), during = try #require(spiked.value("latency.p50"))
        #expect(during > 3 * before, "p50 \(during) ms against \(before) ms")
    }

    @Test func aLossWindowDropsMessages() throws {
        let calm = try run(faultOptions(seconds: 5, faults: []))
        let lossy = try run(faultOptions(seconds: 5, faults: [
            FaultSpec(.packetLoss(rate: 0.2), target: .count(6), start: .seconds(2), length: .seconds(2)),
        ]))
        let dropped = try #require(lossy.value("messages.dropped"))
        #expect(dropped > 5 * max(1, calm.value("messages.dropped")!), "dropped \(dropped)")
        #expect(lossy.value("safety.violations") == 0)
        #expect(lossy.conservation.balances)
    }

    @Test func aCPUThrottleRaisesUtilisationAndLatency() throws {
        let calm = try run(faultOptions(seconds: 5, faults: []))
        let throttled = try run(faultOptions(seconds: 5, faults: [
            FaultSpec(.cpuThrottle(speed: 0.05), start: .seconds(1)),
        ]))
        let cpu = try #require(throttled.value("node.cpu.mean")), base = try #require(calm.value("node.cpu.mean"))
        #expect(cpu > 10 * base, "CPU \(cpu) % against \(base) %")
        #expect(throttled.value("latency.p50")! > calm.value("latency.p50")!)
    }

    @Test func memoryPressureKillsNodesOverTheLimitAndTheyComeBack() throws {
        // At 80 TPS the four nodes pass 1 MB within the pressure at every seed tried (1 to 12,
        // with two network streams); at 60, seeds 2 and 5 kept them under it until it ended.
        var options = faultOptions(seconds: 6, tps: 80, faults: [
            FaultSpec(.memoryPressure(limitMB: 1), target: .nodes([1, 2, 3, 4]), start: .seconds(2), length: .seconds(3)),
        ])
        options.pruning = false                    // memory grows with the DAG
        options.restartAfterOOM = .milliseconds(500)
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        let kills = try #require(result.value("node.oom"))
        #expect(kills >= 2, "OOM kills \(kills)")
        #expect(result.value("node.crashes") == kills)
        #expect(result.value("faults.crashes") == 0)
        #expect(result.value("uptime.percent")! < 100)
        // Restarted by their supervisor after the back-off, they catch up again; the others were not touched.
        #expect([1, 2, 3, 4].allSatisfy { simulator.nodes[$0].alive })
        #expect(result.value("rejoin.count")! + result.value("rejoin.incomplete")! == kills)
        #expect(result.value("safety.violations") == 0)
    }

    @Test func aScenarioMemoryLimitIsEnforced() throws {
        var options = faultOptions(seconds: 4, tps: 60, faults: [])
        options.pruning = false
        options.memoryLimitMB = 1
        let result = try run(options)
        // Memory reaches 1 MB in the last seconds: several of the 24 nodes are killed.
        #expect(result.value("node.oom")! >= 5)
        var roomy = options
        roomy.memoryLimitMB = 512
        #expect(try run(roomy).value("node.oom") == 0)
    }

    @Test func clockSkewShiftsTimestampsAndStretchesTimers() throws {
        let calm = try run(faultOptions(seconds: 5, tps: 5, faults: []))
        let skewed = try run(faultOptions(seconds: 5, tps: 5, faults: [
            FaultSpec(.clockSkew(offset: .milliseconds(-300), driftPPM: -800_000), start: .seconds(1)),
        ]))
        let error = try #require(skewed.value("clock.timestampError.max"))
        #expect(error >= 300, "timestamp error \(error) ms")
        // A clock at a fifth of the speed makes the 50 ms batch timer last 250 ms.
        #expect(skewed.value("latency.p50")! > calm.value("latency.p50")! + 100)
        #expect(skewed.value("safety.violations") == 0)
    }
}

@Suite("Faults: determinism")
struct FaultDeterminismTests {
    @Test func theSameFaultsAndSeedGiveTheSameDigest() throws {
        let faults = [
            FaultSpec(.crash(wipesStorage: false), target: .count(2), start: .seconds(1), length: .seconds(1),
                      every: .seconds(2)),
            FaultSpec(.partition(groups: [0.7, 0.3], oneWay: true), start: .seconds(2), length: .seconds(1)),
            FaultSpec(.packetLoss(rate: 0.05), target: .count(5), start: .seconds(1), length: .seconds(2)),
            FaultSpec(.crash(wipesStorage: true), target: .count(1), start: .seconds(3), length: .zero),
        ]
        var a = faultOptions(seconds: 5, faults: faults)
        a.workload.conflictRate = 0.1
        var c = a
        c.seed = 2
        let first = try run(a), second = try run(a), other = try run(c)
        #expect(first.digest == second.digest)
        #expect(first.metrics == second.metrics)
        #expect(first.digest != other.digest)
    }
}

@Suite("Faults: repetition")
struct FaultRepetitionTests {
    /// Without `for`, each occurrence lasts to the end of the run: crashes add up.
    @Test func repeatedCrashesWithoutALengthAddUp() throws {
        let options = faultOptions(seconds: 4, faults: [
            FaultSpec(.crash(wipesStorage: false), target: .count(2), start: .seconds(1), every: .seconds(1)),
        ])
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("faults.crashes") == 6)
        #expect(simulator.nodes.filter { !$0.alive }.count == 6)
        #expect(result.value("rejoin.count") == 0)
        // Down 3 s, 2 s and 1 s: 12 node-seconds of 96.
        #expect(abs(result.value("uptime.percent")! - (100 - 100 * 12.0 / 96)) < 1e-9)
        #expect(result.value("safety.violations") == 0)
    }
}

@Suite("Faults: liveness")
struct FaultLivenessTests {
    /// A transaction waiting in a crashed origin's batch is decided after its restart, past the
    /// deadline in simulated time but not in the origin's up time: it is not stalled.
    @Test func aDownOriginsTransactionsDoNotCountAsStalled() throws {
        var options = faultOptions(seconds: 7, tps: 100, faults: [
            FaultSpec(.crash(wipesStorage: false), target: .nodes([3]), start: .seconds(2), length: .seconds(3)),
        ])
        options.batchInterval = .milliseconds(400)     // the origin holds its batch when it crashes
        options.pollTimeout = .milliseconds(300)
        options.livenessDeadline = .milliseconds(2_500)
        let result = try run(options)
        let slowest = try #require(result.value("latency.max"))
        #expect(slowest > 3_000, "slowest \(slowest) ms")   // waited through the 3 s downtime
        #expect(result.value("liveness.stalled") == 0)
        #expect(result.value("safety.violations") == 0)
    }
}
