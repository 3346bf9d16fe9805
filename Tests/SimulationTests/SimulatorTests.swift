import ConsensusCore
import Testing
@testable import Simulation

/// Small, fast clusters: k 10, αPref/αConf 7, β 6, two repolls.
let quickConsensus = ConsensusParameters(k: 10, alphaPreference: 7, alphaConfidence: 7, beta: 6, concurrentRepolls: 2)

func quickOptions(nodes: Int = 50, seconds: Int = 5, tps: Double = 10, seed: UInt64 = 1) -> SimulationOptions {
    var options = SimulationOptions(nodes: nodes)
    options.seed = seed
    options.duration = .seconds(seconds)
    options.warmup = .seconds(1)
    options.consensus = quickConsensus
    options.network = NetworkOptions(profile: .lan)
    options.workload.tps = tps
    return options
}

func run(_ options: SimulationOptions) throws -> RunResult { try Simulator(options: options).run() }

/// Checks that of each conflicting pair submitted before `cutoff` (consecutive ledger
/// entries with one submit time) exactly one was accepted, by all `nodes`; returns the pairs.
func expectOneOfEachPairAccepted(by nodes: Int32, in entries: [TransactionLedger.Entry], before cutoff: Int64) -> Int {
    var pairs = 0
    for i in entries.indices.dropLast() where entries[i].submitTime == entries[i + 1].submitTime
        && entries[i].submitTime < cutoff {
        let a = entries[i], b = entries[i + 1]
        #expect(a.acceptedBy + b.acceptedBy == nodes, "pair at \(a.submitTime): \(a.acceptedBy) + \(b.acceptedBy)")
        #expect(a.acceptedBy == 0 || b.acceptedBy == 0)
        pairs += 1
    }
    return pairs
}

@Suite("Simulator")
struct SimulatorTests {
    @Test func sameSeedSameDigestOtherSeedOtherDigest() throws {
        let a = try run(quickOptions(seed: 7))
        let b = try run(quickOptions(seed: 7))
        let c = try run(quickOptions(seed: 8))
        #expect(a.digest == b.digest)
        #expect(a.metrics == b.metrics)
        #expect(a.events == b.events)
        #expect(a.digest != c.digest)
    }

    @Test func booksBalance() throws {
        var options = quickOptions()
        options.network.lossRate = 0.01        // some messages lost
        let result = try run(options)
        let books = result.conservation
        #expect(books.balances, "\(books)")
        #expect(books.dropped > 0)
        #expect(books.submitted == Int(result.value("transactions.submitted")!))
        #expect(books.sent == Int(result.value("messages.total")!))
    }

    @Test func everyVirtuousTransactionIsAcceptedEverywhere() throws {
        var options = quickOptions(nodes: 100, seconds: 4)
        options.network = NetworkOptions(profile: .local)
        options.livenessDeadline = .seconds(2)
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("liveness.stalled") == 0)
        // Everything submitted more than a second before the end is accepted at every node.
        let cutoff = Int64(3_000_000_000)
        var checked = 0
        for entry in simulator.ledger.entries where entry.submitTime < cutoff {
            #expect(entry.acceptedAtOrigin)
            #expect(entry.acceptedBy == 100)
            checked += 1
        }
        #expect(result.conservation.submitted > 20)
        #expect(checked > 20)
    }

    @Test func ofEachDoubleSpendExactlyOneIsAcceptedEverywhere() throws {
        var options = quickOptions(nodes: 60, seconds: 6, tps: 10)
        options.workload.conflictRate = 0.5
        let simulator = try Simulator(options: options)
        let result = simulator.run()
        #expect(result.value("safety.violations") == 0)
        #expect(result.value("transactions.rejected")! > 0)
        // Pairs are consecutive nonces spending one input: one accepted, one rejected, at every node.
        #expect(expectOneOfEachPairAccepted(by: 60, in: simulator.ledger.entries, before: 3_000_000_000) > 5)
    }
}
