import ConsensusCore

/// Reads of a node's engine the adversary and the detectors need, in place (see
/// `AvalancheEngine+InPlace.swift` for why).
extension AvalancheEngine {
    mutating func statusInPlace(_ id: Hash256) -> VertexStatus? { dag.status(id) }
    mutating func heightInPlace(of id: Hash256) -> UInt64? { dag.height(id) }
    mutating func preferenceInPlace(_ input: InputID) -> Hash256? { snowball(for: input)?.preference }
    mutating func decisionInPlace(_ input: InputID) -> Hash256? { decision(for: input) }
}

/// What Byzantine nodes do differently: their answers to queries, the double spends they
/// issue, and stake-weighted or reputation-filtered peer sampling.
extension Simulator {
    /// Whether `node` is Byzantine.
    func isByzantine(_ node: Int) -> Bool { adversary.isByzantine[node] }

    // MARK: - Answers

    /// A Byzantine node answers a query naming `asked` at once, as its behaviour dictates.
    func sendByzantineChits(from node: Int, to asker: Int, poll: UInt32, asked: [Hash256]) {
        let chit = byzantineChit(from: node, to: asker, asked: asked)
        send(Message(kind: .chits, from: Int32(node), to: Int32(asker), poll: poll, vertex: nil,
                     ids: IdList(chit, numbering: archive.numbering)),
             bytes: messageHeaderBytes + 4 + 32 * chit.count)
    }

    private func byzantineChit(from node: Int, to asker: Int, asked: [Hash256]) -> [Hash256] {
        switch adversary.behavior {
        case .alwaysAccept:
            return asked.sorted()
        case .alwaysReject:
            return rejecting(asked)
        case .randomVoting:
            // A shard draws from its own stream: the adversary's is drawn between windows.
            let yes = sharded ? shardByzantineRandom.nextBool(numerator: 1, denominator: 2)
                : adversary.random.nextBool(numerator: 1, denominator: 2)
            return yes ? asked.sorted() : rejecting(asked)
        case .collusion:
            if !sharded { refreshAdversaryView() }      // a sharded run refreshes it between windows
            let minority = adversary.conflictVertices(side: nil)
            return minority.isEmpty ? asked.sorted() : minority
        case .sybil:
            if !sharded { refreshAdversaryView() }
            return adversary.conflictVertices(side: nil)
        case .equivocation:
            let told = adversary.conflictVertices(side: Adversary.half(of: asker, nodes: nodes.count))
            return told.isEmpty ? asked.sorted() : told
        case .doubleSpend:
            return nodes[node].engine.preferredFrontier()
        }
    }

    /// A vote against everything asked: the other side of each asked vertex's conflict
    /// where one is known, else nothing.
    private func rejecting(_ asked: [Hash256]) -> [Hash256] {
        var ids: [Hash256] = []
        for id in asked {
            if let other = adversary.conflicting(with: id), !ids.contains(other) { ids.append(other) }
        }
        ids.sort()
        return ids
    }

    /// A vertex a Byzantine node serves on request: the adversary holds every vertex issued.
    func byzantineStored(_ id: Hash256, at node: Int) -> Vertex? {
        isByzantine(node) ? archive[id] : nil
    }

    /// Recounts, for the newest unsettled conflicts, how many honest nodes prefer each side:
    /// the shared global view the colluders vote against.
    func refreshAdversaryView() {
        guard now - adversary.viewTakenAt >= Adversary.viewRefresh else { return }
        adversary.viewTakenAt = now
        var looked = 0
        var index = adversary.conflicts.count - 1
        while index >= 0 && looked < Adversary.conflictsPerChit {
            let conflict = adversary.conflicts[index]
            index -= 1
            guard !conflict.settled else { continue }
            looked += 1
            var prefer = (0, 0)
            var decided = 0, honest = 0
            for node in nodes.indices where !adversary.isByzantine[node] && nodes[node].alive {
                honest += 1
                var side = nodes[node].engine.preferenceInPlace(conflict.input)
                if side == nil, let chosen = nodes[node].engine.decisionInPlace(conflict.input) {
                    side = chosen
                    decided += 1
                }
                if side == conflict.transactions.0 { prefer.0 += 1 } else if side == conflict.transactions.1 { prefer.1 += 1 }
            }
            let minority = prefer.0 < prefer.1 ? 0 : prefer.1 < prefer.0 ? 1 : conflict.minority
            adversary.setView(index + 1, minority: minority, settled: decided == honest)
        }
    }

    // MARK: - Double spends

    /// With the Byzantine share as probability per workload arrival, a random double
    /// spender issues a conflicting pair.
    func issueDoubleSpendIfDue() {
        guard adversary.behavior == .doubleSpend, adversary.isActive,
              adversary.random.nextDouble() < options.byzantine.fraction else { return }
        let issuer = adversary.members[adversary.random.nextInt(below: adversary.count)]
        guard nodes[issuer].alive else { return }
        let input = workload.freshInput()
        if sharded {
            // Between windows: the issuer's shard issues, with its clock at the submission's time.
            let home = home(of: issuer)
            home.now = now
            home.issueDoubleSpend(from: issuer, spending: input)
        } else {
            issueDoubleSpend(from: issuer, spending: input)
        }
    }

    /// Two transactions spending one fresh input, each in its own vertex on the issuer's
    /// preferred frontier; the first is pushed to k nodes of the lower half of the network,
    /// the second to k nodes of the upper half.
    private func issueDoubleSpend(from issuer: Int, spending input: InputID) {
        let pair = [adversaryTransaction(spending: input, origin: issuer), adversaryTransaction(spending: input, origin: issuer)]
        adversary.registerConflict(input: input, pair[0], pair[1], at: now)
        adversary.doubleSpends += 1
        let parents = nodes[issuer].parentsForNewVertex(count: options.parents)
        let height = nodes[issuer].engine.heightInPlace(parents: parents)
        for side in 0..<2 {
            guard let vertex = makeVertex(by: issuer, height: height, parents: parents, transactions: [pair[side]]) else { continue }
            charge(issuer, costs.signNs(options.signatureScheme) + costs.hashNs(bytes: vertex.unsignedSize) + costs.addVertexNs)
            let decisions: Decisions
            do { decisions = try nodes[issuer].engine.add(vertex) } catch { continue }
            persist(vertex, at: issuer)
            apply(decisions, at: issuer)
            metrics.verticesIssued += 1
            archive[vertex.id] = vertex
            adversary.noteIssued(pair[side], in: vertex.id)
            pushToHalf(side, vertex, from: issuer)
        }
    }

    private func adversaryTransaction(spending input: InputID, origin: Int) -> Transaction {
        let nonce = Adversary.nonceBase + UInt64(adversary.issued)
        adversary.issued += 1
        return Transaction(inputs: [input], payloadSize: UInt32(options.workload.payloadBytes),
                           payloadDigest: Hash256(w0: nonce, w1: 0, w2: 0, w3: 0),
                           origin: NodeID(origin), submitTime: now.nanoseconds, nonce: nonce)
    }

    private func makeVertex(by node: Int, height: UInt64, parents: [Hash256], transactions: [Transaction]) -> Vertex? {
        let timestamp = localTime(node).nanoseconds
        if options.realSignatures {
            return try? Vertex(creator: NodeID(node), height: height, timestamp: timestamp, parents: parents,
                               transactions: transactions, signer: signingKeys[node])
        }
        return Vertex(creator: NodeID(node), height: height, timestamp: timestamp, parents: parents,
                      transactions: transactions, placeholderSignature: placeholderSignature)
    }

    /// Push-queries `vertex` to k nodes of one half of the network (answers are ignored:
    /// the issuer keeps no poll for them).
    private func pushToHalf(_ half: Int, _ vertex: Vertex, from issuer: Int) {
        let lower = half == 0 ? 0 : nodes.count / 2
        let upper = half == 0 ? nodes.count / 2 : nodes.count
        let inside = (lower..<upper).contains(issuer)
        let size = upper - lower - (inside ? 1 : 0)
        guard size > 0 else { return }
        var picked: [Int] = []
        adversary.random.sample(min(options.consensus.k, size), from: size, into: &picked)
        let poll = nodes[issuer].nextPoll
        nodes[issuer].nextPoll &+= 1
        for offset in picked {
            var to = lower + offset
            if inside && to >= issuer { to += 1 }
            send(Message(kind: .pushQuery, from: Int32(issuer), to: Int32(to), poll: poll, vertex: vertex, ids: IdList()),
                 bytes: messageHeaderBytes + vertexWireBytes(vertex))
        }
    }

    // MARK: - Sampling

    /// The k peers `node` polls, as node ids: uniform over the other nodes, or by stake,
    /// and without the peers it flags when detection excludes them.
    func samplePeers(_ node: Int, into sample: inout [Int]) {
        let k = options.consensus.k
        let weighted = !adversary.cumulativeStake.isEmpty
        let excluding = reputation.map { $0.exclude && $0.scores(node) } ?? false
        guard weighted || excluding else {
            nodes[node].sampler.sample(k, from: nodes.count - 1, into: &sample, marks: &sampleMarks)
            sample.withUnsafeMutableBufferPointer { sample in                   // sampled from the others: skip self
                for i in sample.indices where sample[i] >= node { sample[i] += 1 }
            }
            return
        }
        sample.removeAll(keepingCapacity: true)
        let total = adversary.cumulativeStake.last ?? 0
        var attempts = 0
        // Rejection of self, repeats and flagged peers; the cap bounds the work when most
        // peers are excluded (the poll then asks fewer than k).
        while sample.count < k && attempts < 64 * k {
            attempts += 1
            let candidate = weighted
                ? stakeOwner(nodes[node].sampler.nextBelow(total))
                : nodes[node].sampler.nextInt(below: nodes.count)
            if candidate == node || sample.contains(candidate) { continue }
            if excluding && reputation!.flags(candidate, by: node) { continue }
            sample.append(candidate)
        }
    }

    /// The node whose slice of the cumulative stake holds `point`.
    private func stakeOwner(_ point: UInt64) -> Int {
        let cumulative = adversary.cumulativeStake
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > point { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
