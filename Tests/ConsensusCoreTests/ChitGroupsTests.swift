import Testing
@testable import ConsensusCore

/// A poll's answers grouped by distinct chit, in one list of ids.
@Suite("Chit groups")
struct ChitGroupsTests {
    private func id(_ n: UInt64) -> Hash256 { Hash256(w0: n, w1: 0, w2: 0, w3: 0) }

    /// Random answers: chits of zero to four ids among six, so that many repeat.
    private func answers(_ random: inout TestGenerator, count: Int) -> [[Hash256]] {
        (0..<count).map { _ in (0..<Int(random.next() % 5)).map { _ in id(random.next() % 6) } }
    }

    @Test func identicalChitsAreCountedTogetherInOrderOfFirstArrival() {
        var random = TestGenerator(seed: 3)
        for round in 0..<200 {
            let chits = answers(&random, count: 1 + Int(random.next() % 20))
            var distinct: [[Hash256]] = [], weights: [Int32] = []
            for chit in chits {
                if let index = distinct.firstIndex(of: chit) { weights[index] += 1 } else {
                    distinct.append(chit)
                    weights.append(1)
                }
            }
            let groups = ChitGroups(chits)
            #expect(groups.chits == distinct && groups.weights == weights && groups.answers == chits.count, "round \(round)")
            #expect(groups.count == distinct.count)
        }
    }

    @Test func aGroupsValueEmptiedAndFilledAgainEqualsAFreshOne() {
        // One value reused for poll after poll, fed id by id, against a fresh one per poll.
        var random = TestGenerator(seed: 8)
        var reused = ChitGroups()
        for round in 0..<200 {
            let chits = answers(&random, count: 1 + Int(random.next() % 20))
            let weights = chits.map { _ in Int32(1 + random.next() % 3) }
            reused.removeAll()
            var fresh = ChitGroups()
            for (chit, weight) in zip(chits, weights) {
                for id in chit { reused.append(id) }
                let a = reused.endChit(weight: weight)
                let b = fresh.add(chit, weight: weight)
                #expect(a == b, "round \(round)")
            }
            #expect(reused.chits == fresh.chits && reused.weights == fresh.weights && reused.answers == fresh.answers,
                    "round \(round)")
            for group in 0..<fresh.count { #expect(Array(reused.chit(group)) == fresh.chits[group]) }
        }
    }
}
