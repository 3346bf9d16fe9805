import Testing
@testable import Simulation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The platform C library's natural logarithm, the reference for `DeterministicMath.log`.
private func platformLog(_ x: Double) -> Double {
    log(x)
}

/// Pinned outputs were computed by an independent implementation of the published algorithms
/// (SplitMix64: Steele, Lea and Flood 2014; xoshiro256**: Blackman and Vigna 2018).
struct RandomTests {
    @Test func splitMix64MatchesPublishedSequence() {
        var generator = SplitMix64(seed: 1_234_567)
        let outputs = (0..<5).map { _ in generator.next() }
        #expect(outputs == [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ])
    }

    @Test func xoshiroFromExplicitStateMatchesReference() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        let outputs = (0..<6).map { _ in generator.next() }
        #expect(outputs == [
            11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240,
            1_216_172_134_540_287_360, 607_988_272_756_665_600,
        ])
    }

    @Test func xoshiroSeededThroughSplitMixIsPinned() {
        var generator = Xoshiro256StarStar(seed: 42)
        let outputs = (0..<6).map { _ in generator.next() }
        #expect(outputs == [
            1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009,
            17_057_574_109_182_124_193, 18_295_552_978_065_317_476, 14_199_186_830_065_750_584,
        ])
        var zeroSeeded = Xoshiro256StarStar(seed: 0)
        #expect(zeroSeeded.next() == 11_091_344_671_253_066_420)
    }

    @Test func streamDerivationIsPinned() {
        let streams = RandomStreams(seed: 2024)
        #expect(StreamID.network.tag == 0x1E8E_57B2_909B_2A85)
        var network = streams.stream(.network)
        #expect((0..<3).map { _ in network.next() } == [
            2_707_117_865_709_557_746, 887_727_800_478_672_539, 10_933_195_147_805_565_228,
        ])
        var sampler = streams.stream(.nodeSampler, index: 7)
        #expect((0..<3).map { _ in sampler.next() } == [
            13_989_380_585_881_022_785, 14_583_118_327_897_041_496, 2_725_297_934_056_057_072,
        ])
    }

    @Test func streamsAreReproducibleAndIndependent() {
        let streams = RandomStreams(seed: 7)
        func firstDraws(_ id: StreamID, _ index: Int) -> [UInt64] {
            var generator = streams.stream(id, index: index)
            return (0..<64).map { _ in generator.next() }
        }
        let network = firstDraws(.network, 0)
        // Drawing from other streams in between changes nothing.
        var workload = streams.stream(.workload)
        for _ in 0..<1_000 { _ = workload.next() }
        var fault = streams.stream(.fault, index: 3)
        _ = fault.next()
        #expect(firstDraws(.network, 0) == network)
        // Different models, indices and seeds give different streams.
        let others = [
            firstDraws(.workload, 0), firstDraws(.network, 1), firstDraws(.fault, 0), firstDraws(.fault, 1),
            firstDraws(.byzantine, 0), firstDraws(.nodeSampler, 0), firstDraws(.nodeParents, 0),
            firstDraws(StreamID("custom-model"), 0),
        ]
        for other in others {
            #expect(other != network)
            // Unrelated 64-bit words differ in about half their bits.
            let differing = zip(other, network).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            #expect(differing > 64 * 32 - 200 && differing < 64 * 32 + 200)
        }
        var otherSeed = RandomStreams(seed: 8).stream(.network)
        #expect((0..<64).map { _ in otherSeed.next() } != network)
    }

    @Test func nextBelowIsUnbiasedForSmallBounds() {
        var generator = Xoshiro256StarStar(seed: 11)
        let bound: UInt64 = 7
        let draws = 140_000
        var counts = [Int](repeating: 0, count: Int(bound))
        for _ in 0..<draws {
            let value = generator.nextBelow(bound)
            #expect(value < bound)
            counts[Int(value)] += 1
        }
        let expected = Double(draws) / Double(bound)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        // 6 degrees of freedom: P(chi² > 22.46) = 0.001.
        #expect(chiSquare < 22.46)
    }

    @Test func nextBelowIsUnbiasedForBoundsThatForceRejection() {
        // With bound = 3·2^62, a quarter of the raw outputs is rejected; a biased reduction
        // would put half of the mass on the lowest third.
        var generator = Xoshiro256StarStar(seed: 12)
        let bound: UInt64 = 3 << 62
        var thirds = [0, 0, 0]
        let draws = 60_000
        for _ in 0..<draws {
            let value = generator.nextBelow(bound)
            #expect(value < bound)
            thirds[Int(value / (1 << 62))] += 1
        }
        for count in thirds {
            #expect(abs(count - draws / 3) < 600)
        }
        #expect(generator.nextBelow(1) == 0)
    }

    @Test func nextIntStaysInRange() {
        var generator = Xoshiro256StarStar(seed: 13)
        var seen = Set<Int>()
        for _ in 0..<10_000 {
            let value = generator.nextInt(in: -5..<5)
            #expect(value >= -5 && value < 5)
            seen.insert(value)
            let below = generator.nextInt(below: 3)
            #expect(below >= 0 && below < 3)
        }
        #expect(seen.count == 10)
        #expect(generator.nextInt(in: Int.min..<Int.max) != generator.nextInt(in: Int.min..<Int.max))
    }

    @Test func nextDoubleIsInUnitIntervalWithUniformMoments() {
        var generator = Xoshiro256StarStar(seed: 14)
        var sum = 0.0
        var sumOfSquares = 0.0
        let draws = 100_000
        for _ in 0..<draws {
            let value = generator.nextDouble()
            #expect(value >= 0 && value < 1)
            #expect(value * 0x1.0p53 == (value * 0x1.0p53).rounded(.towardZero))
            sum += value
            sumOfSquares += value * value
        }
        let mean = sum / Double(draws)
        #expect(abs(mean - 0.5) < 0.005)
        #expect(abs(sumOfSquares / Double(draws) - mean * mean - 1.0 / 12) < 0.002)
    }

    @Test func nextBoolFollowsProbability() {
        var generator = Xoshiro256StarStar(seed: 15)
        let draws = 100_000
        let hits = (0..<draws).filter { _ in generator.nextBool(probability: 0.3) }.count
        #expect(abs(Double(hits) / Double(draws) - 0.3) < 0.006)
        let exactHits = (0..<draws).filter { _ in generator.nextBool(numerator: 1, denominator: 4) }.count
        #expect(abs(Double(exactHits) / Double(draws) - 0.25) < 0.006)
        #expect(!(0..<1_000).contains { _ in generator.nextBool(probability: 0) })
        #expect((0..<1_000).allSatisfy { _ in generator.nextBool(probability: 1) })
    }

    @Test func nextExponentialHasRequestedMean() {
        var generator = Xoshiro256StarStar(seed: 16)
        let draws = 200_000
        var sum = 0.0
        var aboveMean = 0
        for _ in 0..<draws {
            let value = generator.nextExponential(mean: 2.5)
            #expect(value >= 0 && value.isFinite)
            sum += value
            if value > 2.5 { aboveMean += 1 }
        }
        #expect(abs(sum / Double(draws) - 2.5) < 0.03)
        // P(X > mean) = e^-1 ≈ 0.3679.
        #expect(abs(Double(aboveMean) / Double(draws) - 0.36788) < 0.005)
    }

    @Test func nextGaussianHasRequestedMoments() {
        var generator = Xoshiro256StarStar(seed: 17)
        let draws = 200_000
        var sum = 0.0
        var sumOfSquares = 0.0
        for _ in 0..<draws {
            let value = generator.nextGaussian(mean: 10, standardDeviation: 2)
            sum += value
            sumOfSquares += value * value
        }
        let mean = sum / Double(draws)
        #expect(abs(mean - 10) < 0.02)
        #expect(abs((sumOfSquares / Double(draws) - mean * mean).squareRoot() - 2) < 0.02)
    }

    @Test func deterministicLogarithmMatchesLibm() {
        var generator = Xoshiro256StarStar(seed: 18)
        var worstUlps = 0.0
        var inputs: [Double] = [1, 2, 0.5, 10, 1e-300, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 0.9999999999999999,
                                1.0000000000000002, 1.4142135623730951, 0.7071067811865476]
        for _ in 0..<20_000 {
            inputs.append(generator.nextDouble())
            inputs.append(Double(bitPattern: generator.nextBelow(0x7FEF_FFFF_FFFF_FFFF) + 1))
        }
        for x in inputs where x > 0 {
            let ours = DeterministicMath.log(x)
            let reference = platformLog(x)
            if reference == 0 {
                #expect(ours == 0)
                continue
            }
            let ulps = abs(ours - reference) / reference.ulp
            worstUlps = max(worstUlps, ulps)
        }
        #expect(worstUlps <= 2)
        #expect(DeterministicMath.log(0) == -.infinity)
        #expect(DeterministicMath.log(-1).isNaN)
        #expect(DeterministicMath.log(.infinity) == .infinity)
    }

    @Test(arguments: [(0, 10), (1, 1), (20, 10_000), (100, 10_000), (128, 512), (129, 10_000), (300, 1_000), (1_000, 1_000)])
    func sampleGivesDistinctValuesInRange(k: Int, n: Int) {
        var generator = Xoshiro256StarStar(seed: UInt64(k * 31 + n))
        var buffer: [Int] = [99]
        for _ in 0..<20 {
            generator.sample(k, from: n, into: &buffer)
            #expect(buffer.count == k)
            #expect(Set(buffer).count == k)
            #expect(buffer.allSatisfy { $0 >= 0 && $0 < n })
        }
    }

    @Test(arguments: [(3, 20), (12, 20)])
    func sampleIsUniformOverPositionsAndValues(k: Int, n: Int) {
        // (3, 20) takes the rejection path, (12, 20) the partial Fisher–Yates path.
        var generator = Xoshiro256StarStar(seed: 19)
        var buffer: [Int] = []
        let rounds = 40_000
        var valueCounts = [Int](repeating: 0, count: n)
        var firstPositionCounts = [Int](repeating: 0, count: n)
        for _ in 0..<rounds {
            generator.sample(k, from: n, into: &buffer)
            for value in buffer { valueCounts[value] += 1 }
            firstPositionCounts[buffer[0]] += 1
        }
        let expectedValue = Double(rounds * k) / Double(n)
        for count in valueCounts {
            #expect(abs(Double(count) - expectedValue) < 6 * expectedValue.squareRoot())
        }
        let expectedFirst = Double(rounds) / Double(n)
        for count in firstPositionCounts {
            #expect(abs(Double(count) - expectedFirst) < 6 * expectedFirst.squareRoot())
        }
    }

    /// The bits that find duplicates give the values a search of those drawn gives, draw for
    /// draw, and are all clear again after each sample (sizes around word boundaries too).
    @Test(arguments: [(1, 4), (20, 299), (20, 999), (16, 64), (33, 200), (128, 9_999)])
    func sampleWithMarksDrawsWhatARejectionSearchDraws(k: Int, n: Int) {
        var generator = Xoshiro256StarStar(seed: UInt64(7 * k + n))
        var reference = generator
        var marks: [UInt64] = []
        var buffer: [Int] = []
        for round in 0..<200 {
            generator.sample(k, from: n, into: &buffer, marks: &marks)
            var expected: [Int] = []
            while expected.count < k {
                let candidate = reference.nextInt(below: n)
                if !expected.contains(candidate) { expected.append(candidate) }
            }
            #expect(buffer == expected, "round \(round)")
            #expect(marks.count == (n + 63) / 64 && marks.allSatisfy { $0 == 0 })
        }
        #expect(generator.next() == reference.next())
    }

    @Test func sampleReusesTheCallersBuffer() {
        var generator = Xoshiro256StarStar(seed: 20)
        var buffer: [Int] = []
        buffer.reserveCapacity(100)
        generator.sample(100, from: 10_000, into: &buffer)
        let capacity = buffer.capacity
        for _ in 0..<100 {
            generator.sample(100, from: 10_000, into: &buffer)
        }
        #expect(buffer.capacity == capacity)
    }

    @Test func generatorCopiesReplayTheSameDraws() {
        var original = RandomStreams(seed: 99).stream(.workload, index: 2)
        _ = original.next()
        var copy = original
        #expect((0..<10).map { _ in original.nextBelow(1_000) } == (0..<10).map { _ in copy.nextBelow(1_000) })
    }
}
