#if canImport(Glibc)
// `squareRoot()` lowers to the C library's `sqrt` on Linux, which lives in libm.
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The SplitMix64 generator: a 64-bit counter passed through a strong mixing function.
///
/// Used to expand one seed into the state of other generators and to derive independent
/// stream seeds; its outputs for a given seed are fixed by the published algorithm
/// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The Weyl-sequence increment: 2^64 divided by the golden ratio, made odd.
    @usableFromInline
    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The counter; each output advances it by ``increment``.
    public var state: UInt64

    /// Creates a generator whose first output is derived from `seed`.
    @inlinable
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= SplitMix64.increment
        return SplitMix64.finalize(state)
    }

    /// The SplitMix64 output function: a bijective mix in which every input bit affects
    /// every output bit.
    @inlinable
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Mixes `value` the way one SplitMix64 step would from state `value`, without a generator.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        finalize(value &+ increment)
    }
}

/// The xoshiro256** generator (Blackman and Vigna, 2018), seeded through SplitMix64.
///
/// This is the simulation's only source of randomness. Its output for a given seed is fixed
/// by the published algorithm, and every helper here (bounded integers, doubles, sampling)
/// is our own code, so a run's draws never change with the standard library's version.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose 256-bit state is four consecutive SplitMix64 outputs from `seed`.
    @inlinable
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
        // SplitMix64 is a bijection of its counter, so four consecutive outputs cannot all be zero.
    }

    /// Creates a generator from an explicit state, which must not be all zero.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// The current 256-bit state, for checkpoints and tests.
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Xoshiro256StarStar.rotateLeft(s1 &* 5, by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = Xoshiro256StarStar.rotateLeft(s3, by: 45)
        return result
    }

    /// `value` rotated left by `amount` (1...63): masking shifts, which compile to one
    /// rotation where the checked ones left a call in the generator.
    @inlinable @inline(__always)
    static func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value &<< amount) | (value &>> (64 &- amount))
    }

    /// A uniformly distributed integer in `0..<bound`, without bias (Lemire's multiply-and-reject
    /// method: one multiplication, and a division only on the rare rejection path).
    @inlinable
    public mutating func nextBelow(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "nextBelow needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            // Outputs whose low half falls below 2^64 mod bound would over-represent some results.
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniformly distributed integer in `0..<bound`; `bound` must be positive.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        return Int(truncatingIfNeeded: nextBelow(UInt64(bound)))
    }

    /// A uniformly distributed integer in `range`, which must not be empty.
    @inlinable
    public mutating func nextInt(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "nextInt(in:) needs a non-empty range")
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        return range.lowerBound &+ Int(truncatingIfNeeded: nextBelow(width))
    }

    /// A uniformly distributed `Double` in `[0, 1)`, a multiple of 2^-53 built from the top 53 bits.
    @inlinable @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `probability`, which must lie in `0...1`.
    @inlinable
    public mutating func nextBool(probability: Double) -> Bool {
        precondition(probability >= 0 && probability <= 1, "probability must lie in 0...1")
        return nextDouble() < probability
    }

    /// `true` with the exact probability `numerator / denominator` (`numerator <= denominator`).
    @inlinable
    public mutating func nextBool(numerator: UInt64, denominator: UInt64) -> Bool {
        precondition(denominator > 0 && numerator <= denominator, "need 0 <= numerator <= denominator")
        return nextBelow(denominator) < numerator
    }

    /// An exponentially distributed value with the given mean (inverse transform sampling).
    ///
    /// Uses ``DeterministicMath/log(_:)``, built from IEEE basic operations only, so the draws
    /// are the same on every platform.
    @inlinable
    public mutating func nextExponential(mean: Double) -> Double {
        precondition(mean >= 0 && mean.isFinite, "mean must be finite and non-negative")
        // 1 - u lies in (0, 1], so the logarithm is finite.
        return -mean * DeterministicMath.log(1 - nextDouble())
    }

    /// A geometrically distributed count: the failures before the first success of trials
    /// that each fail with the probability whose logarithm is `logFailure` (negative), by the
    /// same inverse transform: with U uniform in (0, 1], ⌊ln U / ln q⌋ is k with probability
    /// q^k · (1 − q). Capped at 2^63.
    @inlinable
    public mutating func nextGeometric(logFailure: Double) -> UInt64 {
        precondition(logFailure < 0, "the failure probability's logarithm must be negative")
        let count = DeterministicMath.log(1 - nextDouble()) / logFailure
        return count < 0x1p63 ? UInt64(count) : UInt64(1) << 63
    }

    /// A normally distributed value (Marsaglia's polar method, one of the pair kept).
    @inlinable
    public mutating func nextGaussian(mean: Double, standardDeviation: Double) -> Double {
        precondition(standardDeviation >= 0 && standardDeviation.isFinite, "standard deviation must be finite")
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let radiusSquared = u * u + v * v
            if radiusSquared > 0 && radiusSquared < 1 {
                let factor = (-2 * DeterministicMath.log(radiusSquared) / radiusSquared).squareRoot()
                return mean + standardDeviation * u * factor
            }
        }
    }

    /// Largest sample size drawn by rejection; above it (or when `k` is a large share of `n`)
    /// the partial Fisher–Yates shuffle is used. (Chosen when duplicates were found by a
    /// search of the values drawn; kept, so that a seed draws the samples it always drew.)
    @usableFromInline
    static let rejectionSampleLimit = 128

    /// Fills `result` with `k` distinct integers drawn uniformly from `0..<n`, in random order.
    ///
    /// Every ordered selection of `k` distinct values is equally likely. `result` is cleared
    /// first and its capacity reused, so a caller that keeps one buffer allocates nothing after
    /// the first call.
    /// - Small samples (`k <= 128` and `4k <= n`, e.g. 20 or 100 peers out of 10,000): draw and
    ///   reject duplicates. Expected draws are at most `4k/3`; memory is `k` slots and `n` bits.
    /// - Otherwise: partial Fisher–Yates shuffle of `0..<n` laid out in `result`, keeping the
    ///   first `k`. Exactly `k` draws; time and the buffer's capacity are O(n).
    public mutating func sample(_ k: Int, from n: Int, into result: inout [Int]) {
        var marks: [UInt64] = []
        sample(k, from: n, into: &result, marks: &marks)
    }

    /// `sample(_:from:into:)` with the caller's scratch for the duplicate check: `marks` holds
    /// a bit per value drawn so far, all clear before and after the call (it grows to `n`
    /// bits when shorter). A caller that samples often keeps one and allocates nothing; the
    /// values drawn are the same either way.
    ///
    /// The bits replace a search of the values drawn so far at each draw, about 190
    /// comparisons for a sample of 20 (a poll's).
    public mutating func sample(_ k: Int, from n: Int, into result: inout [Int], marks: inout [UInt64]) {
        precondition(k >= 0 && k <= n, "cannot sample \(k) distinct values from \(n)")
        result.removeAll(keepingCapacity: true)
        if k == 0 { return }
        if k <= Xoshiro256StarStar.rejectionSampleLimit && 4 * k <= n {
            let words = (n + 63) / 64
            if marks.count < words { marks.append(contentsOf: repeatElement(0, count: words - marks.count)) }
            // The k places made at once and filled through a pointer: an append per value
            // checked the array for sharing each time, a call of its own.
            result.append(contentsOf: repeatElement(0, count: k))
            result.withUnsafeMutableBufferPointer { result in
                marks.withUnsafeMutableBufferPointer { marks in
                    var filled = 0
                    while filled < k {
                        let candidate = nextInt(below: n)      // in 0..<n: shifts and masks divide it
                        let word = candidate &>> 6
                        let bit = UInt64(1) &<< UInt64(candidate & 63)
                        if marks[word] & bit == 0 {
                            marks[word] |= bit
                            result[filled] = candidate
                            filled += 1
                        }
                    }
                    for value in result { marks[value &>> 6] = 0 }
                }
            }
            return
        }
        result.reserveCapacity(n)
        for value in 0..<n {
            result.append(value)
        }
        result.withUnsafeMutableBufferPointer { buffer in
            for position in 0..<k {
                let chosen = position + nextInt(below: n - position)
                buffer.swapAt(position, chosen)
            }
        }
        result.removeLast(n - k)
    }
}

/// Elementary functions computed with IEEE-754 basic operations only (+, −, ×, ÷), which are
/// correctly rounded everywhere, so results do not depend on the platform's math library.
public enum DeterministicMath {
    /// ln 2 split so that `exponent * ln2High` is exact for any binary64 exponent.
    @usableFromInline static let ln2High = 6.93147180369123816490e-01
    @usableFromInline static let ln2Low = 1.90821492927058770002e-10

    /// The natural logarithm of `x`, accurate to a few units in the last place.
    ///
    /// `x` is split as `m · 2^e` with `m` in `[√½, √2)`, and `ln m = 2·atanh(s)` with
    /// `s = (m − 1)/(m + 1)`, `|s| < 0.172`, summed as an odd series to degree 23 (the
    /// truncation error is below 2^-56 of the result). Returns `-infinity` for 0 and NaN for
    /// negative or NaN input.
    @inlinable
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var value = x
        var exponent = 0
        if value < Double.leastNormalMagnitude {
            value *= 0x1.0p54
            exponent -= 54
        }
        let bits = value.bitPattern
        exponent += Int((bits >> 52) & 0x7FF) - 1023
        var mantissa = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        if mantissa > 1.4142135623730951 {
            mantissa *= 0.5
            exponent += 1
        }
        // Exact by Sterbenz's lemma, since mantissa lies in [0.5, 2].
        let f = mantissa - 1
        let s = f / (2 + f)
        let z = s * s
        var series = 1.0 / 23
        series = series * z + 1.0 / 21
        series = series * z + 1.0 / 19
        series = series * z + 1.0 / 17
        series = series * z + 1.0 / 15
        series = series * z + 1.0 / 13
        series = series * z + 1.0 / 11
        series = series * z + 1.0 / 9
        series = series * z + 1.0 / 7
        series = series * z + 1.0 / 5
        series = series * z + 1.0 / 3
        // ln m = 2s + 2s·z·series, written so the leading term is added last.
        let tail = 2 * s * z * series
        let e = Double(exponent)
        return e * ln2High + (2 * s + (tail + e * ln2Low))
    }
}

/// Names one model's random stream; streams with different names (or indices) never share draws.
///
/// The tag is a 64-bit FNV-1a hash of the name, which is fixed forever (unlike `Hasher`, which
/// is seeded per process), so a stream's draws depend only on the scenario seed, the name and
/// the index.
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    /// The stream's name, for diagnostics.
    public let name: String
    /// The 64-bit FNV-1a hash of `name`'s UTF-8 bytes, mixed into the stream seed.
    public let tag: UInt64

    /// Creates the stream identifier for `name`.
    public init(_ name: String) {
        self.name = name
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        tag = hash
    }

    /// The network model: latency jitter, loss.
    public static let network = StreamID("network")
    /// The workload generator: transaction submission times, payloads, targets, conflicts.
    public static let workload = StreamID("workload")
    /// A fault injector; the index tells faults apart.
    public static let fault = StreamID("fault")
    /// Byzantine behaviours.
    public static let byzantine = StreamID("byzantine")
    /// A node's peer sampler; the index is the node id.
    public static let nodeSampler = StreamID("node-sampler")
    /// A node's choice of parents for the vertices it issues; the index is the node id.
    public static let nodeParents = StreamID("node-parents")
    /// Node-local randomness other than peer sampling (e.g. CPU service jitter); index = node id.
    public static let node = StreamID("node")
    /// Scenario-level choices made once at build time (topology, region assignment).
    public static let topology = StreamID("topology")

    /// The name.
    public var description: String { name }
}

/// Derives every model's independent random stream from one scenario seed.
///
/// `stream(id, index:)` depends only on `(seed, id, index)`: adding a model, or drawing more
/// from one stream, never changes what another stream draws.
public struct RandomStreams: Sendable {
    /// The scenario seed.
    public let seed: UInt64

    /// Creates the stream family of `seed`.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Separates the index mix from the tag mix so that (tag, index) pairs cannot collide by symmetry.
    private static let indexSalt: UInt64 = 0xD1B5_4A32_D192_ED03

    /// A fresh generator for model `id`, instance `index` (e.g. the fault number or node id).
    public func stream(_ id: StreamID, index: Int = 0) -> Xoshiro256StarStar {
        let modelKey = SplitMix64.mix(seed ^ SplitMix64.mix(id.tag))
        let instanceKey = SplitMix64.mix(
            modelKey ^ SplitMix64.mix(UInt64(bitPattern: Int64(index)) &+ RandomStreams.indexSalt)
        )
        return Xoshiro256StarStar(seed: instanceKey)
    }
}
