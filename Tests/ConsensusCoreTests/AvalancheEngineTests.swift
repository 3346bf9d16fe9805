import Testing
@testable import ConsensusCore

@Suite("Avalanche engine")
struct AvalancheEngineTests {
    func engine(_ p: ConsensusParameters = smallParameters) -> AvalancheEngine {
        try! AvalancheEngine(parameters: p, genesis: genesis)
    }

    /// k chits, `forFirst` naming `first` and the rest naming `second`.
    func chits(_ forFirst: Int, _ first: Vertex, _ second: Vertex? = nil, k: Int = 5) -> [[Hash256]] {
        (0..<k).map { $0 < forFirst ? [first.id] : (second.map { [$0.id] } ?? []) }
    }

    @Test func virtuousTransactionIsAcceptedThroughVotesOnADescendant() throws {
        var e = engine()
        let t1 = tx(spending: [1], nonce: 1), t2 = tx(spending: [2], nonce: 2)
        let v1 = vertex(on: [genesis], [t1])
        let v2 = vertex(on: [v1], [t2])
        try e.add(v1); try e.add(v2)
        var accepted: [Hash256] = []
        for poll in 1...smallParameters.beta {
            let d = e.recordPoll(chits(5, v2))      // every chit names only the child
            accepted += d.acceptedVertices.map(\.id)
            if poll < smallParameters.beta { #expect(d.acceptedVertices.isEmpty) }
        }
        #expect(accepted == [v1.id, v2.id])        // parent first
        #expect(e.dag.status(v1.id) == .accepted)
        #expect(!e.hasProcessing)
        #expect(!e.isProcessing(transaction: t1.id))
    }

    @Test func theVotePassTablesAreHandedAsTheyStand() throws {
        var e = engine()
        let v1 = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        let v2 = vertex(on: [v1], [tx(spending: [2], nonce: 2)])
        let v3 = vertex(on: [v2], [tx(spending: [3], nonce: 3)])
        try e.add(v1); try e.add(v2); try e.add(v3)
        func tables() -> [(start: UnsafeRawPointer, bytes: Int)] {
            var found: [(start: UnsafeRawPointer, bytes: Int)] = []
            e.forEachVotePassTable { found.append(($0, $1)) }
            return found
        }
        let processing = tables()
        // Processing order, slot links, records, sets: three of each but the order's 32-bit slots.
        try #require(processing.count == 4)
        #expect(processing[0].bytes == 3 * MemoryLayout<Int32>.size)
        for table in processing[1...] { #expect(table.bytes > 0 && table.bytes % 3 == 0) }
        let sorted = processing.sorted { $0.start < $1.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.start + a.bytes <= b.start) }   // apart
        for _ in 1...smallParameters.beta { _ = e.recordPoll(chits(5, v3)) }
        #expect(!e.hasProcessing)
        #expect(tables().first?.bytes ?? 0 == 0)      // nothing processing: no order to read
    }

    @Test func aPollThatDecidesNothingReportsNoDecisions() throws {
        var e = engine()
        let v1 = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        try e.add(v1)
        for _ in 1..<smallParameters.beta { #expect(e.recordPollDecided(ChitGroups(chits(5, v1))) == nil) }
        let last = e.recordPollDecided(ChitGroups(chits(5, v1)))
        #expect(try #require(last).acceptedVertices.map(\.id) == [v1.id])
        #expect(e.recordPollDecided(ChitGroups(chits(5, v1))) == nil)     // nothing left to decide
    }

    @Test func unsuccessfulPollsPreventAcceptance() throws {
        var e = engine()
        let v1 = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        try e.add(v1)
        for _ in 0..<20 {
            #expect(e.recordPoll(chits(5, v1)).acceptedVertices.isEmpty)
            #expect(e.recordPoll(chits(5, v1)).acceptedVertices.isEmpty)
            _ = e.recordPoll(chits(2, v1))      // below αPref: resets confidence
        }
        #expect(e.dag.status(v1.id) == .processing)
        #expect(e.snowball(for: 1)?.confidence == 0)
    }

    @Test func aPollThatNamesNothingOfASetResetsItsConfidence() throws {
        // The engine applies such polls to a set only when the set next gets votes (or is
        // read): the outcome must be that of resetting it at the poll itself.
        var e = engine()
        let v1 = vertex(on: [genesis], [tx(spending: [1], nonce: 1)], creator: 1)
        let v2 = vertex(on: [genesis], [tx(spending: [2], nonce: 2)], creator: 2)
        try e.add(v1); try e.add(v2)
        for _ in 1..<smallParameters.beta { _ = e.recordPoll(chits(5, v1)) }
        #expect(e.snowball(for: 1)?.confidence == smallParameters.beta - 1)
        _ = e.recordPoll(chits(5, v2))                      // nothing for input 1
        #expect(e.snowball(for: 1)?.confidence == 0)
        #expect(e.snowball(for: 2)?.confidence == 1)
        // Confidence starts again from one: β - 1 more polls do not accept v1, the β-th does.
        for _ in 1..<smallParameters.beta { #expect(e.recordPoll(chits(5, v1)).acceptedVertices.isEmpty) }
        #expect(e.snowball(for: 2)?.confidence == 0)        // read between its polls: reset too
        #expect(e.recordPoll(chits(5, v1)).acceptedVertices.map(\.id) == [v1.id])
        #expect(e.dag.status(v2.id) == .processing)
    }

    @Test func ofTwoConflictingTransactionsOneIsAcceptedAndTheOtherVertexRejected() throws {
        var e = engine()
        let a = tx(spending: [7], nonce: 1), b = tx(spending: [7], nonce: 2)
        let va = vertex(on: [genesis], [a], creator: 1), vb = vertex(on: [genesis], [b], creator: 2)
        try e.add(va); try e.add(vb)
        #expect(e.snowball(for: 7)?.preference == a.id)        // first seen
        #expect(e.preferredFrontier() == [va.id])
        var decisions = Decisions()
        for _ in 0..<10 {
            let d = e.recordPoll(chits(4, vb, va))             // 4 of 5 prefer b
            decisions.acceptedTransactions += d.acceptedTransactions
            decisions.rejectedTransactions += d.rejectedTransactions
            decisions.rejectedVertices += d.rejectedVertices
            decisions.acceptedVertices += d.acceptedVertices
        }
        #expect(decisions.acceptedTransactions.map(\.id) == [b.id])
        #expect(decisions.rejectedTransactions.map(\.id) == [a.id])
        #expect(decisions.rejectedVertices == [va.id])
        #expect(decisions.acceptedVertices.map(\.id) == [vb.id])
        #expect(e.dag.status(va.id) == .rejected)
        #expect(e.decision(for: 7) == b.id)
        #expect(!e.hasProcessing)
    }

    @Test func preferenceSwitchesWithTheVotes() throws {
        var e = engine()
        let a = tx(spending: [7], nonce: 1), b = tx(spending: [7], nonce: 2)
        let va = vertex(on: [genesis], [a]), vb = vertex(on: [genesis], [b])
        try e.add(va); try e.add(vb)
        #expect(e.preferredFrontier() == [va.id])
        _ = e.recordPoll(chits(3, vb, va))                      // b: ≥ αPref, < αConf
        #expect(e.snowball(for: 7)?.preference == b.id)         // b's strength 1 beats a's 0
        #expect(e.snowball(for: 7)?.confidence == 0)
        #expect(e.preferredFrontier() == [vb.id])
        _ = e.recordPoll(chits(4, va, vb))                      // a: ≥ αConf, strength 1 ties b's
        #expect(e.snowball(for: 7)?.preference == b.id)         // a tie does not move the Snowball preference
        #expect(e.snowball(for: 7)?.confidence == 1)            // but Snowflake counts a's success
        _ = e.recordPoll(chits(4, va, vb))
        #expect(e.snowball(for: 7)?.preference == a.id)
        #expect(e.preferredFrontier() == [va.id])
    }

    @Test func aVertexOnARejectedVertexIsRejectedAndItsVirtuousTransactionCanBeReissued() throws {
        var e = engine()
        let a = tx(spending: [7], nonce: 1), b = tx(spending: [7], nonce: 2), c = tx(spending: [8], nonce: 3)
        let va = vertex(on: [genesis], [a]), vb = vertex(on: [genesis], [b])
        let vc = vertex(on: [va], [c])                          // built on the loser
        try e.add(va); try e.add(vb); try e.add(vc)
        var orphaned: [Transaction] = []
        var rejected: [Hash256] = []
        for _ in 0..<10 {
            let d = e.recordPoll(chits(5, vb))
            orphaned += d.orphanedTransactions
            rejected += d.rejectedVertices
        }
        #expect(Set(rejected) == [va.id, vc.id])
        #expect(orphaned.map(\.id) == [c.id])
        #expect(e.isProcessing(transaction: c.id))
        let reissued = vertex(on: [vb], [c], timestamp: 2)
        try e.add(reissued)
        for _ in 0..<smallParameters.beta { _ = e.recordPoll(chits(5, reissued)) }
        #expect(e.dag.status(reissued.id) == .accepted)
        #expect(!e.hasProcessing)
    }

    @Test func aLateConflictIsRejectedOnArrivalAndDuplicatesAreRefused() throws {
        var e = engine()
        let a = tx(spending: [7], nonce: 1)
        let va = vertex(on: [genesis], [a])
        try e.add(va)
        for _ in 0..<smallParameters.beta { _ = e.recordPoll(chits(5, va)) }
        #expect(e.dag.status(va.id) == .accepted)
        let late = vertex(on: [va], [tx(spending: [7], nonce: 2)])
        let d = try e.add(late)
        #expect(d.rejectedVertices == [late.id])
        #expect(d.rejectedTransactions.count == 1)
        let again = vertex(on: [va], [a], timestamp: 3)
        #expect(throws: EngineError.duplicateTransaction(a.id)) { try e.add(again) }
        let twice = vertex(on: [va], [tx(spending: [9], nonce: 9), tx(spending: [9], nonce: 9)])
        #expect(throws: EngineError.self) { try e.add(twice) }
        #expect(e.dag.vertex(twice.id) == nil)
        #expect(!e.hasProcessing)
    }

    /// A transaction twice in one vertex is refused whether the vertex is checked pair by
    /// pair (a small batch) or through a set (a batch above the limit), and named.
    @Test func aTransactionTwiceInOneVertexIsRefusedAtAnyBatchSize() throws {
        for size in [3, AvalancheEngine.pairwiseDuplicateCheckLimit + 8] {
            var e = engine()
            let distinct = (0..<size).map { tx(spending: [InputID(100 + $0)], nonce: UInt64($0)) }
            var repeated = distinct
            repeated[size - 1] = distinct[1]
            let refused = vertex(on: [genesis], repeated)
            #expect(throws: EngineError.duplicateTransaction(distinct[1].id)) { try e.add(refused) }
            #expect(e.dag.vertex(refused.id) == nil, "batch of \(size)")
            try e.add(vertex(on: [genesis], distinct))
            #expect(e.hasProcessing, "batch of \(size)")
        }
    }

    /// An engine sharing a numbering decides, refuses and remembers exactly as one with
    /// its own tables, over random votes on conflicting, multi-input and unnumbered spends.
    @Test func aNumberedEngineDecidesAsOneWithTables() throws {
        var laterSpendsChosen = 0
        for seed in UInt64(1)...8 {
            var rng = TestGenerator(seed: seed)
            var firstSpender: [InputID: Hash256] = [:]
            let numbering = VertexNumbering()
            numbering.register(genesis)
            var plain = engine()
            var numbered = try AvalancheEngine(parameters: smallParameters, genesis: genesis, numbering: numbering)
            var added: [Vertex] = [genesis]
            var inputs: [InputID] = []
            for step in 0..<120 {
                // Each step spends a fresh input, or one spent before (a conflict), sometimes two.
                // A conflict on a recent input goes on a branch of its own from genesis, so that
                // votes for it are not votes for the other side too.
                var spent: [InputID] = [UInt64(step)]
                var parent = added[added.count - 1 - PeerSampling.uniform(below: min(3, added.count), using: &rng)]
                switch step > 4 ? PeerSampling.uniform(below: 8, using: &rng) : 7 {
                case 0: spent = [inputs[PeerSampling.uniform(below: inputs.count, using: &rng)]]
                case 1, 2: spent = [inputs[inputs.count - 1 - PeerSampling.uniform(below: 3, using: &rng)]]; parent = genesis
                default: break
                }
                if step % 9 == 4 { spent.append(1_000 + UInt64(step)) }
                inputs += spent
                let spender = tx(spending: spent, nonce: UInt64(step))
                for input in spent where firstSpender[input] == nil { firstSpender[input] = spender.id }
                let v = vertex(on: [parent], [spender], creator: NodeID(step % 5))
                if step % 11 != 7 { numbering.register(v) }      // the rest stay in the tables
                let expected = Result { try plain.add(v) }
                let found = Result { try numbered.add(v) }
                switch (expected, found) {
                case let (.success(a), .success(b)):
                    #expect(a.rejectedTransactions.map(\.id) == b.rejectedTransactions.map(\.id))
                    #expect(a.rejectedVertices == b.rejectedVertices)
                    added.append(v)
                case (.failure, .failure): break
                default: Issue.record("seed \(seed), step \(step): one engine took the vertex, the other refused it")
                }
                for _ in 0..<3 {
                    let processing = added.filter { plain.dag.status($0.id) == .processing }
                    guard !processing.isEmpty else { break }
                    // Half the polls are unanimous for one vertex, so that any side of a conflict may win.
                    let favourite = processing[PeerSampling.uniform(below: processing.count, using: &rng)]
                    let unanimous = PeerSampling.uniform(below: 2, using: &rng) == 0
                    let votes = (0..<5).map { _ in
                        [unanimous ? favourite.id : processing[PeerSampling.uniform(below: processing.count, using: &rng)].id]
                    }
                    let a = plain.recordPoll(votes), b = numbered.recordPoll(votes)
                    #expect(a.acceptedTransactions.map(\.id) == b.acceptedTransactions.map(\.id))
                    #expect(a.rejectedTransactions.map(\.id) == b.rejectedTransactions.map(\.id))
                    #expect(a.acceptedVertices.map(\.id) == b.acceptedVertices.map(\.id))
                }
                if step % 10 == 9 { #expect(plain.prune() == numbered.prune()) }
            }
            for input in inputs {
                #expect(plain.decision(for: input) == numbered.decision(for: input))
                if let winner = numbered.decision(for: input), winner != firstSpender[input] { laterSpendsChosen += 1 }
            }
            #expect(inputs.contains { numbered.decision(for: $0) != nil })
            #expect(plain.heldBytes == numbered.heldBytes)
            for v in added { #expect(plain.dag.status(v.id) == numbered.dag.status(v.id)) }
        }
        #expect(laterSpendsChosen > 0, "no conflict went to a later spend: the test shows too little")
    }

    @Test func atMostOneOfAConflictingPairIsEverAcceptedUnderRandomVotes() throws {
        for seed in UInt64(1)...50 {
            var rng = TestGenerator(seed: seed)
            var e = engine()
            let a = tx(spending: [7], nonce: 1), b = tx(spending: [7], nonce: 2)
            let va = vertex(on: [genesis], [a]), vb = vertex(on: [genesis], [b])
            try e.add(va); try e.add(vb)
            var accepted: Set<Hash256> = []
            for _ in 0..<300 {
                let forA = PeerSampling.uniform(below: 6, using: &rng)
                let d = e.recordPoll(chits(forA, va, vb))
                accepted.formUnion(d.acceptedTransactions.map(\.id))
            }
            #expect(accepted.count <= 1, "seed \(seed): both conflicting transactions accepted")
        }
    }

    /// The vote pass gives each processing transaction the summed weight of the distinct
    /// chits that reach it (naming one of its vertices or a descendant), each chit counted
    /// once however many paths lead from it, as a walk from each chit finds. Polls with
    /// more than 64 distinct chits take several passes, and chits name unknown ids too.
    @Test func aPollsVotesAreThoseAWalkFromEachChitFinds() throws {
        for seed in UInt64(1)...12 {
            var rng = TestGenerator(seed: seed)
            var e = engine()
            var vertices: [Vertex] = []
            for n in 0..<40 {
                let parents = vertices.isEmpty
                    ? [genesis]
                    : (0...Int(rng.next() % 3)).map { _ in vertices[Int(rng.next() % UInt64(vertices.count))] }
                var unique: [Vertex] = []
                for parent in parents where !unique.contains(where: { $0.id == parent.id }) { unique.append(parent) }
                // Transactions conflicting with others (50 inputs), and some carried again by
                // a later vertex, so that a chit can reach one transaction through two vertices.
                var txs = [tx(spending: [InputID(rng.next() % 50)], nonce: UInt64(n))]
                if let earlier = vertices.last?.transactions.first, rng.next() % 3 == 0 { txs.append(earlier) }
                let v = vertex(on: unique, txs, creator: NodeID(n), timestamp: Int64(n))
                if (try? e.add(v)) != nil { vertices.append(v) }
            }
            let groups = [3, 64, 65, 150][Int(seed % 4)]
            var chits: [[Hash256]] = []
            for g in 0..<groups {
                var chit = (0...Int(rng.next() % 3)).map { _ in vertices[Int(rng.next() % UInt64(vertices.count))].id }
                chit.append(choice(UInt64(1_000 + g)))      // unknown: no vote, keeps each chit distinct
                for _ in 0...Int(rng.next() % 2) { chits.append(chit) }
            }
            let answers = ChitGroups(chits)
            let carriedTwice = Set(vertices.dropFirst().flatMap { $0.transactions.dropFirst().map(\.id) })
            #expect(!carriedTwice.isEmpty, "seed \(seed): no transaction carried by two vertices")
            // The reference: a walk up the processing ancestors from each distinct chit.
            var expected: [Hash256: Int32] = [:]
            let byID = Dictionary(vertices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (chit, weight) in zip(answers.chits, answers.weights) {
                var seen: Set<Hash256> = [], stack = chit, reached: Set<Hash256> = []
                while let id = stack.popLast() {
                    guard let v = byID[id], e.dag.status(id) == .processing, seen.insert(id).inserted else { continue }
                    for t in v.transactions where e.isProcessing(transaction: t.id) { reached.insert(t.id) }
                    stack += v.parents
                }
                for t in reached { expected[t, default: 0] += weight }
            }
            let votes = e.votesWithoutRecording(answers)
            #expect(votes.count == Set(votes.map(\.0)).count, "seed \(seed): a transaction reported twice")
            let actual = Dictionary(votes, uniquingKeysWith: +)
            let wrong = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }
            #expect(!expected.isEmpty)
            #expect(wrong.count == 0, "seed \(seed), \(groups) chits: \(wrong.count) of \(expected.count) transactions get other votes than a walk gives")
        }
    }

    /// The frontier kept across polls and brought up to date with the arrivals since it was
    /// last read equals the one computed afresh, through a random history of arrivals
    /// (conflicting, on several parents, built on the engine's own choice of parents), polls
    /// with mixed chits, decisions and pruning. It is read at a third of the steps, so that
    /// several arrivals, some built on others, wait to be merged at once. And while the
    /// engine's `frontierStamp` has not moved since a read, the frontier is that read's.
    @Test func cachedFrontierAlwaysEqualsTheFreshOne() throws {
        for seed in UInt64(1)...20 {
            var rng = TestGenerator(seed: seed)
            var e = engine()
            var known: [Vertex] = [genesis]
            var nonce: UInt64 = 0
            var lastRead: (stamp: UInt64, frontier: [Hash256])?
            for step in 0..<400 {
                switch PeerSampling.uniform(below: 10, using: &rng) {
                case 0..<4:
                    // A vertex on one to three known, undecided-or-accepted vertices, or on the
                    // engine's preferred parents; a third of its transactions spend the input of
                    // an earlier one (transaction n spends n + 1,000), so that polls flip
                    // preferences while the frontier is cached.
                    nonce += 1
                    let input = PeerSampling.uniform(below: 3, using: &rng) == 0
                        ? UInt64(PeerSampling.uniform(below: Int(nonce), using: &rng)) + 1_001 : nonce + 1_000
                    let parents: [Vertex]
                    if PeerSampling.uniform(below: 2, using: &rng) == 0 {
                        let ids = e.parentsForNewVertex(count: 3, using: &rng)
                        parents = known.filter { ids.contains($0.id) }
                    } else {
                        let held = known.filter { e.dag.status($0.id) != .rejected && e.holds($0.id) }
                        parents = (0..<1 + PeerSampling.uniform(below: 3, using: &rng)).map { _ in
                            held[PeerSampling.uniform(below: held.count, using: &rng)]
                        }.reduce(into: []) { list, v in if !list.contains(where: { $0.id == v.id }) { list.append(v) } }
                    }
                    let v = vertex(on: parents, [tx(spending: [input], nonce: nonce)], timestamp: Int64(step))
                    if (try? e.add(v)) != nil { known.append(v) }
                case 4..<9:
                    // Either every chit names one recent vertex (which flips preferences
                    // between conflicting ones), or the chits mix the frontier and recent vertices.
                    let frontier = e.preferredFrontier()
                    let candidates = known.suffix(12)
                    func recent() -> Hash256 {
                        candidates[candidates.startIndex + PeerSampling.uniform(below: candidates.count, using: &rng)].id
                    }
                    let poll: [[Hash256]]
                    if PeerSampling.uniform(below: 2, using: &rng) == 0 {
                        poll = Array(repeating: [recent()], count: 5)
                    } else {
                        poll = (0..<5).map { _ in
                            PeerSampling.uniform(below: 3, using: &rng) == 0 || frontier.isEmpty ? [recent()] : frontier
                        }
                    }
                    _ = e.recordPoll(poll)
                default:
                    if PeerSampling.uniform(below: 4, using: &rng) == 0 { e.prune() }
                }
                // While the stamp is what it was at a read, the frontier is what that read gave.
                if let last = lastRead, last.stamp == e.frontierStamp {
                    #expect(e.uncachedPreferredFrontier() == last.frontier, "seed \(seed), step \(step)")
                }
                if PeerSampling.uniform(below: 3, using: &rng) == 0 {
                    let read = e.preferredFrontier()
                    #expect(read == e.uncachedPreferredFrontier(), "seed \(seed), step \(step)")
                    lastRead = (e.frontierStamp, read)
                }
            }
        }
    }

    /// Parents are a uniform sample of the preferred frontier: each draw is `count` distinct
    /// frontier vertices in id order, every leaf is drawn about equally often (a rule such
    /// as "the highest and the lowest" would draw some leaves always and the rest never),
    /// and the same generator gives the same parents.
    @Test func parentsAreAUniformSampleOfTheFrontier() throws {
        var e = engine()
        let leaves = (0..<40).map { n in vertex(on: [genesis], [tx(spending: [UInt64(n)], nonce: UInt64(n))]) }
        for leaf in leaves { try e.add(leaf) }
        let frontier = e.preferredFrontier()
        #expect(frontier.count == leaves.count)
        var rng = TestGenerator(seed: 3)
        var drawn: [Hash256: Int] = [:]
        let draws = 2_000
        for _ in 0..<draws {
            let parents = e.parentsForNewVertex(count: 5, using: &rng)
            #expect(parents.count == 5)
            #expect(parents == parents.sorted() && Set(parents).count == 5)
            #expect(parents.allSatisfy { frontier.contains($0) })
            for id in parents { drawn[id, default: 0] += 1 }
        }
        // Each leaf is expected 2,000 × 5 / 40 = 250 times (standard deviation about 15).
        #expect(drawn.count == leaves.count)
        #expect(drawn.values.allSatisfy { (175...325).contains($0) }, "\(drawn.values.sorted())")
        var first = TestGenerator(seed: 9), second = TestGenerator(seed: 9)
        #expect(e.parentsForNewVertex(count: 5, using: &first) == e.parentsForNewVertex(count: 5, using: &second))
        #expect(e.parentsForNewVertex(count: 40, using: &first) == frontier)
    }

    /// The virtuous frontier, which avalanchego's issuer builds on, leaves out a vertex
    /// whose transaction is in dispute and everything on it, until the dispute is decided;
    /// the preferred frontier keeps the preferred side.
    @Test func theVirtuousFrontierLeavesOutWhatIsInDispute() throws {
        var e = engine()
        let a = tx(spending: [7], nonce: 1), b = tx(spending: [7], nonce: 2), c = tx(spending: [8], nonce: 3)
        let va = vertex(on: [genesis], [a], creator: 1), vc = vertex(on: [genesis], [c], creator: 3)
        try e.add(va); try e.add(vc)
        #expect(e.virtuousFrontier() == [va.id, vc.id].sorted())    // no dispute known yet
        let vb = vertex(on: [genesis], [b], creator: 2)
        let onA = vertex(on: [va], [tx(spending: [9], nonce: 4)], creator: 1)
        try e.add(vb); try e.add(onA)
        #expect(e.preferredFrontier() == [onA.id, vc.id].sorted())  // a, first seen, is preferred
        #expect(e.virtuousFrontier() == [vc.id])
        var rng = TestGenerator(seed: 1)
        #expect(e.parentsForNewVertex(count: 5, virtuousOnly: true, using: &rng) == [vc.id])
        #expect(e.parentsForNewVertex(count: 5, using: &rng) == [onA.id, vc.id].sorted())
        // Decided for a: b's vertex is rejected, and a's side is virtuous again.
        for _ in 0..<smallParameters.beta { _ = e.recordPoll(chits(5, onA)) }
        #expect(e.decision(for: 7) == a.id)
        #expect(e.dag.status(vb.id) == .rejected)
        #expect(e.virtuousFrontier() == e.preferredFrontier())
        #expect(e.virtuousFrontier().contains(onA.id))
    }

    @Test func pruningKeepsTheEngineWorking() throws {
        var e = engine()
        var last = genesis
        for n in 0..<50 {
            let v = vertex(on: [last], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            try e.add(v)
            for _ in 0..<smallParameters.beta { _ = e.recordPoll(chits(5, v)) }
            #expect(e.dag.status(v.id) == .accepted)
            last = v
        }
        let before = e.heldBytes
        #expect(e.prune() == 50)
        #expect(e.heldBytes < before)
        #expect(e.preferredFrontier() == [last.id])
        var rng = TestGenerator(seed: 1)
        #expect(e.parentsForNewVertex(count: 5, using: &rng) == [last.id])
        #expect(e.heightForNewVertex(parents: [last.id]) == 51)
    }

    @Test func arrivalsReplaceTheirParentsInTheSortedFrontier() {
        let ids = (1...6).map { Hash256(w0: UInt64($0) * 10, w1: 0, w2: 0, w3: 0) }   // 10, 20, ... 60
        func id(_ n: UInt64) -> Hash256 { Hash256(w0: n, w1: 0, w2: 0, w3: 0) }
        // The straightforward version: each arrival in turn removes its parents and joins.
        func expected(_ arrivals: [(parents: [Hash256], id: Hash256)], _ frontier: [Hash256]) -> [Hash256] {
            arrivals.reduce(frontier) { current, arrival in
                (current.filter { !arrival.parents.contains($0) } + [arrival.id]).sorted()
            }
        }
        let cases: [[(parents: [Hash256], id: Hash256)]] = [
            [([id(20), id(40)], id(35))],         // between the parents
            [([id(20)], id(5))],                  // at the front
            [([id(60)], id(70))],                 // at the end, after a removed last element
            [([id(30)], id(29))],                 // just before the removed parent
            [([id(30)], id(31))],                 // just after it
            [([id(99)], id(45))],                 // a parent not on the frontier
            [([id(10), id(20), id(30), id(40), id(50), id(60)], id(1))],   // every element replaced
            [([id(50), id(10), id(50)], id(55))],  // unsorted, repeated
            [([id(20)], id(25)), ([id(25), id(40)], id(15))],              // the second on the first
            [([id(60)], id(65)), ([id(10)], id(12)), ([id(65)], id(3))],   // a chain and a stranger
            [([id(30)], id(33)), ([id(30)], id(34))],                      // siblings on one parent
        ]
        for arrivals in cases {
            var added = arrivals.map(\.id), removed = arrivals.flatMap(\.parents)
            let merged = AvalancheEngine.merged(ids, adding: &added, removing: &removed)
            #expect(merged == expected(arrivals, ids), "arrivals \(arrivals.map { ($0.parents.map(\.w0), $0.id.w0) })")
        }
        var one = [id(5)], other = [id(10)], none: [Hash256] = [], nothing: [Hash256] = []
        #expect(AvalancheEngine.merged([], adding: &one, removing: &other) == [id(5)])
        #expect(AvalancheEngine.merged(ids, adding: &none, removing: &nothing) == ids)
    }

    /// Engines of different sizes lent one vote scratch in turn decide what each decides
    /// with its own: the same decisions at every poll and the same preferred frontier after
    /// it, through random DAGs with conflicts and random polls interleaved between engines.
    @Test func enginesSharingAVoteScratchDecideAsWithTheirOwn() throws {
        var rng = TestGenerator(seed: 77)
        var alone: [AvalancheEngine] = []
        var vertices: [[Vertex]] = []
        for (index, size) in [12, 60, 30].enumerated() {
            var e = engine()
            var added: [Vertex] = []
            for n in 0..<size {
                let parents = added.isEmpty
                    ? [genesis]
                    : (0...Int(rng.next() % 3)).map { _ in added[Int(rng.next() % UInt64(added.count))] }
                var unique: [Vertex] = []
                for parent in parents where !unique.contains(where: { $0.id == parent.id }) { unique.append(parent) }
                let t = tx(spending: [InputID(rng.next() % UInt64(size / 2))], nonce: UInt64(index * 1_000 + n))
                let v = vertex(on: unique, [t], creator: NodeID(n), timestamp: Int64(n))
                if (try? e.add(v)) != nil { added.append(v) }
            }
            alone.append(e)
            vertices.append(added)
        }
        var lent = alone
        var scratch = VoteScratch()
        var decided = 0
        for step in 0..<600 {
            let which = Int(rng.next() % UInt64(alone.count))
            let named = vertices[which]
            let k = 5
            let chits = (0..<k).map { _ in [named[Int(rng.next() % UInt64(named.count))].id] }
            let own = alone[which].recordPollDecided(ChitGroups(chits))
            let shared = lent[which].recordPollDecided(ChitGroups(chits), scratch: &scratch)
            #expect(own?.acceptedVertices.map(\.id) == shared?.acceptedVertices.map(\.id), "step \(step)")
            #expect(own?.rejectedVertices == shared?.rejectedVertices, "step \(step)")
            #expect(alone[which].preferredFrontier() == lent[which].preferredFrontier(), "step \(step)")
            decided += own.map { $0.acceptedVertices.count + $0.rejectedVertices.count } ?? 0
        }
        #expect(decided > 20, "the polls decided vertices")
    }
}
