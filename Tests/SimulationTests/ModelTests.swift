import ConsensusCore
import Testing
@testable import Simulation

/// A model-checking setting: free CPU, one transaction per vertex, a constant 5 ms
/// latency without jitter, loss or bandwidth cap, and one repoll at a time.
private func idealOptions(nodes: Int, seconds: Int, tps: Double) -> SimulationOptions {
    var options = quickOptions(nodes: nodes, seconds: seconds, tps: tps)
    options.consensus = ConsensusParameters(k: 10, alphaPreference: 7, alphaConfidence: 7, beta: 6, concurrentRepolls: 1)
    options.cpuCosts = .instant
    options.batchSize = 1
    options.network.minLatency = .milliseconds(5)
    options.network.maxLatency = .milliseconds(5)
    options.network.jitter = 0
    options.network.lossRate = 0
    options.network.uploadMbps = nil
    return options
}

@Suite("Simulator models")
struct ModelTests {
    /// With free CPU, a constant latency and one poll at a time, a virtuous transaction
    /// needs β successful polls, each one round trip.
    @Test func roundsAreBetaAndLatencyIsBetaRoundTrips() throws {
        let options = idealOptions(nodes: 50, seconds: 8, tps: 2)
        let result = try run(options)
        let rounds = try #require(result.value("finality.rounds.mean"))
        let p50 = try #require(result.value("latency.p50"))
        let beta = Double(options.consensus.beta), roundTrip = 10.0
        #expect(rounds >= beta && rounds <= beta + 1.5, "rounds \(rounds)")
        #expect(p50 >= beta * roundTrip && p50 <= (beta + 2) * roundTrip, "p50 \(p50) ms")
    }

    /// A node with `optimalProcessing` vertices processing issues no new one: its
    /// transactions wait and go out in full batches once polls decide some. The limit must
    /// cut the vertices issued, fill them, and lose no transaction.
    @Test func anIssuanceLimitHoldsTransactionsBackInFullerVertices() throws {
        var free = quickOptions(nodes: 20, seconds: 4, tps: 200)
        free.optimalProcessing = nil
        var limited = free
        limited.optimalProcessing = 2
        let unlimited = try run(free), throttled = try run(limited)
        for result in [unlimited, throttled] {
            #expect(result.conservation.balances, "\(result.conservation)")
            #expect(result.value("safety.violations") == 0)
        }
        let freeVertices = try #require(unlimited.value("vertices.issued"))
        let heldVertices = try #require(throttled.value("vertices.issued"))
        let freeAccepted = try #require(unlimited.value("transactions.accepted"))
        let heldAccepted = try #require(throttled.value("transactions.accepted"))
        #expect(heldVertices < 0.7 * freeVertices, "vertices issued: \(heldVertices) limited, \(freeVertices) free")
        #expect(heldAccepted / heldVertices > 1.3 * freeAccepted / freeVertices,
                "transactions per vertex: \(heldAccepted / heldVertices) limited, \(freeAccepted / freeVertices) free")
        #expect(heldAccepted > freeAccepted / 2, "accepted: \(heldAccepted) limited, \(freeAccepted) free")
    }

    /// With `pollOnIssue` a node polls every vertex it adds, as avalanchego's issuer does;
    /// without it, only its own, and its other polls are repolls, at most
    /// `concurrentRepolls` at a time. With a constant 5 ms latency a poll lasts at least a
    /// 10 ms round trip, so without the option a node starts at most one repoll per 10 ms
    /// per slot besides its own vertices' polls; with it, at least one poll for each of the
    /// (many more) peers' vertices it adds.
    @Test func withPollOnIssueEveryNodePollsEveryVertexItAdds() throws {
        let options = idealOptions(nodes: 20, seconds: 4, tps: 200)
        var polling = options
        polling.pollOnIssue = true
        var polls: [Bool: (started: Double, vertices: Double)] = [:]
        for setting in [options, polling] {
            let simulator = try Simulator(options: setting)
            let result = simulator.run()
            #expect(result.conservation.balances, "\(result.conservation)")
            #expect(result.value("safety.violations") == 0)
            let vertices = try #require(result.value("vertices.issued"))
            polls[setting.pollOnIssue] = (Double(simulator.nodes.reduce(0) { $0 + Int($1.nextPoll) }), vertices)
        }
        let nodes = Double(options.nodes), seconds = 4.0
        let off = try #require(polls[false]), on = try #require(polls[true])
        let repollBound = nodes * seconds / 0.010 + off.vertices
        #expect(off.started <= repollBound, "polls without the option: \(off.started), bound \(repollBound)")
        #expect(on.vertices > 500, "vertices issued: \(on.vertices)")
        #expect(on.started >= 0.9 * (nodes - 1) * on.vertices,
                "polls with the option: \(on.started) for \(on.vertices) vertices on \(nodes) nodes")
    }

    /// With `answerAtOnce` a node answers every query as it arrives, as avalanchego's engine
    /// does, and fetches what the query names afterwards: no answer ever waits. Without it a
    /// peer that lacks a vertex the query names (vertices are pushed to k of the 20 nodes;
    /// the others hear of them through queries) fetches it first, and answers wait.
    @Test func withAnswerAtOnceNoAnswerWaitsForAVertex() throws {
        let options = idealOptions(nodes: 20, seconds: 3, tps: 100)
        var atOnce = options
        atOnce.answerAtOnce = true
        var mostWaiting: [Bool: Int] = [:]
        for setting in [options, atOnce] {
            let simulator = try Simulator(options: setting)
            var most = 0
            let result = simulator.run(progressEvery: 100) { _ in
                most = max(most, simulator.nodes.reduce(0) { $0 + $1.deferred.count })
            }
            #expect(result.conservation.balances, "\(result.conservation)")
            #expect(result.value("safety.violations") == 0)
            #expect(try #require(result.value("transactions.accepted")) > 200)
            mostWaiting[setting.answerAtOnce] = most
        }
        #expect(try #require(mostWaiting[false]) > 0, "answers waiting at once without the option")
        #expect(mostWaiting[true] == 0, "answers waiting at once with the option: \(mostWaiting[true] ?? -1)")
    }

    @Test func aBandwidthCapBelowTheLoadMakesLatencyGrow() throws {
        var free = quickOptions(nodes: 40, seconds: 6, tps: 20)
        free.network.uploadMbps = nil
        var capped = free
        capped.network.uploadMbps = 1.5
        let uncapped = try run(free), saturated = try run(capped)
        let fast = try #require(uncapped.value("latency.p95"))
        let slow = try #require(saturated.value("latency.p95"))
        #expect(slow > 2 * fast, "capped p95 \(slow) ms vs uncapped \(fast) ms")
        // The uplink carries at most its cap in any interval; the rest waits in its queue.
        let offered = try #require(uncapped.value("node.bandwidth.max"))
        let carried = try #require(saturated.value("node.bandwidth.max"))
        #expect(offered > 1.5, "uncapped max \(offered) Mbit/s")
        #expect(carried <= 1.5, "capped max \(carried) Mbit/s against a 1.5 Mbit/s cap")
    }

    @Test func pruningKeepsMemoryFlatAndItsAbsenceMakesItGrow() throws {
        var pruned = quickOptions(nodes: 30, seconds: 20, tps: 20)
        pruned.warmup = .seconds(2)
        var unpruned = pruned
        unpruned.pruning = false
        let flat = try #require(try run(pruned).value("node.memory.growthPercent"))
        let growing = try #require(try run(unpruned).value("node.memory.growthPercent"))
        #expect(growing > 150, "growth without pruning \(growing) %")
        #expect(flat < growing / 4, "growth with pruning \(flat) % against \(growing) % without")
    }
}
