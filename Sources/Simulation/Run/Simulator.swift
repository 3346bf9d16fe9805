import ConsensusCore

/// Why a simulation could not start.
public struct SimulationError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
}

/// The discrete-event simulation of a cluster: every node runs its own consensus
/// engine, and every query, chit, vertex and fetch between them is a message with
/// latency, bandwidth, loss and CPU time.
///
/// Deterministic: the options (with their seed) fix every event. No wall clock is
/// read here; the caller measures wall time if it wants `sim.*` figures.
public final class Simulator {
    /// The options of the run.
    public let options: SimulationOptions
    let costs: CPUCostTable
    let genesis: Vertex
    let placeholderSignature: [UInt8]
    let signingKeys: [SigningKey]

    /// Pending events, in buckets sized for the network's shortest latency (`queue(for:)`).
    var queue: EventQueue<SimEvent>
    var network: Network
    var nodes: [NodeState] = []
    /// Messages sent and neither delivered nor dropped yet.
    var messagesInFlight = 0
    var workload: Workload
    var ledger = TransactionLedger()
    var safety = SafetyChecker()
    /// The Byzantine nodes and their shared view.
    let adversary: Adversary
    /// Honest nodes' scores of their peers, when detection is on.
    let reputation: Reputation?
    var metrics: RunMetrics
    /// The fault injector's state and the measurements only faults need.
    var faults: FaultState
    /// Every vertex issued, by id: the bodies on the nodes' disks. A node serves a fetch from
    /// it only for vertices it once held and still keeps (pruning releases memory, not storage).
    /// Shared by the shards of a sharded run, which only read it while they run.
    let archive: VertexArchive
    /// Every node's disk and store: what writing and reading them costs, and their figures.
    var storage: StorageModel
    var now = SimInstant.zero
    var events = 0
    /// Set (by a progress callback) to end the run at that point, before its duration: the
    /// run is then incomplete, `stoppedEarly` is set, and its result carries only the events
    /// handled and the simulated time reached (no metrics, no digest).
    public var stopRequested = false
    /// Whether the last `run` ended at a stop request rather than at its duration.
    public internal(set) var stoppedEarly = false
    /// How long a fetch may go unanswered before the vertex is asked for again: a few
    /// round trips of the slowest link (a lost get must not stall everything waiting on it
    /// for a whole poll timeout), never more than the poll timeout.
    let requestTimeout: SimDuration
    /// The ids `add(_:at:)` adds, kept between calls so that adding a vertex allocates no list.
    var addedScratch = AddedVertices()
    /// The answers `recordVotes` hands the engine, and the peers `startPoll` samples: kept
    /// between calls for the same reason.
    var chitScratch = ChitGroups()
    /// The engines' vote-pass arrays, lent to each engine in turn (see `VoteScratch`).
    var voteScratch = VoteScratch()
    var sampleScratch: [Int] = []
    /// A bit per node, clear between samples: the duplicate check of peer sampling.
    var sampleMarks: [UInt64] = []
    /// The frontiers this shard's nodes converted lately, shared between them (see `IdListCache`).
    var frontierLists = IdListCache()
    /// Finished polls, for the next ones to reuse (see `PollState.restart`).
    var sparePolls: [PollState] = []

    // MARK: Shards (see Simulator+Shards.swift)

    /// This simulator's shard: the nodes `n` with `n % shardCount == shard` are its.
    let shard: Int
    /// The run's shards; 1 when the run is not sharded.
    let shardCount: Int

    /// The shard of `node`, `node % shardCount`: without a division when the count is a
    /// power of two (two shards on a two-core machine), as every message sent asks it.
    @inline(__always)
    func shard(of node: Int) -> Int {
        shardCount & (shardCount - 1) == 0 ? node & (shardCount - 1) : node % shardCount
    }

    /// Every shard's simulator, this one first, while a sharded run lasts; empty otherwise.
    var shards: [Simulator] = []
    /// Messages to other shards' nodes, by destination shard (this shard's own box unused),
    /// until the receiver takes them at the start of the next window.
    var outbox: [Mailbox] = []
    /// The sides of `outbox`'s boxes, two per destination shard (even windows', then odd's).
    var outboxSides: [UnsafeMutablePointer<MailList>] = []
    /// The other shards' boxes of messages to this one, in shard order.
    var inbox: [Mailbox] = []
    /// Whether the window being run is an odd-numbered one (which side of the mailboxes it fills).
    var windowIsOdd = false
    /// A sharded run's fault events, taken between windows (windows end at each).
    var controlQueue = EventQueue<FaultEvent>()
    /// Whether the faults' state changed since the shards last took a copy of it.
    var faultsChanged = false
    /// Decisions whose bookkeeping (ledger, safety, figures, digest) waits for the window's end.
    var decisionLog: [LoggedDecision] = []
    /// Vertices issued in the window, for the archive and the ledger at its end.
    var issueLog: [LoggedIssue] = []
    /// Submissions handed to this shard's nodes, in the order of their `.submission` events.
    var submissions: [Transaction] = []
    var submissionsTaken = 0
    /// The stream a shard's random-voting Byzantine nodes draw from (the adversary's own is
    /// drawn between windows only).
    var shardByzantineRandom: Xoshiro256StarStar
    /// Whether a sharded run's shards run on their own threads (true) or one after
    /// the other: the same events either way. Tests turn it off to check that.
    var shardThreads = true
    /// Whether shards share the decisions' bookkeeping at the end of each window.
    @inline(__always) var sharded: Bool { shardCount > 1 }

    /// Builds the cluster: `options.nodes` nodes on one genesis vertex.
    public init(options: SimulationOptions) throws {
        do { try options.consensus.validate() } catch {
            throw SimulationError(description: "consensus: \(error)")
        }
        guard options.nodes >= 2 else { throw SimulationError(description: "a cluster needs at least 2 nodes") }
        if let problem = options.disk.problem { throw SimulationError(description: problem) }
        guard options.consensus.k < options.nodes else {
            throw SimulationError(description: "consensus.k (\(options.consensus.k)) must be smaller than the node count (\(options.nodes))")
        }
        self.options = options
        let slowestRoundTrip = options.network.maxLatency * 2
        requestTimeout = min(options.pollTimeout, slowestRoundTrip * 4 + .milliseconds(20))
        costs = options.cpuCosts.scaled(by: 1 / options.cpuSpeed)
        let streams = RandomStreams(seed: options.seed)
        genesis = try Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        placeholderSignature = [UInt8](repeating: 0, count: options.signatureScheme.signatureSize)
        network = Network(options: options.network, nodeCount: options.nodes, streams: streams)
        queue = Self.queue(for: network)
        workload = Workload(options: options.workload, duration: options.duration, streams: streams)
        metrics = RunMetrics(options: options)
        storage = StorageModel(options: options.disk, nodes: options.nodes, warmupEnd: .zero + options.warmup)
        faults = FaultState(options: options, streams: streams)
        adversary = Adversary(options: options, streams: streams)
        reputation = options.detection.enabled
            ? Reputation(nodes: options.nodes, options: options.detection, isByzantine: adversary.isByzantine) : nil
        metrics.liveNodes = options.nodes - adversary.count
        archive = VertexArchive(genesis: genesis)
        shardByzantineRandom = streams.stream(.byzantine, index: 1)
        shard = 0
        shardCount = options.shards
        if let problem = options.shardProblem { throw SimulationError(description: problem) }

        var keys: [SigningKey] = []
        var verifying: [NodeID: VerifyingKey] = [:]
        if options.realSignatures {
            for node in 0..<options.nodes {
                var keyStream = streams.stream(.node, index: node)
                let seed = Hash256(w0: keyStream.next(), w1: keyStream.next(), w2: keyStream.next(), w3: keyStream.next())
                let key = try SigningKey(scheme: options.signatureScheme, seed: seed)
                keys.append(key)
                verifying[NodeID(node)] = key.verifyingKey
            }
        }
        signingKeys = keys
        nodes.reserveCapacity(options.nodes)
        for node in 0..<options.nodes {
            nodes.append(NodeState(engine: try makeEngine(keys: verifying), sampler: streams.stream(.nodeSampler, index: node),
                                   parentChooser: streams.stream(.nodeParents, index: node)))
        }
    }

    /// The simulator of shard `index` of `main`'s run: the same nodes (shared, each
    /// worked by its own shard only), the same archive, its own event queue, network
    /// random stream, disks' bookkeeping and counters. Its ledger, workload and checkers are
    /// never used: the first shard keeps the run's.
    init(shard index: Int, of main: Simulator) {
        options = main.options
        costs = main.costs
        genesis = main.genesis
        placeholderSignature = main.placeholderSignature
        signingKeys = main.signingKeys
        requestTimeout = main.requestTimeout
        network = main.network.forShard(index, streams: RandomStreams(seed: main.options.seed))
        queue = Self.queue(for: network)
        nodes = main.nodes
        workload = main.workload
        metrics = RunMetrics(options: main.options)
        storage = main.storage
        faults = main.faults
        adversary = main.adversary
        reputation = main.reputation
        archive = main.archive
        shardByzantineRandom = RandomStreams(seed: main.options.seed).stream(.byzantine, index: 1 + index)
        shard = index
        shardCount = main.shardCount
    }

    /// An empty event queue whose buckets suit `network`'s shortest latency.
    private static func queue(for network: Network) -> EventQueue<SimEvent> {
        EventQueue(bucketWidth: EventQueue<SimEvent>.bucketWidth(forShortestDelay: network.shortestLatency))
    }

    // MARK: - The run loop

    /// Runs to the end of `options.duration`, calling `progress` every `progressEvery` events.
    public func run(progressEvery: Int = 1 << 20, progress: ((SimulationProgress) -> Void)? = nil) -> RunResult {
        if sharded { return runSharded(progressEvery: progressEvery, progress: progress) }
        if let first = workload.nextArrival(after: .zero) { queue.schedule(.submit, at: first) }
        queue.schedule(.seriesTick, at: SimInstant.zero + options.seriesInterval)
        startFaults()
        let end = SimInstant.zero + options.duration
        // Compared at each event instead of dividing by `progressEvery` at each.
        var nextReport = (events / progressEvery + 1) * progressEvery
        while let (time, event) = queue.popNext() {
            if time > end { break }      // a message it carried stays in flight
            now = time
            events += 1
            prefetchUpcoming()
            handle(consume event)
            if events == nextReport {
                nextReport += progressEvery
                progress?(SimulationProgress(simulated: now - .zero, total: options.duration, events: events))
                if stopRequested {
                    stoppedEarly = true
                    return stoppedResult()
                }
            }
        }
        now = end
        return finish()
    }

    /// The result of a run ended at a stop request: how far it got, nothing else.
    func stoppedResult() -> RunResult {
        RunResult(metrics: [], series: [], latencyHistogram: [], digest: .zero,
                  conservation: Conservation(), violations: [], events: events,
                  simulatedSeconds: Double(now.nanosecondsSinceStart) / 1e9)
    }

    func handle(_ event: consuming SimEvent) {
        switch consume event {
        case let .deliver(message):
            messagesInFlight -= 1
            deliver(message)
        case let .pollTimeout(node, poll): pollTimedOut(Int(node), poll)
        case let .batchDue(node): batchDue(Int(node))
        case .submit: submit()
        case .submission: takeSubmission()
        case .seriesTick: seriesTick()
        case let .fault(event): handleFault(event)
        }
    }

    // MARK: - CPU and sending

    /// Queues `ns` of work on `node`'s CPU; returns when the node is done with it.
    @discardableResult @inline(__always)
    func charge(_ node: Int, _ ns: Int64) -> SimInstant {
        let ns = throttled(node, ns)
        let start = max(now, nodes[node].cpuFreeAt)
        nodes[node].cpuFreeAt = start + SimDuration(nanoseconds: ns)
        nodes[node].cpuBacklogNs += ns
        return nodes[node].cpuFreeAt
    }

    /// The instant `node` acts at: after everything queued on its CPU.
    func localTime(_ node: Int) -> SimInstant { max(now, nodes[node].cpuFreeAt) }

    /// Sends `message` once `from` may speak (its CPU and its writes are done; see
    /// `outputTime`) and not before `notBefore` (the data it carries is read from disk).
    ///
    /// The message is taken, not copied, into its delivery event: a copy retained and
    /// released its vertex and ids for nothing.
    func send(_ message: consuming Message, bytes: Int, notBefore: SimInstant = .zero) {
        let from = Int(message.from)
        let to = Int(message.to)
        metrics.sent += 1
        nodes[from].bytesSent += Int64(bytes)
        let departure = max(outputTime(from), notBefore)
        guard let arrival = network.send(from: from, to: to, bytes: bytes, at: departure,
                                         uplinkFreeAt: &nodes[from].uplinkFreeAt) else {
            metrics.dropped += 1
            return
        }
        messagesInFlight += 1
        let target = sharded ? shard(of: to) : shard
        if target != shard {
            outboxSides[2 &* target &+ (windowIsOdd ? 1 : 0)].pointee.append(.deliver(consume message), arrival: arrival)
            return
        }
        queue.schedule(.deliver(consume message), at: arrival)
    }

    // MARK: - Workload

    private func submit() {
        if let next = workload.nextArrival(after: now) { queue.schedule(.submit, at: next) }
        submitArrival()
    }

    /// The workload's arrival at `now`: one transaction, or a conflicting pair, at random live nodes.
    func submitArrival() {
        guard let origin = randomLiveNode() else { return }
        let input = workload.freshInput()
        if workload.nextIsConflict(), let other = randomLiveNode(excluding: origin) {
            let first = workload.makeTransaction(spending: input, origin: origin, at: now)
            let second = workload.makeTransaction(spending: input, origin: other, at: now)
            accept(submission: first, at: origin)
            accept(submission: second, at: other)
            if adversary.tracksConflicts { adversary.registerConflict(input: input, first, second, at: now) }
        } else {
            accept(submission: workload.makeTransaction(spending: input, origin: origin, at: now), at: origin)
        }
        issueDoubleSpendIfDue()
    }

    private func randomLiveNode(excluding: Int? = nil) -> Int? {
        for _ in 0..<64 {
            let node = workload.pick(below: nodes.count)
            if nodes[node].alive && node != excluding && !adversary.isByzantine[node] { return node }
        }
        return nil
    }

    private func accept(submission tx: Transaction, at node: Int) {
        ledger.append(TransactionLedger.Entry(submitTime: tx.submitTime, origin: Int32(node)), nonce: tx.nonce)
        metrics.submitted += 1
        if sharded {
            // The node's shard takes it at `now`, within the window about to run.
            let owner = home(of: node)
            owner.submissions.append(tx)
            owner.queue.schedule(.submission, at: now)
        } else {
            enter(tx, at: node)
        }
    }

    /// A sharded run's submission reaches its node.
    private func takeSubmission() {
        let tx = submissions[submissionsTaken]
        submissionsTaken += 1
        if submissionsTaken == submissions.count {
            submissions.removeAll(keepingCapacity: true)
            submissionsTaken = 0
        }
        enter(tx, at: Int(tx.origin))
    }

    /// A submitted transaction enters its node's batch.
    private func enter(_ tx: Transaction, at node: Int) {
        charge(node, costs.messageNs)
        nodes[node].batch.append(tx)
        if nodes[node].batch.count >= options.batchSize {
            issueVertex(node)
        } else if !nodes[node].batchTimerArmed {
            nodes[node].batchTimerArmed = true
            queue.schedule(.batchDue(node: Int32(node)), at: now + timer(node, options.batchInterval))
        }
    }

    private func batchDue(_ node: Int) {
        nodes[node].batchTimerArmed = false
        guard nodes[node].alive, !nodes[node].batch.isEmpty else { return }
        issueVertex(node)
    }

    // MARK: - Issuing vertices

    /// Turns the node's batch into a vertex on its preferred frontier, adds it, and push-queries k peers.
    /// A node with `optimalProcessing` vertices processing issues nothing, as avalanchego
    /// holds back new vertices then; its batch waits for `issueWaiting`.
    func issueVertex(_ node: Int) {
        guard !atProcessingLimit(node) else { return }
        let batch = Array(nodes[node].batch.prefix(options.batchSize))
        nodes[node].batch.removeFirst(batch.count)
        if !nodes[node].batch.isEmpty && !nodes[node].batchTimerArmed {
            nodes[node].batchTimerArmed = true
            queue.schedule(.batchDue(node: Int32(node)), at: now + timer(node, options.batchInterval))
        }
        let parents = nodes[node].parentsForNewVertex(count: options.parents, virtuousOnly: options.virtuousParents)
        let height = nodes[node].engine.heightInPlace(parents: parents)
        let vertex: Vertex
        let timestamp = clockReading(node)
        if options.realSignatures {
            guard let signed = try? Vertex(creator: NodeID(node), height: height, timestamp: timestamp, parents: parents,
                                           transactions: batch, signer: signingKeys[node]) else { return }
            vertex = signed
        } else {
            vertex = Vertex(creator: NodeID(node), height: height, timestamp: timestamp, parents: parents,
                            transactions: batch, placeholderSignature: placeholderSignature)
        }
        charge(node, costs.signNs(options.signatureScheme) + costs.hashNs(bytes: vertex.unsignedSize) + costs.addVertexNs)
        let decisions: Decisions
        do { decisions = try nodes[node].engine.add(vertex) } catch { return }
        persist(vertex, at: node)
        metrics.verticesIssued += 1
        if sharded {
            issueLog.append(LoggedIssue(vertex: vertex, polls: nodes[node].pollsRecorded))
        } else {
            recordIssued(vertex, polls: nodes[node].pollsRecorded)
        }
        apply(decisions, at: node)
        startPoll(node, pushing: vertex)
    }

    /// A node's engine as the run builds it: on the genesis vertex, sharing the archive's
    /// numbering of vertices, remembering the decisions of 65,536 inputs.
    func makeEngine(keys: [NodeID: VerifyingKey]) throws -> AvalancheEngine {
        var engine = try AvalancheEngine(parameters: options.consensus, genesis: genesis,
                                         checks: options.realSignatures ? .all : [], keys: keys,
                                         numbering: archive.numbering)
        engine.decidedInputLimit = 1 << 16
        return engine
    }

    /// Keeps a vertex just issued in the archive, tells the adversary where its transactions
    /// went, and notes, for the rounds figure, the issuer's poll count when its transactions
    /// entered its engine.
    func recordIssued(_ vertex: Vertex, polls: Int64) {
        archive[vertex.id] = vertex
        if adversary.tracksConflicts { for tx in vertex.transactions { adversary.noteIssued(tx, in: vertex.id) } }
        for tx in vertex.transactions {
            if let i = ledger.index(tx.nonce), ledger[i].pollsAtIssue < 0 { ledger[i].pollsAtIssue = polls }
        }
    }

    /// Whether `node` has `optimalProcessing` vertices processing (never, without a limit).
    private func atProcessingLimit(_ node: Int) -> Bool {
        guard let limit = options.optimalProcessing else { return false }
        return nodes[node].engine.processingVertexCountInPlace() >= limit
    }

    /// Issues what the node held back while it had `optimalProcessing` vertices processing,
    /// now that a poll may have decided some: full batches while it stays below the limit,
    /// then a partial one whose batch interval has passed (no timer is armed for it).
    /// Without a limit nothing is ever held back, and this does nothing.
    func issueWaiting(_ node: Int) {
        guard options.optimalProcessing != nil else { return }
        while nodes[node].alive && !nodes[node].batch.isEmpty
                && (nodes[node].batch.count >= options.batchSize || !nodes[node].batchTimerArmed)
                && !atProcessingLimit(node) {
            issueVertex(node)
        }
    }

    // MARK: - Results

    private func finish() -> RunResult {
        metrics.finish(simulator: self)
    }
}
