import ConsensusCore
import Testing
@testable import Simulation

/// The early end of a poll: it may close only when no answer still due could take any
/// vertex to α.
@Suite("Poll early termination")
struct PollTerminationTests {
    private let a = Hash256(w0: 1, w1: 0, w2: 0, w3: 0)
    private let b = Hash256(w0: 2, w1: 0, w2: 0, w3: 0)
    private let c = Hash256(w0: 3, w1: 0, w2: 0, w3: 0)

    /// A numbering that knows none of the ids: chits carry them whole.
    private let numbering = VertexNumbering()

    /// A poll of `expected` peers that has received `chits`.
    private func poll(expected: Int, _ chits: [[Hash256]]) -> PollState {
        let poll = PollState(id: 1, expected: expected, deadline: .zero)
        for chit in chits { _ = poll.add(answer: IdList(chit, numbering: numbering)) }
        poll.received = chits.count
        return poll
    }

    private func settled(_ poll: PollState, alphaPreference: Int = 15, alphaConfidence: Int = 15) -> Bool {
        return poll.isSettled(alphaPreference: alphaPreference, alphaConfidence: alphaConfidence)
    }

    @Test func aUnanimousPollEndsAtAlpha() {
        // k 20, α 15: fourteen identical answers leave six due, enough to matter; the fifteenth settles it.
        #expect(!settled(poll(expected: 20, Array(repeating: [a], count: 14))))
        #expect(settled(poll(expected: 20, Array(repeating: [a], count: 15))))
    }

    @Test func aSplitPollWaitsForEveryAnswer() {
        // 10 for a, 9 for b, one due: neither has 15, so every voter is partial, and 19
        // partial voters plus the one due could still put 15 votes on a shared ancestor.
        let split = Array(repeating: [a], count: 10) + Array(repeating: [b], count: 9)
        #expect(!settled(poll(expected: 20, split)))
        #expect(settled(poll(expected: 20, split + [[a]])))     // nothing is due
    }

    @Test func votesForAVertexBelowAlphaKeepThePollOpen() {
        // 15 name a, and 3 of them also name c: those 3 are partial; with 3 due, 6 < 15 settles.
        let chits = Array(repeating: [a], count: 12) + Array(repeating: [a, c], count: 3)
        #expect(settled(poll(expected: 18, chits)))
        // With 15 answers for a, 12 of them also naming c (below α), 12 partial + 5 due ≥ 15: open.
        let partial = Array(repeating: [a, c], count: 12) + Array(repeating: [a], count: 3)
        #expect(!settled(poll(expected: 20, partial)))
    }

    @Test func emptyAnswersCountAsNoVote() {
        // Ten peers answered with nothing and five with a: five voters plus five due cannot reach 15.
        let chits = Array(repeating: [Hash256](), count: 10) + Array(repeating: [a], count: 5)
        #expect(settled(poll(expected: 20, chits)))
        #expect(settled(poll(expected: 20, Array(chits.dropFirst()))))     // six due, but 5 + 6 < 15
        // Four empty and ten for a: 10 + 6 due could still reach 15.
        let more = Array(repeating: [Hash256](), count: 4) + Array(repeating: [a], count: 10)
        #expect(!settled(poll(expected: 20, more)))
    }

    @Test func answersThatShareOneListCountAsCopiesWould() {
        // Agreeing peers send one shared list, which a repeat is matched to by its storage
        // alone: it still counts as a vote, and a shared empty answer still as none.
        let empty = IdList([], numbering: numbering), forA = IdList([a], numbering: numbering)
        func shared(_ empties: Int, _ votes: Int) -> PollState {
            let poll = PollState(id: 1, expected: 20, deadline: .zero)
            for chit in Array(repeating: empty, count: empties) + Array(repeating: forA, count: votes) {
                _ = poll.add(answer: chit)
                poll.received += 1
            }
            return poll
        }
        #expect(settled(shared(10, 5)))       // five voters plus five due cannot reach 15
        #expect(!settled(shared(4, 10)))      // ten voters plus six due could
        #expect(!settled(shared(0, 14)) && settled(shared(0, 15)))
        #expect(shared(10, 5).weights == [10, 5] && shared(0, 15).groups == [forA])
    }

    @Test func bothThresholdsMustBeOutOfReach() {
        // αPref 11, αConf 15, k 20: 11 name a (≥ αPref but < αConf), so for αConf they are
        // partial: 11 + 4 due = 15 could still confirm a.
        let chits = Array(repeating: [a], count: 11) + Array(repeating: [b], count: 5)
        #expect(!settled(poll(expected: 20, chits), alphaPreference: 11, alphaConfidence: 15))
        // With αConf 11 as well, a is past both: the 5 partial (b) + 4 due < 11 settles it.
        #expect(settled(poll(expected: 20, chits), alphaPreference: 11, alphaConfidence: 11))
    }

    @Test func aTallyKeptAcrossAnswersAgreesWithAFreshCount() {
        // One poll is tested after every answer (its tally is then kept and updated); at
        // each step a new poll with the same answers counts from scratch. They must agree.
        // The kept poll is one object restarted for each round, as the simulator reuses a
        // finished poll for the next, so nothing of an earlier round may leak into a later one.
        let ids = (1...6).map { Hash256(w0: UInt64($0), w1: 0, w2: 0, w3: 0) }
        var random = Xoshiro256StarStar(seed: 11)
        let kept = PollState(id: 0, expected: 20, deadline: .zero)
        for round in 0..<200 {
            let (alphaPreference, alphaConfidence) = round % 2 == 0 ? (11, 15) : (13, 13)
            kept.restart(id: UInt32(round), expected: 20, deadline: .zero)
            var answered: [[Hash256]] = []
            for _ in 0..<20 {
                // Mostly one of a few shared chits, as agreeing peers send; sometimes a random one.
                let chit: [Hash256]
                if random.nextBelow(4) == 0 {
                    chit = ids.filter { _ in random.nextBelow(2) == 0 }
                } else {
                    chit = Array(ids.prefix(Int(random.nextBelow(3)) + 1))
                }
                answered.append(chit)
                _ = kept.add(answer: IdList(chit, numbering: numbering))
                kept.received += 1
                let keptVerdict = kept.isSettled(alphaPreference: alphaPreference, alphaConfidence: alphaConfidence)
                let fresh = settled(poll(expected: 20, answered), alphaPreference: alphaPreference,
                                    alphaConfidence: alphaConfidence)
                #expect(keptVerdict == fresh, "round \(round), answer \(answered.count)")
                if keptVerdict { break }
            }
            let counted = poll(expected: 20, answered)
            #expect(kept.groups == counted.groups && kept.weights == counted.weights && kept.received == answered.count)
        }
    }
}
