/// Uniform peer sampling driven by a generator the caller owns.
///
/// Only `next()` of the generator is used, through our own bounded draw, so the
/// samples depend on the generator's output alone and not on how the standard
/// library maps random bits to ranges.
public enum PeerSampling {
    /// A uniform draw from `0..<bound` (Lemire's multiply-and-reject method).
    public static func uniform<G: RandomNumberGenerator>(below bound: Int, using generator: inout G) -> Int {
        precondition(bound > 0, "uniform draw from an empty range")
        let range = UInt64(bound)
        var product = generator.next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = generator.next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Appends `k` distinct indices drawn uniformly from `0..<population`, never `excluding`,
    /// to `sample` (cleared first). Rejection sampling: fast when `k` is much smaller than the population.
    public static func sample<G: RandomNumberGenerator>(_ k: Int, from population: Int, excluding: Int? = nil,
                                                        into sample: inout [Int], using generator: inout G) {
        let available = population - (excluding.map { (0..<population).contains($0) ? 1 : 0 } ?? 0)
        precondition(k <= available, "cannot sample \(k) distinct peers out of \(available)")
        sample.removeAll(keepingCapacity: true)
        while sample.count < k {
            let candidate = uniform(below: population, using: &generator)
            if candidate == excluding || sample.contains(candidate) { continue }
            sample.append(candidate)
        }
    }
}
