import ConsensusCore

/// The node protocol, as avalanchego runs Avalanche: push queries for new vertices,
/// pull queries (repolls) while anything is processing, chits in answer, and
/// get/put to fetch the vertices a node hears of but does not hold.
extension Simulator {
    // MARK: - Receiving

    func deliver(_ message: consuming Message) {
        metrics.delivered += 1
        let node = Int(message.to)
        guard nodes[node].alive else {
            metrics.dropped += 1
            metrics.delivered -= 1
            return
        }
        charge(node, costs.messageNs)
        let from = Int(message.from)
        switch message.kind {
        case .pushQuery:
            let vertex = message.vertex!
            if answersAtOnce(node) && !adversary.isByzantine[node] {
                // avalanchego's order: the chit first, then the vertex is taken in.
                sendChits(from: node, to: from, poll: message.poll)
                receive(vertex, at: node, from: from)
            } else {
                receive(vertex, at: node, from: from)
                answerPush(of: vertex, at: node, from: from, poll: message.poll)
            }
        case .pullQuery:
            answerPull(at: node, from: from, poll: message.poll, naming: message.takeIds())
        case .chits:
            receiveChits(at: node, from: from, poll: message.poll, chit: message.takeIds())
        case .get:
            for element in message.ids {
                let id = IdList.id(of: element, numbering: archive.numbering)
                var ready = SimInstant.zero
                guard let vertex = stored(id, at: node, readyAt: &ready) ?? byzantineStored(id, at: node) else { continue }
                send(Message(kind: .put, from: Int32(node), to: Int32(from), poll: 0, vertex: vertex, ids: IdList()),
                     bytes: messageHeaderBytes + vertexWireBytes(vertex), notBefore: ready)
            }
        case .put:
            receive(message.vertex!, at: node, from: from)
        case .getAncestors:
            serveAncestors(at: node, to: from, naming: message.ids.ids(numbering: archive.numbering))
        case .ancestors:
            receiveAncestors(at: node, from: from, ids: message.ids.ids(numbering: archive.numbering))
        }
    }

    func vertexWireBytes(_ vertex: Vertex) -> Int { vertex.wireSize }

    /// A vertex the node can serve: in memory, or released from memory but kept on its
    /// disk (the archive stands for the bodies on every node's disk), read back by `readyAt`.
    private func stored(_ id: Hash256, at node: Int, readyAt: inout SimInstant) -> Vertex? {
        if let vertex = nodes[node].engine.storedVertexInPlace(id) { return vertex }
        guard nodes[node].engine.holdsInPlace(id), let archived = archive[id], retainedOnDisk(archived) else { return nil }
        readyAt = readFromDisk(node, vertices: 1, bytes: vertexWireBytes(archived))
        return archived
    }

    /// Whether the node holds `id` (added, pruned or rejected).
    private func holds(_ node: Int, _ id: Hash256) -> Bool { nodes[node].engine.holdsInPlace(id) }

    /// Whether the node holds the vertex of `element`.
    @inline(__always)
    private func holds(_ node: Int, _ element: IdList.Element) -> Bool {
        switch element {
        case let .number(number): nodes[node].engine.holdsInPlace(number: number)
        case let .id(id): nodes[node].engine.holdsInPlace(id)
        }
    }

    /// Answers a push query for `vertex`, just received.
    private func answerPush(of vertex: Vertex, at node: Int, from: Int, poll: UInt32) {
        if adversary.isByzantine[node] { return sendByzantineChits(from: node, to: from, poll: poll, asked: [vertex.id]) }
        if holds(node, vertex.id) { return sendChits(from: node, to: from, poll: poll) }
        fetch(vertex.id, at: node, from: from)
        let waiting = WaitList(IdList.Element(vertex.id, numbering: archive.numbering))
        nodes[node].deferred.append(DeferredReply(to: Int32(from), poll: poll, waitingFor: waiting, since: now))
    }

    /// Answers a pull query at once when every named vertex is held (or, with
    /// `answerAtOnce`, always); otherwise fetches the missing ones from the asker and
    /// answers when they have been added.
    private func answerPull(at node: Int, from: Int, poll: UInt32, naming ids: IdList) {
        if adversary.isByzantine[node] {
            return sendByzantineChits(from: node, to: from, poll: poll, asked: ids.ids(numbering: archive.numbering))
        }
        if answersAtOnce(node) {
            sendChits(from: node, to: from, poll: poll)
            _ = fetchUnheld(ids, at: node, from: from)
            return
        }
        // Made only when a vertex is missing: an empty list's two arrays were released at
        // the end of every query answered at once.
        var missing: WaitList?
        for element in ids where !holds(node, element) {
            if missing == nil { missing = WaitList() }
            missing!.append(element)
            fetch(IdList.id(of: element, numbering: archive.numbering), at: node, from: from)
        }
        if let missing {
            nodes[node].deferred.append(DeferredReply(to: Int32(from), poll: poll, waitingFor: missing, since: now))
        } else {
            sendChits(from: node, to: from, poll: poll)
        }
    }

    /// Whether `node` answers queries at once (`answerAtOnce`): not while it catches up
    /// after a restart, when its frontier is what it knew before (avalanchego's engine
    /// answers no query while bootstrapping); it then answers once it holds what is named.
    private func answersAtOnce(_ node: Int) -> Bool { options.answerAtOnce && !isCatchingUp(node) }

    private func sendChits(from node: Int, to: Int, poll: UInt32) {
        let (count, frontier) = frontier(of: node)
        send(Message(kind: .chits, from: Int32(node), to: Int32(to), poll: poll, vertex: nil, ids: frontier),
             bytes: messageHeaderBytes + 4 + 32 * count)
    }

    /// `node`'s preferred frontier as messages carry it, with the number of ids in it.
    /// While the engine's `frontierStamp` is what it was at the last read, the frontier is
    /// that read's and nothing is read; otherwise it is read and converted again (the stamp
    /// moves only when the engine builds another array).
    func frontier(of node: Int) -> (count: Int, ids: IdList) {
        // Read through the array, not a local reference: binding the node retained and
        // released it at every chit sent.
        let stamp = nodes[node].engine.frontierStamp
        if stamp == nodes[node].frontierStamp { return (nodes[node].frontierCount, nodes[node].frontierList) }
        return readFrontier(of: node, stamp: stamp)
    }

    /// `frontier(of:)` when the engine has built another frontier since the last read.
    @inline(never)
    private func readFrontier(of node: Int, stamp: UInt64) -> (count: Int, ids: IdList) {
        let state = nodes[node]
        let frontier = state.engine.preferredFrontier()
        state.frontierList = frontierLists.shared(IdList(frontier, numbering: archive.numbering))
        state.frontierRead = frontier
        state.frontierCount = frontier.count
        state.frontierStamp = stamp
        return (frontier.count, state.frontierList)
    }

    /// Fetches what the node lacks to add `id`: the vertex itself, or, when it already has
    /// the body, the missing ancestors it is waiting for (walking up pending vertices).
    ///
    /// The walk goes as deep as the pending vertices do, each visited once. It used to stop
    /// after 64 steps, and a node whose gap lay deeper (over a thousand vertices pending
    /// behind one missing ancestor after a partition healed) never asked for it again and
    /// accepted nothing more.
    private func fetch(_ id: Hash256, at node: Int, from: Int) {
        // Usually the node lacks the vertex itself: asked for at once, without a walk.
        if nodes[node].pending[id] == nil { return request(id, at: node, from: from) }
        var frontier = [id]
        var seen: Set<Hash256> = [id]       // membership only: its order reaches nothing
        while let next = frontier.popLast() {
            guard let body = nodes[node].pending[next] else {
                request(next, at: node, from: from)
                continue
            }
            for parent in body.parents where !holds(node, parent) && seen.insert(parent).inserted {
                frontier.append(parent)
            }
        }
    }

    /// Asks `from` for vertex `id`, unless an ask for it is already outstanding.
    private func request(_ id: Hash256, at node: Int, from: Int) {
        let number = archive.numbering.number(of: id)
        if let asked = nodes[node].requested.askedAt(id, number: number), now - asked < requestTimeout { return }
        nodes[node].requested.note(id, number: number, at: now)
        send(Message(kind: isCatchingUp(node) ? .getAncestors : .get, from: Int32(node), to: Int32(from), poll: 0,
                     vertex: nil, ids: IdList(id, number: number)),
             bytes: messageHeaderBytes + 4 + 32)
    }

    /// Takes a vertex the node has been sent: adds it when its parents are held, else
    /// keeps it and fetches the missing parents from the same peer.
    func receive(_ vertex: Vertex, at node: Int, from: Int) {
        let id = vertex.id
        if holds(node, id) || nodes[node].pending[id] != nil { return }
        var missing = false
        for parent in vertex.parents where !holds(node, parent) {
            missing = true
            nodes[node].waitingOn[parent, default: []].append(id)
            if nodes[node].pending[parent] == nil { request(parent, at: node, from: from) }
        }
        if missing {
            nodes[node].pending[id] = vertex
        } else {
            add(vertex, at: node)
        }
    }

    /// Adds a vertex whose parents are held, then every pending vertex it completes.
    ///
    /// Takes the one vertex rather than a list: every vertex a node receives comes here, and
    /// a list made for it, then copied to be worked on, was two allocations per node and vertex.
    private func add(_ ready: Vertex, at node: Int) {
        var next: Vertex? = ready
        var work: [Vertex] = []     // pending vertices completed on the way (usually none)
        // Filled only with `pollOnIssue`, and not while catching up after a restart (as
        // avalanchego's bootstrapping, which issues nothing into consensus).
        var issued: [Vertex] = []
        let pollsEach = options.pollOnIssue && !isCatchingUp(node)
        var added = AddedVertices()
        swap(&added, &addedScratch)     // taken out, so that a nested call would start afresh
        defer {
            added.removeAll()
            swap(&added, &addedScratch)
        }
        while let vertex = next {
            next = nil
            defer { next = work.popLast() }     // also after a `continue`
            let number = archive.numbering.number(of: vertex.id)
            nodes[node].requested.remove(vertex.id, number: number)
            // Every received vertex is verified; with real signatures the engine really does it.
            charge(node, costs.verifyNs(options.signatureScheme) + costs.hashNs(bytes: vertex.unsignedSize) + costs.addVertexNs)
            do {
                let decisions = try nodes[node].engine.add(vertex)
                persist(vertex, at: node)
                apply(decisions, at: node)
                added.append(vertex.id, number: number)
                if pollsEach { issued.append(vertex) }
            } catch {
                metrics.refusedVertices += 1
            }
            guard let children = nodes[node].waitingOn.removeValue(forKey: vertex.id) else { continue }
            for child in children {
                guard let body = nodes[node].pending[child] else { continue }
                if body.parents.allSatisfy({ holds(node, $0) }) {
                    nodes[node].pending[child] = nil
                    work.append(body)
                }
            }
        }
        guard !added.isEmpty else { return }
        answerDeferred(at: node, added: added)
        releaseBlockedVotes(at: node, added: added)
        // avalanchego's issuer polls each vertex it adds, in the order added, then repolls.
        for vertex in issued { startPoll(node, pushing: vertex) }
        startPolls(node)
    }

    /// Sends the answers whose vertices have all arrived; forgets those older than a poll timeout.
    private func answerDeferred(at node: Int, added: AddedVertices) {
        guard !nodes[node].deferred.isEmpty else { return }
        // Worked on in place, taken out of the node so that no copy shares its buffers.
        var replies: [DeferredReply] = []
        swap(&replies, &nodes[node].deferred)
        var kept = 0
        for index in replies.indices {
            replies[index].waitingFor.dropHeld(added: added) { holds(node, $0) }
            if replies[index].waitingFor.isEmpty {
                sendChits(from: node, to: Int(replies[index].to), poll: replies[index].poll)
            } else if now - replies[index].since < options.pollTimeout {
                if kept != index { replies.swapAt(kept, index) }
                kept += 1
            }
        }
        replies.removeLast(replies.count - kept)
        swap(&replies, &nodes[node].deferred)
    }

    // MARK: - Polls

    /// Starts repolls while the node has processing vertices and room for more polls.
    func startPolls(_ node: Int) {
        while nodes[node].alive && nodes[node].polls.count < options.consensus.concurrentRepolls
                && nodes[node].engine.hasProcessingInPlace() {
            startPoll(node, pushing: nil)
        }
    }

    /// Samples k peers and sends each a push query (for a new vertex) or a pull query.
    func startPoll(_ node: Int, pushing vertex: Vertex?) {
        var sample: [Int] = []
        swap(&sample, &sampleScratch)
        defer { swap(&sample, &sampleScratch) }
        samplePeers(node, into: &sample)
        let id = nodes[node].nextPoll
        nodes[node].nextPoll &+= 1
        let deadline = outputTime(node) + timer(node, options.pollTimeout)
        let sequence = queue.reserveSequence()
        let poll: PollState
        if let spare = sparePolls.popLast() {
            spare.restart(id: id, expected: sample.count, deadline: deadline, timeoutSequence: sequence)
            poll = spare
        } else {
            poll = PollState(id: id, expected: sample.count, deadline: deadline, timeoutSequence: sequence)
        }
        nodes[node].addPoll(poll)
        armPollTimeout(node, for: poll)
        let (count, frontier) = vertex == nil ? frontier(of: node) : (0, IdList())
        if reputation != nil { poll.asked = vertex.map { [$0.id] } ?? nodes[node].frontierRead }
        for to in sample {
            if let vertex {
                send(Message(kind: .pushQuery, from: Int32(node), to: Int32(to), poll: id, vertex: vertex, ids: IdList()),
                     bytes: messageHeaderBytes + vertexWireBytes(vertex))
            } else {
                send(Message(kind: .pullQuery, from: Int32(node), to: Int32(to), poll: id, vertex: nil, ids: frontier),
                     bytes: messageHeaderBytes + 4 + 32 * count)
            }
        }
    }

    private func receiveChits(at node: Int, from: Int, poll: UInt32, chit: IdList) {
        // Chits name what the peer prefers: fetch what this node has not seen yet. (The node
        // is read through the array: bound to a local, it was retained and released per chit.)
        guard let index = nodes[node].pollIndex(of: poll) else {
            _ = fetchUnheld(chit, at: node, from: from)      // a late answer still tells of vertices
            return
        }
        // The poll is used where the node's list keeps it, without a reference of its own
        // (taken and given back, atomically, at every chit): nothing here ends a poll, so the
        // list holds it until `finishPoll` below.
        let settled = Unmanaged.passUnretained(nodes[node].polls[index])._withUnsafeGuaranteedRef { open in
            let group = open.add(answer: chit)
            if !open.isHeld(group: group) { open.noteHeld(group: group, fetchUnheld(chit, at: node, from: from)) }
            if reputation != nil {
                open.chits.append(chit.ids(numbering: archive.numbering))
                open.responders.append(Int32(from))
            }
            open.received += 1
            let consensus = options.consensus
            return open.isSettled(alphaPreference: consensus.alphaPreference, alphaConfidence: consensus.alphaConfidence)
        }
        if settled {
            // Answers still on their way find the poll gone and are ignored; so does its
            // timeout, if armed (see `armPollTimeout`).
            finishPoll(node, index)
        }
    }

    /// Fetches the vertices named in `chit` that the node does not hold; returns whether it held them all.
    private func fetchUnheld(_ chit: IdList, at node: Int, from: Int) -> Bool {
        var all = true
        for element in chit where !holds(node, element) {
            all = false
            fetch(IdList.id(of: element, numbering: archive.numbering), at: node, from: from)
        }
        return all
    }

    /// Makes sure the event queue holds the timeout of `poll`, or of a poll due before it.
    ///
    /// A node keeps one poll-timeout event in the queue, not one per poll: almost every poll
    /// ends early, and an event per poll, cancelled when it ended, filled the queue with dead
    /// entries (a 1,000-node LAN run held some 360,000, two seconds' worth, a fifth of its
    /// memory) that were stored, spread, sorted and discarded. The event is armed for the open
    /// poll due first, or for one due no later that has since ended. When it comes, that poll
    /// times out if still open, and the event is armed for the open poll now due first. Each
    /// timeout carries the sequence number its poll reserved when it started, so that polls
    /// time out at their deadlines and in the same order among simultaneous events as when
    /// each poll scheduled its own: the runs are the same event for event.
    func armPollTimeout(_ node: Int, for poll: PollState) {
        let state = nodes[node]
        if state.timeoutArmed && (state.timeoutAt, state.timeoutSequence) <= (poll.deadline, poll.timeoutSequence) { return }
        if !poll.timeoutScheduled {
            queue.schedule(.pollTimeout(node: Int32(node), poll: poll.id), at: poll.deadline, sequence: poll.timeoutSequence)
            poll.timeoutScheduled = true
        }
        state.timeoutPoll = poll.id
        state.timeoutAt = poll.deadline
        state.timeoutSequence = poll.timeoutSequence
        state.timeoutArmed = true
    }

    /// A poll-timeout event. The poll it names times out if it is still open and the node's
    /// armed timeout is its; then the timeout is armed for the open poll now due first. Any
    /// other such event (its poll ended, or the node crashed since) is not one of the model's
    /// events and is not counted, as a cancelled event never was.
    func pollTimedOut(_ node: Int, _ poll: UInt32) {
        let state = nodes[node]
        let index = state.pollIndex(of: poll)
        if let index { state.polls[index].timeoutScheduled = false }
        guard state.alive, state.timeoutArmed, state.timeoutPoll == poll, state.timeoutAt == now else {
            events -= 1     // superseded, or the node crashed since
            return
        }
        if let index {
            // Still armed while the poll finishes, so that the polls it starts leave the
            // arming to the end of this event.
            releaseBlockedVotes(at: node, added: AddedVertices())
            metrics.pollTimeouts += 1
            finishPoll(node, index)
        } else {
            events -= 1     // the poll ended early: the event only moves the arming on
        }
        state.timeoutArmed = false
        if let next = state.pollDueFirst { armPollTimeout(node, for: next) }
    }

    /// Closes a poll with the chits that came (a missing answer is no vote). Its votes are
    /// applied now, or, when a chit names a vertex the node is still fetching, once that
    /// vertex is added; the poll's slot is free at once either way.
    private func finishPoll(_ node: Int, _ index: Int) {
        let poll = nodes[node].removePoll(at: index)
        notePoll(poll, at: node)
        // A group found wholly held when it arrived is held still (holding only grows).
        var missing = WaitList()
        for group in poll.answers.groups where !group.held {
            for element in group.chit where !holds(node, element) { missing.insert(element) }
        }
        if missing.isEmpty {
            recordVotes(poll.answers, at: node)
        } else {
            nodes[node].blockedVotes.append(BlockedVote(answers: poll.answers, waitingFor: missing, since: now))
        }
        sparePolls.append(poll)
        startPolls(node)
    }

    private func recordVotes(_ answers: PollAnswers, at node: Int) {
        charge(node, costs.pollPerProcessingVertexNs * Int64(nodes[node].engine.processingVertexCountInPlace()))
        prefetchVoteTables(of: node)
        var groups = ChitGroups()
        swap(&groups, &chitScratch)
        answers.fill(&groups, numbering: archive.numbering)
        let decided = nodes[node].engine.recordPollDecided(groups, scratch: &voteScratch)
        swap(&groups, &chitScratch)
        nodes[node].pollsRecorded += 1
        guard let decisions = decided else { return }
        apply(decisions, at: node)
        if !decisions.acceptedVertices.isEmpty || !decisions.rejectedVertices.isEmpty { issueWaiting(node) }
    }

    /// Applies blocked votes whose vertices have all arrived, and, past a poll timeout,
    /// those still waiting (an unknown vertex carries no vote).
    private func releaseBlockedVotes(at node: Int, added: AddedVertices) {
        guard !nodes[node].blockedVotes.isEmpty else { return }
        var index = 0
        while index < nodes[node].blockedVotes.count {
            nodes[node].blockedVotes[index].waitingFor.dropHeld(added: added) { holds(node, $0) }
            let vote = nodes[node].blockedVotes[index]
            if vote.waitingFor.isEmpty || now - vote.since >= options.pollTimeout {
                nodes[node].blockedVotes.remove(at: index)
                recordVotes(vote.answers, at: node)
            } else {
                index += 1
            }
        }
    }

    // MARK: - Decisions

    /// Books an honest node's decision: the safety checker, the ledger and the figures.
    /// `polls` is the node's poll count when it decided.
    func record(_ tx: Transaction, accepted: Bool, by node: Int, at time: SimInstant, polls: Int64) {
        if accepted {
            safety.accepted(tx, by: node)
            recordAccepted(tx, by: node, at: time, polls: polls)
        } else {
            safety.rejected(tx, by: node)
            recordRejected(tx, by: node, at: time)
        }
    }

    /// Reports a node's decisions to the ledger, the metrics and the safety checker; the
    /// origin of an orphaned transaction carries it again in its next vertex.
    func apply(_ decisions: Decisions, at node: Int) {
        if decisions.acceptedTransactions.isEmpty && decisions.rejectedTransactions.isEmpty
            && decisions.orphanedTransactions.isEmpty { return }
        persist(decisions, at: node)
        let at = outputTime(node)        // a decision counts once its records are durable
        let honest = !adversary.isByzantine[node]      // only honest decisions are checked and measured
        let polls = nodes[node].pollsRecorded
        for tx in decisions.acceptedTransactions where honest {
            if sharded {
                decisionLog.append(LoggedDecision(at: at, node: Int32(node), what: .accepted(tx, polls: polls)))
            } else {
                record(tx, accepted: true, by: node, at: at, polls: polls)
            }
        }
        for tx in decisions.rejectedTransactions where honest {
            if sharded {
                decisionLog.append(LoggedDecision(at: at, node: Int32(node), what: .rejected(tx)))
            } else {
                record(tx, accepted: false, by: node, at: at, polls: polls)
            }
        }
        noteDecisions(decisions, at: node)
        for tx in decisions.orphanedTransactions where Int(tx.origin) == node {
            nodes[node].batch.append(tx)
            if !nodes[node].batchTimerArmed {
                nodes[node].batchTimerArmed = true
                queue.schedule(.batchDue(node: Int32(node)), at: now + timer(node, options.batchInterval))
            }
        }
        if honest && faults.enabled && !decisions.acceptedTransactions.isEmpty {
            if sharded {
                // Booked in order of decision time, which then stands for the time of deciding.
                decisionLog.append(LoggedDecision(at: at, node: Int32(node), what: .observed(decisions.acceptedTransactions)))
            } else {
                observeForFaults(decisions.acceptedTransactions, at: node, now: now, decidedAt: at)
            }
        }
        nodes[node].acceptedSincePrune += decisions.acceptedVertices.count
        if options.pruning && nodes[node].acceptedSincePrune >= 16 {
            nodes[node].acceptedSincePrune = 0
            nodes[node].engine.prune()
        }
    }
}
