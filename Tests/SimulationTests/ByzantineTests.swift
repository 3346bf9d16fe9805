import ConsensusCore
import Testing
@testable import Simulation

/// `quickOptions` with a share of Byzantine nodes and some double spends.
func byzantineOptions(_ behavior: ByzantineBehavior, fraction: Double, nodes: Int = 30, seconds: Int = 3,
                      conflictRate: Double = 0.05, seed: UInt64 = 3) -> SimulationOptions {
    var options = quickOptions(nodes: nodes, seconds: seconds, tps: 30, seed: seed)
    options.workload.conflictRate = conflictRate
    options.byzantine.fraction = fraction
    options.byzantine.behavior = behavior
    return options
}

/// 20 % double-spend issuers among 30 nodes for 4 s, run in `shards`: checks that the
/// pairs were issued and counted, that no safety violation occurred, and that honest nodes
/// decided most pairs made in the first 2 s, each the same way everywhere (a pair split
/// evenly between the halves may still be undecided: that is the attack). Returns how
/// many early pairs there were.
func runDoubleSpenders(shards: Int) throws -> Int {
    var options = byzantineOptions(.doubleSpend, fraction: 0.2, seconds: 4, conflictRate: 0)
    options.shards = shards
    let simulator = try Simulator(options: options)
    let result = simulator.run()
    let pairs = simulator.adversary.doubleSpends
    #expect(pairs > 8)
    #expect(result.value("byzantine.doubleSpends") == Double(pairs))
    #expect(result.value("safety.violations") == 0)
    let (early, decided) = expectConflictsDecidedAlike(in: simulator, createdBefore: SimInstant.zero + .seconds(2))
    #expect(decided * 2 > early, "\(decided) of \(early) early pairs decided")
    return early
}

/// Checks that every honest node that decided a conflict the adversary created before `time`
/// chose the same side; returns how many such conflicts there were and how many were decided.
func expectConflictsDecidedAlike(in simulator: Simulator, createdBefore time: SimInstant) -> (early: Int, decided: Int) {
    var early = 0, decided = 0
    for conflict in simulator.adversary.conflicts where conflict.createdAt < time {
        early += 1
        var choices: [Hash256] = []
        for node in simulator.nodes.indices where !simulator.isByzantine(node) {
            if let choice = simulator.nodes[node].engine.decision(for: conflict.input), !choices.contains(choice) {
                choices.append(choice)
            }
        }
        #expect(choices.count <= 1)
        if choices.count == 1 { decided += 1 }
    }
    return (early, decided)
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
        #expect(a.value("byzantine.nodes") == 6)
    }

    @Test func byzantineNodesAreDrawnFromTheirOwnStream() throws {
        let first = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 1))
        let again = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 1))
        let other = try Simulator(options: byzantineOptions(.alwaysReject, fraction: 0.25, seed: 2))
        #expect(first.adversary.members.count == 8)
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
        // Random votes dilute polls but do not hold them open: a poll ends as soon as the
        // answers still due cannot change its outcome, so at 20 % they cost only a few percent
        // (not asserted); nodes that withhold every vote cost far more.
        #expect(p95(reject) > p95(random))
        for result in [honest, reject, random] { #expect(result.value("safety.violations") == 0) }
    }

    @Test func colludersVotingForTheMinorityDelayDecisions() throws {
        let honest = try run(byzantineOptions(.collusion, fraction: 0, conflictRate: 0.2))
        let collusion = try run(byzantineOptions(.collusion, fraction: 0.3, conflictRate: 0.2))
        // The median is where the attack shows on every seed (1.3 to 2.2 times the honest one
        // over seeds 1-12). Tail figures are not compared: with 20 % double spends the honest
        // run's own finality.p95 is bimodal (0.3 s, or 1.2-1.8 s when a double spend stays
        // split for a while), whatever the attack.
        let attacked = collusion.value("latency.p50")!, clean = honest.value("latency.p50")!
        #expect(attacked > 1.25 * clean, "latency.p50: collusion \(attacked) vs honest \(clean)")
        #expect(collusion.value("safety.violations") == 0)
    }

    @Test func stakeWeightingShrinksASybilAdversary() throws {
        var uniform = byzantineOptions(.sybil, fraction: 0.25, conflictRate: 0)
        uniform.byzantine.sybilIdentities = 8       // the 8 Byzantine identities are one adversary
        var staked = uniform
        staked.byzantine.stakeWeighted = true
        let honest = try run(byzantineOptions(.sybil, fraction: 0, conflictRate: 0))
        let a = try run(uniform)
        let b = try run(staked)
        // 8 identities of 30: 8/30 of the samples when uniform; as one node's stake, 1/23 when weighted.
        #expect(a.value("byzantine.stakeShare") == 8.0 / 30.0)
        #expect(abs(b.value("byzantine.stakeShare")! - 1.0 / 23.0) < 1e-9)
        // Medians: the p95 of a 3-second run can land on one slow poll (a stake-weighted run's
        // p95 is about the honest one on most seeds, three times it on a few).
        let p50 = { (result: RunResult) in result.value("latency.p50") ?? .infinity }
        #expect(p50(a) > 1.3 * p50(b), "uniform \(p50(a)) vs stake-weighted \(p50(b))")
        #expect(p50(b) < 1.1 * p50(honest), "stake-weighted \(p50(b)) vs honest \(p50(honest))")
    }

    @Test func doubleSpendersSplitTheNetworkButHonestNodesAgree() throws {
        let early = try runDoubleSpenders(shards: 1)
        #expect(early > 4)
    }

    @Test func detectionFlagsRandomVotersAndNoHonestNode() throws {
        var options = byzantineOptions(.randomVoting, fraction: 0.2)
        options.detection.enabled = true
        let result = try run(options)
        #expect(result.value("byzantine.detection.recall")! >= 0.95)
        #expect(result.value("byzantine.detection.falsePositiveRate")! < 0.05)
        #expect(result.value("byzantine.detection.seconds")! < 2)
        var honest = byzantineOptions(.randomVoting, fraction: 0)
        honest.detection.enabled = true
        let clean = try run(honest)
        #expect(clean.value("byzantine.detection.falsePositiveRate") == 0)
        #expect(clean.value("byzantine.detection.recall") == nil)
    }

    @Test func excludingFlaggedPeersRestoresLatency() throws {
        var watched = byzantineOptions(.alwaysReject, fraction: 0.3, seconds: 4)
        watched.detection.enabled = true
        var excluding = watched
        excluding.detection.excludeBelowThreshold = true
        let a = try run(watched)
        let b = try run(excluding)
        let p95 = { (result: RunResult) in result.value("latency.p95") ?? .infinity }
        #expect(p95(b) < p95(a) / 1.5, "excluding \(p95(b)) vs only watching \(p95(a))")
        #expect(b.value("byzantine.detection.recall")! >= 0.95)
    }

    @Test func reputationMemoryIsFixedAndBounded() {
        let byzantine = [false, true, false, false]
        let reputation = Reputation(nodes: 4, options: DetectionOptions(), isByzantine: byzantine)
        #expect(reputation.scores(0) && !reputation.scores(1))
        for round in 0..<70_000 {
            let vertex = Hash256(w0: UInt64(round), w1: 0, w2: 0, w3: 0)
            reputation.note(vertex, peer: 1, .empty, by: 0)
            reputation.note(vertex, peer: 2, .voted, by: 0)
            reputation.decided(vertex, accepted: true, by: 0, at: .zero)
        }
        // Counters saturate by halving: the ratio survives, the state does not grow.
        #expect(reputation.reputation(of: 1, by: 0) == 0)
        #expect(reputation.reputation(of: 2, by: 0) == 1)
        #expect(reputation.flags(1, by: 0) && !reputation.flags(2, by: 0))
        #expect(reputation.recall == 1 && reputation.falsePositiveRate == 0)
    }
}

@Suite("Checkers against a real attack")
struct CheckerProofTests {
    /// Weak parameters (k 10, α 7, β 4), many double spends, and a large coalition. With
    /// α 6 and β 3 even honest nodes sometimes finalize both sides of a double spend sent
    /// to two nodes at once (each side starts with half the network), so the proof uses
    /// the weakest setting under which honest runs stay safe.
    private func weak(_ behavior: ByzantineBehavior, fraction: Double, seed: UInt64 = 5) -> SimulationOptions {
        var options = byzantineOptions(behavior, fraction: fraction, nodes: 30, seconds: 4, conflictRate: 0.3, seed: seed)
        options.consensus = ConsensusParameters(k: 10, alphaPreference: 7, alphaConfidence: 7, beta: 4, concurrentRepolls: 2)
        return options
    }

    @Test func anEquivocatingCoalitionBreaksSafetyUnderWeakParameters() throws {
        let attacked = try run(weak(.equivocation, fraction: 0.4))
        let honest = try run(weak(.equivocation, fraction: 0))
        #expect(attacked.value("safety.violations")! > 0)
        #expect(attacked.violations.contains { $0.kind == .acceptedConflict })
        #expect(honest.value("safety.violations") == 0)
        #expect(honest.value("transactions.rejected")! > 0)     // conflicts were there, and decided
    }

    @Test func aCollusionCoalitionBreaksSafetyUnderWeakParameters() throws {
        // Whether a given run diverges depends on the draws: all of seeds 1 to 10 do, and nine
        // of them with another network stream that was tried. Four of five is asked.
        var diverged: [UInt64] = []
        for seed: UInt64 in 1...5 where try run(weak(.collusion, fraction: 0.4, seed: seed)).value("safety.violations")! > 0 {
            diverged.append(seed)
        }
        #expect(diverged.count >= 4, "diverged at seeds \(diverged)")
    }

    @Test func echoingEveryAskerBreaksSafetyUnderWeakParameters() throws {
        // Always-accept votes for whatever each asker prefers, so both sides of a double
        // spend keep gaining confidence among their supporters.
        let attacked = try run(weak(.alwaysAccept, fraction: 0.25))
        #expect(attacked.value("safety.violations")! > 0)
    }

    @Test func aThirdWithholdingVotesStallsSafely() throws {
        // avalanchego's α = 15 of k = 20: with a third of the nodes silent, polls rarely
        // reach α, so little is decided, but nothing conflicting is.
        // 2 % double spends: enough conflicts to decide, few enough that the honest run is
        // not held back by one that stays split in a run this short (5 % was).
        var options = byzantineOptions(.alwaysReject, fraction: 0.35, nodes: 30, seconds: 4, conflictRate: 0.02)
        options.consensus = ConsensusParameters(k: 20, alphaPreference: 15, alphaConfidence: 15, beta: 20, concurrentRepolls: 4)
        let stalled = try run(options)
        options.byzantine.fraction = 0
        let live = try run(options)
        #expect(stalled.value("safety.violations") == 0)
        #expect(stalled.value("transactions.pending")! > 4 * live.value("transactions.pending")!)
        #expect(stalled.value("tps.mean")! < live.value("tps.mean")! / 2)
    }
}
