/// Snowball over the choices of one conflict set, as avalanchego's n-ary Snowball.
///
/// Two preferences are kept. The Snowball preference follows the choice with the
/// most successful polls (≥ αPref votes) so far. The Snowflake preference is the
/// choice of the last successful poll; its confidence counts consecutive polls in
/// which that same choice got ≥ αConf votes. A poll below αPref, a poll for another
/// choice, or a poll between αPref and αConf resets the confidence. Confidence β
/// finalizes the Snowflake preference.
public struct Snowball: Sendable, Equatable {
    // Declared widest first, so that an engine's conflict sets, one per input in every
    // node, waste no padding.

    /// The Snowflake preference: the choice of the last successful poll.
    public private(set) var lastChoice: Hash256
    private var snowballPreference: Hash256
    /// Consecutive successful polls for `lastChoice` with ≥ αConf votes.
    public private(set) var confidence: Int = 0
    private var preferenceStrength: Int = 0
    /// Successful-poll counts of choices other than the Snowball preference (usually none).
    private var otherStrengths: [(choice: Hash256, strength: Int)] = []
    /// Whether the choice is final.
    public private(set) var isFinalized = false

    /// Starts preferring `initial`, with no confidence.
    public init(initial: Hash256) {
        lastChoice = initial
        snowballPreference = initial
    }

    /// The current preference; once final, the finalized choice.
    public var preference: Hash256 { isFinalized ? lastChoice : snowballPreference }

    /// How many successful polls `choice` has had.
    public func strength(of choice: Hash256) -> Int {
        if choice == snowballPreference { return preferenceStrength }
        return otherStrengths.first { $0.choice == choice }?.strength ?? 0
    }

    /// Records a poll in which `choice` got `votes` votes, the most of any choice.
    public mutating func recordPoll(votes: Int, choice: Hash256, parameters: ConsensusParameters) {
        guard !isFinalized else { return }
        guard votes >= parameters.alphaPreference else {
            confidence = 0
            return
        }
        raiseStrength(of: choice)
        if choice != lastChoice { confidence = 0 }
        lastChoice = choice
        guard votes >= parameters.alphaConfidence else {
            confidence = 0
            return
        }
        confidence += 1
        if confidence >= parameters.beta { isFinalized = true }
    }

    /// Records a poll in which no choice reached αPref.
    public mutating func recordUnsuccessfulPoll() {
        guard !isFinalized else { return }
        confidence = 0
    }

    private mutating func raiseStrength(of choice: Hash256) {
        if choice == snowballPreference {
            preferenceStrength += 1
            return
        }
        let index: Int
        if let found = otherStrengths.firstIndex(where: { $0.choice == choice }) {
            index = found
        } else {
            otherStrengths.append((choice, 0))
            index = otherStrengths.count - 1
        }
        otherStrengths[index].strength += 1
        if otherStrengths[index].strength > preferenceStrength {
            let previous = (snowballPreference, preferenceStrength)
            snowballPreference = choice
            preferenceStrength = otherStrengths[index].strength
            otherStrengths[index] = previous
        }
    }

    public static func == (lhs: Snowball, rhs: Snowball) -> Bool {
        lhs.lastChoice == rhs.lastChoice && lhs.confidence == rhs.confidence && lhs.isFinalized == rhs.isFinalized
            && lhs.snowballPreference == rhs.snowballPreference && lhs.preferenceStrength == rhs.preferenceStrength
            && lhs.otherStrengths.elementsEqual(rhs.otherStrengths) { $0.choice == $1.choice && $0.strength == $1.strength }
    }
}
