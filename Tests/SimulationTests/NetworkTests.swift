import Testing
@testable import Simulation

/// A network of `nodes` nodes on `profile`, with `change` applied to its options.
private func network(_ profile: NetworkProfile, nodes: Int = 50, seed: UInt64 = 7,
                     _ change: (inout NetworkOptions) -> Void = { _ in }) -> Network {
    var options = NetworkOptions(profile: profile)
    change(&options)
    return Network(options: options, nodeCount: nodes, streams: RandomStreams(seed: seed))
}

@Suite("Network model")
struct NetworkTests {
    @Test(arguments: [NetworkProfile.local, .lan, .degraded])
    func aLinkKeepsOneBaseLatencyInTheProfilesRangeAndJitterAddsUpToItsFraction(profile: NetworkProfile) throws {
        var net = network(profile) { $0.lossRate = 0; $0.uploadMbps = nil }
        let range = profile.latencyRange
        for (a, b) in [(0, 1), (3, 17), (49, 2), (10, 11)] {
            let base = net.baseLatency(a, b)
            #expect(base == net.baseLatency(b, a))
            #expect(base >= range.lowerBound && base < range.upperBound)
            var total = 0.0
            let sends = 2_000
            for _ in 0..<sends {
                let arrival = net.send(from: a, to: b, bytes: 100, at: .zero)
                let delay = try #require(arrival) - SimInstant.zero
                #expect(delay >= base && delay.nanoseconds <= base.nanoseconds + base.nanoseconds / 10)
                total += Double((delay - base).nanoseconds)
            }
            // Jitter is uniform in [0, 10 %) of the base: its mean is about 5 %.
            let meanFraction = total / Double(sends) / Double(base.nanoseconds)
            #expect(abs(meanFraction - 0.05) < 0.005, "mean jitter \(meanFraction) of the base")
        }
    }

    @Test func linksSpreadOverTheWholeRange() {
        let net = network(.lan, nodes: 200)
        var lowest = Int64.max, highest = Int64.min
        for a in 0..<200 { for b in (a + 1)..<200 {
            let base = net.baseLatency(a, b).nanoseconds
            lowest = min(lowest, base)
            highest = max(highest, base)
        } }
        // 19,900 links uniform over 1–10 ms reach within 0.1 ms of both ends.
        #expect(lowest < 1_100_000 && highest > 9_900_000)
    }

    @Test func wanLinksFollowTheRegionsAndNoneIsShorterThanTheShardWindow() {
        let net = network(.wan, nodes: 300)
        let floor = net.shortestLatency
        let range = NetworkProfile.wan.latencyRange
        // The shortest pair's latency less 10 % (and a nanosecond for the rounding).
        #expect(floor.nanoseconds >= range.lowerBound.nanoseconds * 9 / 10 - 1)
        var withinRegion: [Int64] = [], acrossOcean: [Int64] = []
        for a in 0..<300 { for b in (a + 1)..<300 {
            let base = net.baseLatency(a, b)
            #expect(base >= floor && base.nanoseconds <= range.upperBound.nanoseconds * 11 / 10)
            // Europe (1) inside itself against Europe to Australia (5).
            let pair = (net.regionOf[a], net.regionOf[b])
            if pair == (1, 1) { withinRegion.append(base.nanoseconds) }
            if pair == (1, 5) || pair == (5, 1) { acrossOcean.append(base.nanoseconds) }
        } }
        #expect(!withinRegion.isEmpty && !acrossOcean.isEmpty)
        #expect(withinRegion.max()! < acrossOcean.min()!)
    }

    @Test(arguments: [0.0, 0.0001, 0.001, 0.01, 0.2, 1.0])
    func lossTakesTheProfilesShareOfMessages(rate: Double) {
        var net = network(.lan) { $0.lossRate = rate; $0.uploadMbps = nil }
        // At the LAN's rate, enough messages for 200 losses.
        let sends = rate == 0.0001 ? 2_000_000 : 200_000
        var lost = 0
        for index in 0..<sends where net.send(from: index % 50, to: (index + 1) % 50, bytes: 64, at: .zero) == nil {
            lost += 1
        }
        let expected = Double(sends) * rate
        // Within five standard deviations of the binomial count.
        let spread = 5 * (Double(sends) * rate * (1 - rate)).squareRoot()
        #expect(abs(Double(lost) - expected) <= spread, "lost \(lost) of \(sends) at \(rate)")
    }

    @Test func lossesAreSpreadLikeIndependentDraws() {
        // The gaps between losses are geometric: at 5 %, about 5 % of them are 0 (two
        // losses in a row) and their mean is 19 messages.
        var net = network(.lan) { $0.lossRate = 0.05; $0.uploadMbps = nil }
        var gaps: [Int] = []
        var run = 0
        for _ in 0..<400_000 {
            if net.send(from: 0, to: 1, bytes: 64, at: .zero) == nil {
                gaps.append(run)
                run = 0
            } else {
                run += 1
            }
        }
        let mean = Double(gaps.reduce(0, +)) / Double(gaps.count)
        let adjacent = Double(gaps.filter { $0 == 0 }.count) / Double(gaps.count)
        #expect(abs(mean - 19) < 0.6, "mean gap \(mean)")
        #expect(abs(adjacent - 0.05) < 0.01, "share of adjacent losses \(adjacent)")
    }

    @Test func aPacketLossFaultAddsItsRateAtEitherEndOfAMessage() {
        var net = network(.lan, nodes: 10) { $0.lossRate = 0.01; $0.uploadMbps = nil }
        net.nodeExtraLoss = Array(repeating: 0, count: 10)
        net.nodeExtraLoss[0] = 0.3
        var lostFrom = 0, lostTo = 0, lostElsewhere = 0
        let sends = 20_000
        for _ in 0..<sends {
            if net.send(from: 0, to: 5, bytes: 64, at: .zero) == nil { lostFrom += 1 }
            if net.send(from: 6, to: 0, bytes: 64, at: .zero) == nil { lostTo += 1 }
            if net.send(from: 3, to: 4, bytes: 64, at: .zero) == nil { lostElsewhere += 1 }
        }
        for lost in [lostFrom, lostTo] { #expect(abs(Double(lost) / Double(sends) - 0.31) < 0.02, "\(lost)") }
        #expect(abs(Double(lostElsewhere) / Double(sends) - 0.01) < 0.004, "\(lostElsewhere)")
    }

    @Test func theUplinkSendsOneMessageAfterAnother() throws {
        // 8 Mbit/s is a byte a microsecond: 1,000-byte messages take 1 ms each to leave.
        var net = network(.lan, nodes: 4) { $0.lossRate = 0; $0.uploadMbps = 8; $0.jitter = 0 }
        let base = net.baseLatency(0, 1)
        for index in 1...10 {
            let sent = net.send(from: 0, to: 1, bytes: 1_000, at: .zero)
            #expect(try #require(sent) - SimInstant.zero == .milliseconds(index) + base)
        }
        #expect(net.uploadBacklog(of: 0, at: .zero) == .milliseconds(10))
        #expect(net.uploadBacklog(of: 1, at: .zero) == .zero)
        // At 3 Mbit/s a byte takes 2,666.67 ns: rounded up to whole nanoseconds.
        var slow = network(.lan, nodes: 4) { $0.lossRate = 0; $0.uploadMbps = 3; $0.jitter = 0 }
        let sent = slow.send(from: 2, to: 3, bytes: 1, at: .zero)
        #expect(try #require(sent) - SimInstant.zero == .nanoseconds(2_667) + slow.baseLatency(2, 3))
    }

    /// Where a bandwidth gives a whole number of nanoseconds per byte, a message's time on
    /// the uplink is worked out as a product of integers: the same number as the floating
    /// product rounded up, for messages of any size the simulation sends (up to 16 MB here).
    @Test func wholeNanosecondsPerByteGiveTheFloatingProductsTimes() {
        for mbps in [1.0, 8, 10, 25, 100, 125, 1_000, 8_000] {
            let perByte = 8_000 / mbps
            #expect(perByte == perByte.rounded(.down))
            for bytes in [1, 40, 77, 1_000, 3_389, 65_535, 1 << 20, 16 << 20] {
                #expect(Int64(bytes) * Int64(perByte) == Network.roundedUp(Double(bytes) * perByte), "\(mbps) Mbit/s, \(bytes) bytes")
            }
            var net = network(.lan, nodes: 2) { $0.lossRate = 0; $0.uploadMbps = mbps; $0.jitter = 0 }
            let sent = net.send(from: 0, to: 1, bytes: 3_389, at: .zero)
            #expect(sent.map { $0 - SimInstant.zero } == .nanoseconds(3_389 * Int64(perByte)) + net.baseLatency(0, 1))
        }
    }

    @Test func aLatencySpikeSlowsMessagesAtEitherEnd() throws {
        var net = network(.lan, nodes: 4) { $0.lossRate = 0; $0.uploadMbps = nil; $0.jitter = 0 }
        net.nodeLatencyFactor = [1, 3, 1, 1]
        let slowed = net.send(from: 0, to: 1, bytes: 10, at: .zero)
        #expect(try #require(slowed) - SimInstant.zero == net.baseLatency(0, 1) * 3)
        let plain = net.send(from: 2, to: 3, bytes: 10, at: .zero)
        #expect(try #require(plain) - SimInstant.zero == net.baseLatency(2, 3))
    }
}
