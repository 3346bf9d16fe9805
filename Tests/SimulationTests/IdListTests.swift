import ConsensusCore
import Testing
@testable import Simulation

/// Ids as messages carry them: by number where the run's numbering has one, else whole.
@Suite("Id lists")
struct IdListTests {
    /// Eight vertices on a genesis; the numbering knows the genesis and the even-numbered ones.
    private func vertices(count: Int = 8) -> (ids: [Hash256], numbering: VertexNumbering) {
        let genesis = try! Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        let numbering = VertexNumbering()
        numbering.register(genesis)
        var ids: [Hash256] = []
        for index in 0..<count {
            let vertex = try! Vertex(creator: NodeID(index), height: 1, timestamp: Int64(index), parents: [genesis.id],
                                     transactions: [], signer: nil)
            if index % 2 == 0 { numbering.register(vertex) }
            ids.append(vertex.id)
        }
        return (ids, numbering)
    }

    @Test func aListGivesBackItsIdsNumberedOrWhole() {
        let (ids, numbering) = vertices()
        let list = IdList(ids, numbering: numbering)
        #expect(list.ids(numbering: numbering) == ids)
        var iterator = list.makeIterator()
        for (index, id) in ids.enumerated() {
            let start = iterator.index
            let element = iterator.next()
            if index % 2 == 0 {
                #expect(element == .number(numbering.number(of: id)!))
                #expect(iterator.index == start + 1)
            } else {
                #expect(element == .id(id))
                #expect(iterator.index == start + 9)      // the marker and eight words
            }
        }
        #expect(iterator.next() == nil)
        #expect(list.wordCount == 4 * 1 + 4 * 9)
        // Read in place, word by word, the same ids and the same word after each.
        var word = 0
        for (index, id) in ids.enumerated() {
            let read = list.element(at: word)
            #expect(read?.0 == (index % 2 == 0 ? .number(numbering.number(of: id)!) : .id(id)))
            #expect(read?.next == word + (index % 2 == 0 ? 1 : 9))
            word = read?.next ?? word
        }
        #expect(word == list.wordCount && list.element(at: word) == nil)
        #expect(IdList([], numbering: numbering).isEmpty)
        #expect(IdList(ids, numbering: numbering) == list)
        #expect(IdList(Array(ids.reversed()), numbering: numbering) != list)
    }

    /// Lists of every length from none to seven, all numbered: up to four lie in place, the
    /// longer in an array. Either way a list reads back its ids in order, from its start or
    /// from any id within it, and equals exactly the lists with its content.
    @Test func listsOfUpToFourNumbersLieInPlace() {
        let genesis = try! Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        let numbering = VertexNumbering()
        numbering.register(genesis)
        var ids: [Hash256] = []
        for index in 0..<7 {
            let vertex = try! Vertex(creator: NodeID(index), height: 1, timestamp: Int64(index), parents: [genesis.id],
                                     transactions: [], signer: nil)
            numbering.register(vertex)
            ids.append(vertex.id)
        }
        var lists: [IdList] = []
        for count in 0...ids.count {
            let chosen = Array(ids.prefix(count))
            let list = IdList(chosen, numbering: numbering)
            #expect((list.wordStorage == nil) == (count <= IdList.inPlaceLimit), "\(count) ids")
            #expect(list.isEmpty == (count == 0) && list.wordCount == count)
            #expect(list.ids(numbering: numbering) == chosen)
            #expect(Array(list) == chosen.map { .number(numbering.number(of: $0)!) })
            for start in 0...count {
                var iterator = IdList.Iterator(list, index: start)
                var rest: [IdList.Element] = []
                while let element = iterator.next() { rest.append(element) }
                #expect(rest == Array(list).suffix(count - start), "\(count) ids from \(start)")
                var inPlace: [IdList.Element] = []
                var word = start
                while let (element, next) = list.element(at: word) {
                    inPlace.append(element)
                    word = next
                }
                #expect(inPlace == rest && word == count, "\(count) ids read in place from \(start)")
            }
            #expect(IdList(chosen, numbering: numbering) == list)
            if count > 0 {
                // The same length with any one id replaced, and the ids reversed.
                for place in 0..<count {
                    var other = chosen
                    other[place] = ids[(count + place) % ids.count] == chosen[place] ? ids[0] : ids[(count + place) % ids.count]
                    if other != chosen { #expect(IdList(other, numbering: numbering) != list) }
                }
                if count > 1 { #expect(IdList(Array(chosen.reversed()), numbering: numbering) != list) }
            }
            lists.append(list)
        }
        // No two lengths are equal (an empty list included).
        for a in lists.indices { for b in lists.indices where a != b { #expect(lists[a] != lists[b]) } }
        #expect(IdList() == lists[0])
        // One id by its number, as a fetch names it, is the one-id list.
        #expect(IdList(ids[0], number: numbering.number(of: ids[0])) == lists[1])
        // A whole id never lies in place, however short the list.
        let whole = IdList([ids[1]], numbering: VertexNumbering())
        #expect(whole.wordStorage != nil && whole.wordCount == 9 && Array(whole) == [.id(ids[1])])
        #expect(IdList(ids[1], number: nil) == whole)
    }

    /// A message carries a vertex or ids in one field: a queued event stays 48 bytes.
    @Test func aMessageCarriesAVertexOrIds() {
        let (ids, numbering) = vertices()
        let genesis = try! Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        let list = IdList(Array(ids.prefix(3)), numbering: numbering)
        let chits = Message(kind: .chits, from: 1, to: 2, poll: 7, vertex: nil, ids: list)
        #expect(chits.vertex == nil && chits.ids == list && chits.takeIds() == list)
        #expect(chits.kind == .chits && chits.from == 1 && chits.to == 2 && chits.poll == 7)
        let put = Message(kind: .put, from: 2, to: 1, poll: 0, vertex: genesis, ids: IdList())
        #expect(put.vertex === genesis && put.ids.isEmpty && put.takeIds().isEmpty)
        #expect(MemoryLayout<Message>.size <= 32 && MemoryLayout<SimEvent>.size <= 32)
        #expect(MemoryLayout<ScheduledEvent<SimEvent>>.stride == 48)
    }

    /// Where a list's words lie.
    private func storage(_ list: IdList) -> UnsafeRawPointer? { list.wordStorage }

    @Test func equalListsMadeApartShareOneStorage() {
        let (ids, numbering) = vertices()
        var cache = IdListCache(slotCount: 64)
        let first = cache.shared(IdList(Array(ids.prefix(3)), numbering: numbering))
        let again = IdList(Array(ids.prefix(3)), numbering: numbering)
        #expect(storage(again) != storage(first))
        let shared = cache.shared(again)
        #expect(shared == again)
        #expect(storage(shared) == storage(first))
        // Another content is kept as it is, and then shared in its turn.
        let other = cache.shared(IdList(Array(ids.suffix(2)), numbering: numbering))
        #expect(other.ids(numbering: numbering) == Array(ids.suffix(2)))
        #expect(storage(other) != storage(first))
        #expect(storage(cache.shared(IdList(Array(ids.suffix(2)), numbering: numbering))) == storage(other))
    }

    @Test func aListReplacedInItsSlotStaysWhole() {
        // One slot: every list replaces the one before, which its holders keep intact.
        let (ids, numbering) = vertices()
        var cache = IdListCache(slotCount: 1)
        var held: [IdList] = []
        for count in 1...ids.count { held.append(cache.shared(IdList(Array(ids.prefix(count)), numbering: numbering))) }
        for (index, list) in held.enumerated() { #expect(list.ids(numbering: numbering) == Array(ids.prefix(index + 1))) }
        let last = IdList(ids, numbering: numbering)
        #expect(storage(cache.shared(last)) == storage(held.last!))
        // A list of one number lies in place: the cache passes it through.
        #expect(storage(held[0]) == nil)
        #expect(cache.shared(IdList([ids[0]], numbering: numbering)) == held[0])
        #expect(storage(cache.shared(IdList(Array(ids.prefix(2)), numbering: numbering))) != storage(held[1]))
    }

    /// With 40 vertices, a poll's answers name more numbered vertices than its tally keeps
    /// in place, so it moves them to its table, at the first count or between answers.
    @Test(arguments: [8, 40])
    func aPollCountsNumberedAndWholeIdsAlike(vertexCount: Int) {
        // The same answers, once with the numbering (half the ids by number) and once whole:
        // the early-end verdict after every answer and the groups handed to the engine agree.
        let (ids, numbering) = vertices(count: vertexCount)
        let none = VertexNumbering()
        var random = Xoshiro256StarStar(seed: 5)
        var settledSome = false
        for round in 0..<100 {
            let numbered = PollState(id: 1, expected: 20, deadline: .zero)
            let whole = PollState(id: 1, expected: 20, deadline: .zero)
            for _ in 0..<20 {
                let chit: [Hash256] = random.nextBelow(3) == 0
                    ? ids.filter { _ in random.nextBelow(2) == 0 } : Array(ids.prefix(Int(random.nextBelow(3)) + 1))
                #expect(numbered.add(answer: IdList(chit, numbering: numbering))
                        == whole.add(answer: IdList(chit, numbering: none)))
                numbered.received += 1
                whole.received += 1
                let verdict = numbered.isSettled(alphaPreference: 13, alphaConfidence: 15)
                #expect(verdict == whole.isSettled(alphaPreference: 13, alphaConfidence: 15), "round \(round)")
                if verdict {
                    settledSome = true
                    break
                }
            }
            let a = numbered.answers.chitGroups(numbering: numbering)
            let b = whole.answers.chitGroups(numbering: none)
            #expect(a.chits == b.chits && a.weights == b.weights && a.answers == b.answers)
        }
        #expect(settledSome)
    }

    /// A tally built while the answers name one vertex keeps its count in place; later
    /// answers name more numbered vertices than fit there, and the count moves to its table
    /// with them. The verdicts agree with a poll of the same answers carried whole.
    @Test func aTallyMovesItsCountsToItsTableWithinAPoll() {
        let (ids, numbering) = vertices(count: 40)
        let numberedIds = ids.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let none = VertexNumbering()
        let numbered = PollState(id: 1, expected: 20, deadline: .zero)
        let whole = PollState(id: 1, expected: 20, deadline: .zero)
        // Thirteen answers for the first vertex alone (the tally is built at the thirteenth),
        // then answers naming it and sixteen more: the fourteenth moves the first's 14 votes.
        let answers = Array(repeating: [numberedIds[0]], count: 13)
            + Array(repeating: Array(numberedIds.prefix(17)), count: 7)
        var verdicts: [Bool] = []
        for chit in answers {
            _ = numbered.add(answer: IdList(chit, numbering: numbering))
            _ = whole.add(answer: IdList(chit, numbering: none))
            numbered.received += 1
            whole.received += 1
            let verdict = numbered.isSettled(alphaPreference: 13, alphaConfidence: 15)
            #expect(verdict == whole.isSettled(alphaPreference: 13, alphaConfidence: 15))
            verdicts.append(verdict)
        }
        // Fifteen votes for the first vertex leave only the new ones' voters partial.
        #expect(verdicts == Array(repeating: false, count: 14) + Array(repeating: true, count: 6))
    }

    @Test func aNumberStackBehavesAsAnArray() {
        // Random pushes and pops, the first number inline and the rest in an array, against a plain array.
        var random = Xoshiro256StarStar(seed: 4)
        var stack = NumberStack()
        var reference: [UInt32] = []
        for step in 0..<2_000 {
            if random.nextBelow(3) == 0 && !reference.isEmpty {
                stack.removeLast()
                reference.removeLast()
            } else {
                let number = UInt32(random.nextBelow(50))
                stack.append(number)
                reference.append(number)
            }
            #expect(stack.count == reference.count && stack.isEmpty == reference.isEmpty, "step \(step)")
            #expect(stack.last == reference.last, "step \(step)")
            let probe = UInt32(random.nextBelow(50))
            #expect(stack.contains(probe) == reference.contains(probe), "step \(step)")
        }
    }

    @Test func aWaitListEmptiesExactlyWhenEveryVertexHasArrived() {
        // Eight vertices, half numbered, arrive one by one in random orders; the list is
        // looked at after each arrival, as a node does, and is empty exactly when all have.
        let (ids, numbering) = vertices()
        var random = Xoshiro256StarStar(seed: 9)
        for round in 0..<200 {
            var list = WaitList()
            for id in ids { list.insert(numbering.number(of: id).map { .number($0) } ?? .id(id)) }
            list.insert(.id(ids[1]))                          // already there: not added twice
            #expect(list.numbers.count == 4 && list.whole.count == 4)
            var order = ids
            for index in order.indices.reversed() { order.swapAt(index, Int(random.nextBelow(UInt64(index + 1)))) }
            var held: [Hash256] = []
            for (step, id) in order.enumerated() {
                held.append(id)
                var added = AddedVertices()
                added.append(id, number: numbering.number(of: id))
                list.dropHeld(added: added) { held.contains(IdList.id(of: $0, numbering: numbering)) }
                #expect(list.isEmpty == (step == ids.count - 1), "round \(round), step \(step)")
            }
        }
    }
}
