import ConsensusCore
import Testing
@testable import Simulation

/// `quickOptions` with a share of Byzantine nodes and some double spends.
func byzantineOptions(_ behavior: ByzantineBehavior, fraction: Double, nodes: Int = 40, seconds: Int = 5,
                      conflictRate: Double = 0.05, seed: UInt64 = 3) -> SimulationOptions {
    var options = quickOptions(nodes: nodes, seconds: seconds, tps: 40, seed: seed)
    options.workload.conflictRate = conflictRate
    options.byzantine.fraction = fraction
    options.byzantine.behavior = behavior
    return options
}

@Suite("Byzantine nodes")
struct ByzantineTests {
    @Test func theSameSeedGivesTheSameRunWithByzantineNodesAndDetection() throws {
        var options = byzantineOptions(.collusion, fraction: 0.2)
        options.detection.enabled = true
        let a = try run(options)
        let b = try run(options)
        #expect(a.digest == b.digest)
        #expect(a.metrics == b.metrics)
        #expect(a.value("byzantine.nodes") == 8)
    }

    @Test func byzantineNodesAreDrawnFromTheirOwnStream() throws {
        let first = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 1))
        let again = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 1))
        let other = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 2))
        #expect(first.adversary.members.count == 10)
        #expect(first.adversary.members == again.adversary.members)
        #expect(first.adversary.members != other.adversary.members)
    }

    @Test func anHonestRunIsUnchangedByTheByzantineMachinery() throws {
        // Fraction 0: no Byzantine node, no stake, same draws as before the feature existed.
        let honest = try run(quickOptions(seed: 7))
        var zero = quickOptions(seed: 7)
        zero.byzantine.behavior = .collusion
        #expect(try run(zero).digest == honest.digest)
        #expect(honest.value("byzantine.nodes") == nil)
    }

    @Test func withholdingVotesSlowsTheHonestNodes() throws {
        let honest = try run(byzantineOptions(.alwaysReject, fraction: 0))
        let reject = try run(byzantineOptions(.alwaysReject, fraction: 0.2))
        let random = try run(byzantineOptions(.randomVoting, fraction: 0.2))
        let p95 = { (result: RunResult) in result.value("latency.p95") ?? .infinity }
        #expect(p95(reject) > 1.5 * p95(honest), "always-reject \(p95(reject)) vs honest \(p95(honest))")
        #expect(p95(random) > 1.2 * p95(honest), "random voting \(p95(random)) vs honest \(p95(honest))")
        #expect(p95(reject) > p95(random))
        for result in [honest, reject, random] { #expect(result.value("safety.violations") == 0) }
    }
}
