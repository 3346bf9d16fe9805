import Foundation

/// One micro-benchmark: a name, the original implementation's figure if it had one,
/// and a body that runs the measured operation `iterations` times.
struct MicroBenchmark {
    /// The name reported, e.g. `blake3.1kb`.
    let name: String
    /// The original Rust implementation's figure for the same operation, in nanoseconds.
    let baselineNs: Double?
    /// Runs the operation `iterations` times; returns a value so the work cannot be optimised away.
    let body: (_ iterations: Int) -> UInt64
    /// Set-up run once before any timing, for state the body keeps between calls.
    var prepare: (() -> Void)? = nil
}

/// The measured figure of one benchmark.
struct BenchmarkResult: Codable, Equatable {
    /// The benchmark's name.
    let name: String
    /// Median nanoseconds per operation over the samples.
    let medianNs: Double
    /// The original's figure, if any.
    let baselineNs: Double?
    /// Operations measured in all samples together.
    let iterations: Int

    private enum CodingKeys: String, CodingKey { case name, medianNs, baselineNs, iterations }

    /// Encodes every key, a missing original figure as `null` rather than leaving the key out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(medianNs, forKey: .medianNs)
        try container.encode(baselineNs, forKey: .baselineNs)
        try container.encode(iterations, forKey: .iterations)
    }
}

/// The CPU time of the calling thread: on a shared machine it leaves out the time the
/// thread spent waiting while other processes ran, which a wall clock would count.
struct ThreadCPUClock {
    /// Runs `body` and returns the thread CPU time it took.
    func measure(_ body: () -> Void) -> Duration {
        let start = Self.now()
        body()
        return .nanoseconds(Self.now() - start)
    }

    private static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// Runs benchmarks: a warm-up, then repeated timed samples, reporting the median per operation.
struct BenchmarkRunner {
    /// Time a sample should last, so clock resolution and call overhead do not matter.
    var sampleTarget: Duration = .milliseconds(4)
    /// Timed samples per benchmark.
    var samples = 25

    func measure(_ benchmark: MicroBenchmark) -> BenchmarkResult {
        benchmark.prepare?()
        let clock = ThreadCPUClock()
        var sink: UInt64 = 0
        // Warm up and find how many iterations fill one sample.
        var iterations = 1
        while true {
            let elapsed = clock.measure { sink &+= benchmark.body(iterations) }
            if elapsed >= sampleTarget || iterations >= 1 << 24 { break }
            let scale = elapsed > .zero ? Double(sampleTarget / elapsed) : 16
            iterations = max(iterations + 1, min(iterations * 16, Int(Double(iterations) * scale * 1.1)))
        }
        var perOperation: [Double] = []
        perOperation.reserveCapacity(samples)
        for _ in 0..<samples {
            let elapsed = clock.measure { sink &+= benchmark.body(iterations) }
            perOperation.append(elapsed.nanoseconds / Double(iterations))
        }
        blackHole(sink)
        return BenchmarkResult(name: benchmark.name, medianNs: median(perOperation),
                               baselineNs: benchmark.baselineNs, iterations: iterations * samples)
    }
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of nothing")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole(_ value: UInt64) {
    if value == 0x5EED_5EED_5EED_5EED { print("", terminator: "") }
}

extension Duration {
    /// The duration in nanoseconds.
    var nanoseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
    }
}
