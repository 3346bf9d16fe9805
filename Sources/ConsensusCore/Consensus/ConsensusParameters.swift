/// The Snowball/Avalanche parameters, with avalanchego's names and validity rules.
public struct ConsensusParameters: Sendable, Equatable, Codable {
    /// Sample size: peers queried per poll.
    public var k: Int
    /// Votes a choice needs in one poll to move the preference.
    public var alphaPreference: Int
    /// Votes a choice needs in one poll to extend its confidence.
    public var alphaConfidence: Int
    /// Consecutive successful polls that finalize a choice.
    public var beta: Int
    /// Polls a node keeps in flight at once while it has processing vertices.
    public var concurrentRepolls: Int

    /// Creates a parameter set; call `validate()` before use.
    public init(k: Int, alphaPreference: Int, alphaConfidence: Int, beta: Int, concurrentRepolls: Int) {
        self.k = k
        self.alphaPreference = alphaPreference
        self.alphaConfidence = alphaConfidence
        self.beta = beta
        self.concurrentRepolls = concurrentRepolls
    }

    /// avalanchego's defaults: K 20, αPref 15, αConf 15, β 20, 4 concurrent repolls.
    public static let avalanchego = ConsensusParameters(k: 20, alphaPreference: 15, alphaConfidence: 15,
                                                        beta: 20, concurrentRepolls: 4)

    /// Checks K ≥ 1, K/2 < αPref ≤ αConf ≤ K, β ≥ 1 and 0 < ConcurrentRepolls ≤ β.
    public func validate() throws(ParameterError) {
        guard k >= 1 else { throw ParameterError("k (\(k)) must be at least 1") }
        guard alphaPreference > k / 2 else {
            throw ParameterError("alphaPreference (\(alphaPreference)) must be greater than k/2 (\(k / 2)), so that at most one choice can win a poll")
        }
        guard alphaPreference <= alphaConfidence else {
            throw ParameterError("alphaPreference (\(alphaPreference)) must be at most alphaConfidence (\(alphaConfidence))")
        }
        guard alphaConfidence <= k else {
            throw ParameterError("alphaConfidence (\(alphaConfidence)) must be at most k (\(k))")
        }
        guard beta >= 1 else { throw ParameterError("beta (\(beta)) must be at least 1") }
        guard concurrentRepolls > 0 else {
            throw ParameterError("concurrentRepolls (\(concurrentRepolls)) must be greater than 0")
        }
        guard concurrentRepolls <= beta else {
            throw ParameterError("concurrentRepolls (\(concurrentRepolls)) must be at most beta (\(beta))")
        }
    }
}

/// A parameter set breaks one of the validity rules.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which rule is broken, with the values.
    public let description: String
    init(_ description: String) { self.description = description }
}
