import Testing
@testable import ConsensusCore

@Suite("DAG")
struct DAGTests {
    func freshDAG(checks: VertexChecks = []) -> DAG {
        var dag = DAG(checks: checks)
        dag.insert(genesis, status: .accepted)
        return dag
    }

    /// A numbering that knows the genesis and a DAG sharing it, on the genesis.
    func numberedDAG() -> (numbering: VertexNumbering, dag: DAG) {
        let numbering = VertexNumbering()
        numbering.register(genesis)
        var dag = DAG(numbering: numbering)
        dag.insert(genesis, status: .accepted)
        return (numbering, dag)
    }

    @Test func addGetParentsChildren() throws {
        var dag = freshDAG()
        let a = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        let b = vertex(on: [genesis], [tx(spending: [2], nonce: 2)])
        let c = vertex(on: [a, b], [tx(spending: [3], nonce: 3)])
        try dag.add(a); try dag.add(b); try dag.add(c)
        #expect(dag.count == 4)
        #expect(dag.vertex(c.id) === c)
        #expect(dag.parents(of: c.id) == [a.id, b.id].sorted())
        #expect(dag.children(of: genesis.id) == [a.id, b.id].sorted())
        #expect(dag.children(of: c.id) == [])
        #expect(dag.ancestors(of: c.id).count == 3)
        #expect(dag.ancestors(of: c.id).first == genesis.id)
        #expect(dag.frontier() == [c.id])
        #expect(dag.status(c.id) == .processing)
    }

    @Test func rejectedAddsLeaveNoTrace() throws {
        var dag = freshDAG(checks: .hash)
        let a = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        let orphan = vertex(on: [a], [tx(spending: [2], nonce: 2)])
        let before = (dag.count, dag.frontier(), dag.heldBytes)
        #expect(throws: DAGError.missingParent(vertex: orphan.id, parent: a.id)) { try dag.add(orphan) }
        #expect(dag.count == before.0 && dag.frontier() == before.1 && dag.heldBytes == before.2)

        try dag.add(a)
        #expect(throws: DAGError.duplicate(a.id)) { try dag.add(a) }
        #expect(dag.count == 2)

        let tampered = Vertex(id: orphan.id, creator: orphan.creator, height: 1, timestamp: orphan.timestamp + 1,
                              parents: [genesis.id], transactions: orphan.transactions, signature: [],
                              unsignedSize: orphan.unsignedSize)
        #expect(throws: DAGError.self) { try dag.add(tampered) }
        do { try dag.validate(tampered); Issue.record("tampered vertex validated") } catch {
            guard case .hashMismatch(let claimed, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(claimed == orphan.id)
        }
        let wrongHeight = try Vertex(creator: 1, height: 5, timestamp: 0, parents: [genesis.id], transactions: [], signer: nil)
        #expect(throws: DAGError.wrongHeight(vertex: wrongHeight.id, expected: 1, found: 5)) { try dag.add(wrongHeight) }
        #expect(dag.count == 2)
        #expect(dag.children(of: genesis.id) == [a.id])
    }

    @Test func signaturesAreCheckedWhenAsked() throws {
        let key = try SigningKey(scheme: .mlDSA65, seed: Hash256(w0: 1, w1: 1, w2: 1, w3: 1))
        let impostor = try SigningKey(scheme: .mlDSA65, seed: Hash256(w0: 2, w1: 2, w2: 2, w3: 2))
        var dag = freshDAG(checks: .all)
        dag.keys = [1: key.verifyingKey]
        let good = try Vertex(creator: 1, height: 1, timestamp: 0, parents: [genesis.id], transactions: [], signer: key)
        let forged = try Vertex(creator: 1, height: 1, timestamp: 1, parents: [genesis.id], transactions: [], signer: impostor)
        let stranger = try Vertex(creator: 9, height: 1, timestamp: 2, parents: [genesis.id], transactions: [], signer: impostor)
        #expect(throws: DAGError.badSignature(forged.id)) { try dag.add(forged) }
        #expect(throws: DAGError.unknownCreator(9)) { try dag.add(stranger) }
        try dag.add(good)
        #expect(dag.count == 2)
    }

    @Test func topologicalOrderIsDeterministicAndValid() throws {
        var rng = TestGenerator(seed: 7)
        var all = [genesis]
        var dag = freshDAG()
        for n in 0..<300 {
            var parents: [Vertex] = []
            for _ in 0..<3 { parents.append(all[PeerSampling.uniform(below: all.count, using: &rng)]) }
            let v = vertex(on: parents, [tx(spending: [UInt64(n)], nonce: UInt64(n))], timestamp: Int64(n))
            try dag.add(v)
            all.append(v)
        }
        let order = dag.topologicalOrder()
        #expect(order.count == all.count)
        var position: [Hash256: Int] = [:]
        for (i, id) in order.enumerated() { position[id] = i }
        for v in all { for p in v.parents { #expect(position[p]! < position[v.id]!) } }

        // Another DAG fed the same vertices in another valid order gives the same order.
        var other = freshDAG()
        for v in all.dropFirst().sorted(by: { $0.height != $1.height ? $0.height < $1.height : $0.id > $1.id }) {
            try other.add(v)
        }
        #expect(other.topologicalOrder() == order)
    }

    @Test func topologicalOrderIsHeightThenIDOnWideAndSparseDAGs() throws {
        // Wide: 40 vertices on genesis share height 1, 25 share height 2.
        var dag = freshDAG()
        var level1: [Vertex] = []
        for n in 0..<40 {
            let v = vertex(on: [genesis], [tx(spending: [UInt64(n)], nonce: UInt64(n))], timestamp: Int64(n))
            try dag.add(v)
            level1.append(v)
        }
        var all = [genesis] + level1
        for n in 0..<25 {
            let v = vertex(on: [level1[n], level1[39 - n]], [tx(spending: [UInt64(100 + n)])], timestamp: Int64(n))
            try dag.add(v)
            all.append(v)
        }
        let expected = all.sorted { $0.height != $1.height ? $0.height < $1.height : $0.id < $1.id }.map(\.id)
        #expect(dag.topologicalOrder() == expected)

        // Sparse: heights 0, 1 and 1000 (inserted unchecked), far apart for their count.
        var sparse = freshDAG()
        let low = vertex(on: [genesis], [tx(spending: [1])])
        let high = try Vertex(creator: 1, height: 1000, timestamp: 0, parents: [genesis.id],
                              transactions: [tx(spending: [2])], signer: nil)
        sparse.insert(high, status: .processing)
        try sparse.add(low)
        #expect(sparse.topologicalOrder() == [genesis.id, low.id, high.id])
    }

    @Test func pruningReleasesTheAcceptedPrefix() throws {
        var dag = freshDAG()
        var chain = [genesis]
        for n in 0..<100 {
            let v = vertex(on: [chain.last!], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            try dag.add(v)
            chain.append(v)
        }
        for v in chain.dropFirst() { dag.decide(v.id, .accepted) }
        let heldBefore = dag.heldBytes
        let released = dag.pruneAccepted()
        #expect(released == 100)               // everything but the accepted frontier
        #expect(dag.count == 1)
        #expect(dag.vertex(chain.last!.id) != nil)
        #expect(dag.vertex(chain[50].id) == nil)
        #expect(dag.status(chain[50].id) == .accepted)
        #expect(dag.heldBytes == DAG.bytes(of: chain.last!) + 100 * DAG.tombstoneBytes)
        #expect(dag.heldBytes < heldBefore / 5)
        // A new vertex may still name a pruned vertex as parent, beside a stored one.
        let late = vertex(on: [chain[99]], [tx(spending: [999], nonce: 999)])
        try dag.add(late)
        #expect(dag.count == 2)
        let mixed = vertex(on: [chain[98], chain.last!], [tx(spending: [998], nonce: 998)])
        try dag.add(mixed)
        #expect(dag.count == 3)
        #expect(mixed.height == chain.last!.height + 1)
        #expect(dag.children(of: chain.last!.id) == [mixed.id])
        #expect(dag.frontier() == [late.id, mixed.id].sorted())
    }

    /// A DAG sharing a numbering remembers released vertices exactly as one with its own
    /// table: the same answers for every id, the same bytes, the same vertices refused.
    @Test func aNumberedDAGRemembersWhatATableDoes() throws {
        var (numbering, numbered) = numberedDAG()
        var plain = freshDAG()
        var chain = [genesis]
        var rejected: [Vertex] = []
        for n in 0..<300 {
            let v = vertex(on: [chain.last!], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            // Every seventh vertex stays unnumbered: it is remembered in the table.
            if n % 7 != 3 { numbering.register(v) }
            try numbered.add(v); try plain.add(v)
            chain.append(v)
            if n % 10 == 5 {
                let loser = vertex(on: [chain[chain.count - 2]], [tx(spending: [10_000 + UInt64(n)], nonce: 10_000 + UInt64(n))])
                numbering.register(loser)
                numbered.insert(loser, status: .rejected); plain.insert(loser, status: .rejected)
                numbered.dropRejected(loser.id); plain.dropRejected(loser.id)
                rejected.append(loser)
            }
        }
        // By number, held or not as by id; a held bit is never set for a vertex not held.
        func agreeByNumber(_ line: Int) {
            for v in chain + rejected {
                guard let number = numbering.number(of: v.id) else { continue }
                #expect(numbered.contains(number: number) == numbered.contains(v.id), "line \(line)")
                #expect(!numbered.hasHeldBit(number: number) || numbered.contains(v.id), "line \(line)")
            }
        }
        agreeByNumber(#line)
        for v in chain.dropFirst() { numbered.decide(v.id, .accepted); plain.decide(v.id, .accepted) }
        #expect(numbered.pruneAccepted() == plain.pruneAccepted())
        agreeByNumber(#line)
        #expect(numbered.prunedCount == plain.prunedCount && numbered.prunedCount == 300 + rejected.count)
        #expect(numbered.heldBytes == plain.heldBytes)
        let stranger = vertex(on: [genesis], [tx(spending: [99_999], nonce: 99_999)])
        for v in chain + rejected + [stranger] {
            #expect(numbered.contains(v.id) == plain.contains(v.id))
            #expect(numbered.isPruned(v.id) == plain.isPruned(v.id))
            #expect(numbered.status(v.id) == plain.status(v.id))
            #expect(numbered.height(v.id) == plain.height(v.id))
        }
        #expect(numbered.status(rejected[3].id) == .rejected && numbered.status(chain[40].id) == .accepted)
        #expect(numbered.status(stranger.id) == nil)
        // Released vertices are refused again; a new one may name them as parents.
        #expect(throws: DAGError.duplicate(chain[100].id)) { try numbered.add(chain[100]) }
        let late = vertex(on: [chain[200], chain[4]], [tx(spending: [88_888], nonce: 88_888)])
        try numbered.add(late); try plain.add(late)
        #expect(numbered.height(late.id) == chain[200].height + 1)
        #expect(numbered.frontier() == plain.frontier())
    }

    /// A vertex stored before the numbering knows it (as a node stores the vertex it issues)
    /// gets its held bit once it is numbered. Before and after, by number, the DAG answers
    /// as a plain one does by id: for vertices held, released before or after they were
    /// numbered, and never seen.
    @Test func verticesStoredBeforeTheyAreNumberedAreFoundByNumber() throws {
        var (numbering, numbered) = numberedDAG()
        var plain = freshDAG()
        var chain = [genesis]
        var strangers: [Vertex] = []
        func agree(_ line: Int) {
            for v in chain + strangers {
                guard let number = numbering.number(of: v.id) else { continue }
                let expected = plain.contains(v.id)
                #expect(numbered.contains(number: number) == expected, "line \(line)")
                let found = numbered.hasHeldBit(number: number) || numbered.containsUnmarkedNumbering(number: number)
                #expect(found == expected, "line \(line)")
            }
        }
        for n in 0..<200 {
            let v = vertex(on: [chain.last!], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            try numbered.add(v); try plain.add(v)
            chain.append(v)
            // Numbered after it is stored; every fifth only at the end.
            if n % 5 != 4 { numbering.register(v) }
            let stranger = vertex(on: [genesis], [tx(spending: [50_000 + UInt64(n)], nonce: 50_000 + UInt64(n))])
            numbering.register(stranger)
            strangers.append(stranger)
            agree(#line)
        }
        #expect(!numbered.unnumberedStored.isEmpty)
        // Some are released while not numbered yet: they are kept by tombstone.
        for v in chain[1...150] { numbered.decide(v.id, .accepted); plain.decide(v.id, .accepted) }
        #expect(numbered.pruneAccepted() == plain.pruneAccepted())
        agree(#line)
        for (n, v) in chain.dropFirst().enumerated() where n % 5 == 4 { numbering.register(v) }
        agree(#line)
        #expect(numbered.unnumberedStored.isEmpty, "every stored vertex has its bit once numbered")
        agree(#line)
    }

    /// With a numbering, the oldest released vertices are forgotten a window at a time.
    @Test func aNumberedDAGForgetsTheOldest() throws {
        let numbering = VertexNumbering()
        numbering.register(genesis)
        var dag = DAG(numbering: numbering)
        dag.insert(genesis, status: .accepted)
        dag.tombstoneLimit = 128
        var chain = [genesis]
        for n in 0..<1000 {
            let v = vertex(on: [chain.last!], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            numbering.register(v)
            try dag.add(v)
            dag.decide(v.id, .accepted)
            dag.pruneAccepted()
            chain.append(v)
            #expect(dag.prunedCount <= 128 + 128)
        }
        #expect(dag.prunedCount >= 128)
        #expect(dag.heldBytes == DAG.bytes(of: chain.last!) + dag.prunedCount * DAG.tombstoneBytes)
        // Forgotten everywhere: neither the released window nor the held one keeps them.
        for v in chain[1..<(1000 - 256)] { #expect(!dag.contains(v.id)) }
        for v in chain[(1000 - 128)..<1000] { #expect(dag.status(v.id) == .accepted) }
    }

    @Test func aParentWhoseChildrenAreAllRejectedIsALeafUntilItGetsAnother() throws {
        var dag = freshDAG()
        let a = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
        let b = vertex(on: [a], [tx(spending: [2], nonce: 2)])
        try dag.add(a); try dag.add(b)
        #expect(dag.frontier() == [b.id])
        dag.decide(b.id, .rejected)
        #expect(dag.frontier() == [a.id])
        let c = vertex(on: [a], [tx(spending: [3], nonce: 3)])
        try dag.add(c)
        #expect(dag.frontier() == [c.id])
        let d = vertex(on: [a, c], [tx(spending: [4], nonce: 4)])
        dag.insert(d, status: .rejected)         // a rejected child leaves its parents' leaf state alone
        #expect(dag.frontier() == [c.id])
        #expect(dag.children(of: a.id) == [b.id, c.id, d.id].sorted())
    }

    @Test func tombstonesAreBounded() throws {
        var dag = freshDAG()
        dag.tombstoneLimit = 10
        var last = genesis
        for n in 0..<50 {
            let v = vertex(on: [last], [tx(spending: [UInt64(n)], nonce: UInt64(n))])
            try dag.add(v)
            dag.decide(v.id, .accepted)
            dag.pruneAccepted()
            last = v
        }
        #expect(dag.prunedCount == 10)
        #expect(dag.count == 1)
    }
}
