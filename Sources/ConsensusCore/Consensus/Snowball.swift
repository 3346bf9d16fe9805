/// Snowball over the choices of one conflict set, as avalanchego's n-ary Snowball.
///
/// Two preferences are kept. The Snowball preference follows the choice with the
/// most successful polls (≥ αPref votes) so far. The Snowflake preference is the
/// choice of the last successful poll; its confidence counts consecutive polls in
/// which that same choice got ≥ αConf votes. A poll below αPref, a poll for another
/// choice, or a poll between αPref and αConf resets the confidence. Confidence β
/// finalizes the Snowflake preference.
///
/// Choices are compared for equality only. `Snowball` names them by transaction id; an
/// engine, which keeps one instance per undecided input in every node, names them by a
/// 4-byte number of its own, so that an instance takes 32 bytes instead of 88.
public typealias Snowball = SnowballState<Hash256>

/// Snowball's state over choices named by `Choice` (see ``Snowball``).
public struct SnowballState<Choice: Equatable & Sendable>: Sendable, Equatable {
    // Declared widest first, so that an engine's conflict sets, one per input in every
    // node, waste no padding.

    /// The Snowflake preference: the choice of the last successful poll.
    public private(set) var lastChoice: Choice
    private var snowballPreference: Choice
    private var storedConfidence: Int32 = 0
    private var preferenceStrength: Int32 = 0
    /// Successful-poll counts of choices other than the Snowball preference (usually none).
    private var otherStrengths: [(choice: Choice, strength: Int32)] = []
    /// Whether the choice is final.
    public private(set) var isFinalized = false

    /// Starts preferring `initial`, with no confidence.
    public init(initial: Choice) {
        lastChoice = initial
        snowballPreference = initial
    }

    /// Consecutive successful polls for `lastChoice` with ≥ αConf votes.
    public var confidence: Int { Int(storedConfidence) }

    /// The current preference; once final, the finalized choice.
    public var preference: Choice { isFinalized ? lastChoice : snowballPreference }

    /// How many successful polls `choice` has had.
    public func strength(of choice: Choice) -> Int {
        if choice == snowballPreference { return Int(preferenceStrength) }
        return Int(otherStrengths.first { $0.choice == choice }?.strength ?? 0)
    }

    /// Records a poll in which `choice` got `votes` votes, the most of any choice.
    public mutating func recordPoll(votes: Int, choice: Choice, parameters: ConsensusParameters) {
        guard !isFinalized else { return }
        guard votes >= parameters.alphaPreference else {
            storedConfidence = 0
            return
        }
        raiseStrength(of: choice)
        if choice != lastChoice { storedConfidence = 0 }
        lastChoice = choice
        guard votes >= parameters.alphaConfidence else {
            storedConfidence = 0
            return
        }
        if storedConfidence < .max { storedConfidence += 1 }     // β beyond 2^31 - 1 is never reached
        if Int(storedConfidence) >= parameters.beta { isFinalized = true }
    }

    /// Records a poll in which no choice reached αPref.
    public mutating func recordUnsuccessfulPoll() {
        guard !isFinalized else { return }
        storedConfidence = 0
    }

    private mutating func raiseStrength(of choice: Choice) {
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

    /// The same state with every choice renamed by `name`.
    public func mapChoices<Other: Equatable & Sendable>(_ name: (Choice) -> Other) -> SnowballState<Other> {
        var mapped = SnowballState<Other>(initial: name(lastChoice))
        mapped.snowballPreference = name(snowballPreference)
        mapped.storedConfidence = storedConfidence
        mapped.preferenceStrength = preferenceStrength
        mapped.otherStrengths = otherStrengths.map { (name($0.choice), $0.strength) }
        mapped.isFinalized = isFinalized
        return mapped
    }

    public static func == (lhs: SnowballState, rhs: SnowballState) -> Bool {
        lhs.lastChoice == rhs.lastChoice && lhs.storedConfidence == rhs.storedConfidence && lhs.isFinalized == rhs.isFinalized
            && lhs.snowballPreference == rhs.snowballPreference && lhs.preferenceStrength == rhs.preferenceStrength
            && lhs.otherStrengths.elementsEqual(rhs.otherStrengths) { $0.choice == $1.choice && $0.strength == $1.strength }
    }
}
