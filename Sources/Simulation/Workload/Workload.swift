import ConsensusCore

/// Generates the offered load: Poisson arrivals whose rate follows the pattern, each a
/// fresh transaction, or with probability `conflictRate` a double spend (two
/// transactions spending one input, for two different nodes).
struct Workload {
    let options: WorkloadOptions
    let duration: SimDuration
    private var random: Xoshiro256StarStar
    /// The highest rate the pattern reaches: arrivals are drawn at this rate and thinned.
    private let peakRate: Double
    /// Next transaction nonce; also the transaction's index in the run's ledger.
    private(set) var nextNonce: UInt64 = 0
    private var nextInput: InputID = 1
    private var payload: [UInt8]
    /// For the random pattern: the rate of each period, drawn when first needed.
    private var randomRates: [Double] = []

    init(options: WorkloadOptions, duration: SimDuration, streams: RandomStreams) {
        self.options = options
        self.duration = duration
        random = streams.stream(.workload)
        switch options.pattern {
        case .constant: peakRate = options.tps
        case let .ramp(peak), let .burst(peak, _, _), let .sine(peak, _), let .random(peak, _):
            peakRate = max(options.tps, peak)
        }
        payload = [UInt8](repeating: 0, count: options.payloadBytes)
    }

    /// The offered rate at `time`, transactions per second.
    mutating func rate(at time: SimInstant) -> Double {
        let t = Double(time.nanoseconds)
        switch options.pattern {
        case .constant:
            return options.tps
        case let .ramp(peak):
            let fraction = min(1, t / Double(max(1, duration.nanoseconds)))
            return options.tps + (peak - options.tps) * fraction
        case let .burst(peak, period, burst):
            let phase = time.nanoseconds % max(1, period.nanoseconds)
            return phase < burst.nanoseconds ? peak : options.tps
        case let .sine(peak, period):
            let phase = t / Double(max(1, period.nanoseconds))
            return options.tps + (peak - options.tps) * (1 - DeterministicMath.cos(2 * Double.pi * phase)) / 2
        case let .random(peak, period):
            let index = Int(time.nanoseconds / max(1, period.nanoseconds))
            while randomRates.count <= index {
                randomRates.append(options.tps + (peak - options.tps) * random.nextDouble())
            }
            return randomRates[index]
        }
    }

    /// The next arrival strictly after `time`, or nil past the end of the run.
    mutating func nextArrival(after time: SimInstant) -> SimInstant? {
        guard peakRate > 0 else { return nil }
        var t = time
        while true {
            let gap = random.nextExponential(mean: 1e9 / peakRate)
            t = t + SimDuration(nanoseconds: max(1, Int64(gap)))
            if t.nanoseconds >= duration.nanoseconds { return nil }
            if peakRate == options.tps && options.pattern == .constant { return t }
            if random.nextDouble() * peakRate < rate(at: t) { return t }
        }
    }

    /// Whether the next arrival is a double spend.
    mutating func nextIsConflict() -> Bool {
        options.conflictRate > 0 && random.nextDouble() < options.conflictRate
    }

    /// A uniform draw in `0..<bound` from the workload's stream (choosing nodes).
    mutating func pick(below bound: Int) -> Int { random.nextInt(below: bound) }

    /// A fresh input for a new transaction (or a double-spent pair).
    mutating func freshInput() -> InputID {
        defer { nextInput += 1 }
        return nextInput
    }

    /// A transaction spending `input`, submitted to `origin` at `time`, with a real payload digest.
    mutating func makeTransaction(spending input: InputID, origin: Int, at time: SimInstant) -> Transaction {
        let nonce = nextNonce
        nextNonce += 1
        // The payload's bytes are synthetic but real: its first 8 bytes are the nonce.
        withUnsafeBytes(of: nonce.littleEndian) { raw in
            for i in 0..<min(8, payload.count) { payload[i] = raw[i] }
        }
        let digest = payload.withUnsafeBytes { BLAKE3.hash($0) }
        return Transaction(inputs: [input], payloadSize: UInt32(payload.count), payloadDigest: digest,
                           origin: NodeID(origin), submitTime: time.nanoseconds, nonce: nonce)
    }
}

extension DeterministicMath {
    /// Cosine from IEEE basic operations only (range reduction to [-π, π] and a Taylor
    /// series to x²⁰, error below 1e-12), so a sine workload is the same on every platform.
    static func cos(_ x: Double) -> Double {
        let twoPi = 2 * Double.pi
        var r = x - twoPi * (x / twoPi).rounded()
        if r > .pi { r -= twoPi }
        if r < -.pi { r += twoPi }
        let r2 = r * r
        var term = 1.0, sum = 1.0
        for n in stride(from: 2, through: 20, by: 2) {
            term *= -r2 / Double((n - 1) * n)
            sum += term
        }
        return sum
    }
}
