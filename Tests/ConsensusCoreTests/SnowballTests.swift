import Testing
@testable import ConsensusCore

@Suite("Snowball")
struct SnowballTests {
    let p = smallParameters   // αPref 3, αConf 4, β 3

    @Test func successfulPollsExtendConfidence() {
        var sb = Snowball(initial: choice(1))
        sb.recordPoll(votes: 4, choice: choice(1), parameters: p)
        #expect(sb.confidence == 1)
        sb.recordPoll(votes: 5, choice: choice(1), parameters: p)
        #expect(sb.confidence == 2)
        #expect(!sb.isFinalized)
    }

    @Test func unsuccessfulPollResetsConfidence() {
        var sb = Snowball(initial: choice(1))
        sb.recordPoll(votes: 4, choice: choice(1), parameters: p)
        sb.recordPoll(votes: 4, choice: choice(1), parameters: p)
        sb.recordUnsuccessfulPoll()
        #expect(sb.confidence == 0)
        #expect(sb.preference == choice(1))
        sb.recordPoll(votes: 2, choice: choice(1), parameters: p)   // below αPref: also unsuccessful
        #expect(sb.confidence == 0)
    }

    @Test func betweenAlphaPreferenceAndAlphaConfidenceMovesPreferenceButResetsConfidence() {
        var sb = Snowball(initial: choice(1))
        sb.recordPoll(votes: 4, choice: choice(1), parameters: p)
        #expect(sb.confidence == 1)
        // 3 votes for choice 2: ≥ αPref, < αConf.
        sb.recordPoll(votes: 3, choice: choice(2), parameters: p)
        #expect(sb.confidence == 0)
        #expect(sb.lastChoice == choice(2))
        // Snowball preference follows strength: 1 has one success, 2 has one; a tie keeps 1.
        #expect(sb.preference == choice(1))
        sb.recordPoll(votes: 3, choice: choice(2), parameters: p)
        #expect(sb.preference == choice(2))
        #expect(sb.confidence == 0)
    }

    @Test func acceptedExactlyAtBeta() {
        var sb = Snowball(initial: choice(1))
        for round in 1..<p.beta {
            sb.recordPoll(votes: 5, choice: choice(1), parameters: p)
            #expect(!sb.isFinalized, "finalized after \(round) polls, before β = \(p.beta)")
        }
        sb.recordPoll(votes: 5, choice: choice(1), parameters: p)
        #expect(sb.isFinalized)
        #expect(sb.preference == choice(1))
        sb.recordPoll(votes: 5, choice: choice(2), parameters: p)   // nothing changes once final
        #expect(sb.preference == choice(1))
    }

    @Test func switchingChoiceRestartsTheCount() {
        var sb = Snowball(initial: choice(1))
        sb.recordPoll(votes: 5, choice: choice(1), parameters: p)
        sb.recordPoll(votes: 5, choice: choice(1), parameters: p)
        sb.recordPoll(votes: 5, choice: choice(2), parameters: p)
        #expect(sb.confidence == 1)
        #expect(sb.lastChoice == choice(2))
        #expect(!sb.isFinalized)
        sb.recordPoll(votes: 5, choice: choice(2), parameters: p)
        sb.recordPoll(votes: 5, choice: choice(2), parameters: p)
        #expect(sb.isFinalized)
        #expect(sb.preference == choice(2))
    }

    /// The engine keeps Snowball over 4-byte numbers of its choices: the same polls over
    /// numbers and over ids must leave the same state, choice for choice.
    @Test func numberedChoicesBehaveAsIds() {
        var rng = TestGenerator(seed: 11)
        let p = ConsensusParameters(k: 6, alphaPreference: 4, alphaConfidence: 5, beta: 8, concurrentRepolls: 1)
        for _ in 0..<200 {
            var byID = Snowball(initial: choice(1))
            var byNumber = SnowballState<UInt32>(initial: 1)
            for _ in 0..<30 {
                let pick = UInt32(1 + PeerSampling.uniform(below: 3, using: &rng))
                let votes = PeerSampling.uniform(below: 7, using: &rng)
                if votes == 0 {
                    byID.recordUnsuccessfulPoll()
                    byNumber.recordUnsuccessfulPoll()
                } else {
                    byID.recordPoll(votes: votes, choice: choice(UInt64(pick)), parameters: p)
                    byNumber.recordPoll(votes: votes, choice: pick, parameters: p)
                }
                #expect(byNumber.mapChoices { choice(UInt64($0)) } == byID)
                #expect(choice(UInt64(byNumber.preference)) == byID.preference)
                #expect(byNumber.strength(of: 3) == byID.strength(of: choice(3)))
            }
        }
    }

    @Test func parameterRules() throws {
        try ConsensusParameters.avalanchego.validate()
        try ConsensusParameters(k: 30, alphaPreference: 24, alphaConfidence: 24, beta: 20, concurrentRepolls: 4).validate()
        let broken: [(ConsensusParameters, String)] = [
            (.init(k: 20, alphaPreference: 10, alphaConfidence: 15, beta: 20, concurrentRepolls: 4), "greater than k/2"),
            (.init(k: 20, alphaPreference: 16, alphaConfidence: 15, beta: 20, concurrentRepolls: 4), "at most alphaConfidence"),
            (.init(k: 20, alphaPreference: 15, alphaConfidence: 21, beta: 20, concurrentRepolls: 4), "at most k"),
            (.init(k: 20, alphaPreference: 15, alphaConfidence: 15, beta: 20, concurrentRepolls: 0), "greater than 0"),
            (.init(k: 20, alphaPreference: 15, alphaConfidence: 15, beta: 3, concurrentRepolls: 4), "at most beta"),
            (.init(k: 0, alphaPreference: 1, alphaConfidence: 1, beta: 1, concurrentRepolls: 1), "at least 1"),
        ]
        for (parameters, message) in broken {
            #expect {
                try parameters.validate()
            } throws: { error in
                (error as? ParameterError)?.description.contains(message) == true
            }
        }
    }
}

/// avalanchego's round-based network check: nodes split between two choices; each
/// round one undecided node polls k uniformly sampled peers for their current
/// preference. Every node must finalize, all on the same choice.
@Suite("Snowball network")
struct SnowballNetworkTests {
    @Test(arguments: [ConsensusParameters.avalanchego,
                      ConsensusParameters(k: 10, alphaPreference: 6, alphaConfidence: 8, beta: 5, concurrentRepolls: 1)])
    func everyNodeFinalizesAndAllAgree(parameters: ConsensusParameters) {
        let nodeCount = 100
        for seed in UInt64(1)...40 {
            var rng = TestGenerator(seed: seed)
            var nodes = (0..<nodeCount).map { _ in
                Snowball(initial: PeerSampling.uniform(below: 2, using: &rng) == 0 ? choice(1) : choice(2))
            }
            var sample: [Int] = []
            var rounds = 0
            while rounds < 1_000_000 {
                let undecided = nodes.indices.filter { !nodes[$0].isFinalized }
                if undecided.isEmpty { break }
                let node = undecided[PeerSampling.uniform(below: undecided.count, using: &rng)]
                PeerSampling.sample(parameters.k, from: nodeCount, excluding: node, into: &sample, using: &rng)
                let forOne = sample.filter { nodes[$0].preference == choice(1) }.count
                let forTwo = parameters.k - forOne
                let (winner, votes) = forOne >= forTwo ? (choice(1), forOne) : (choice(2), forTwo)
                nodes[node].recordPoll(votes: votes, choice: winner, parameters: parameters)
                rounds += 1
            }
            #expect(nodes.allSatisfy { $0.isFinalized }, "seed \(seed): not every node finalized in \(rounds) rounds")
            let decided = Set(nodes.map(\.preference))
            #expect(decided.count == 1, "seed \(seed): nodes finalized differently")
        }
    }
}
