import ConsensusCore

/// A sharded run: the nodes are split into `options.shards` shards (node `n`
/// is shard `n % shards`'s), each with its own simulator and event queue, run by
/// their own threads through windows of simulated time one shortest link latency long.
///
/// Why that is exact: nothing a node does reaches another node sooner than the shortest
/// link latency after it acted, so within a window each shard's events depend only on
/// what was sent before the window began. Messages to another shard's nodes wait in
/// the sender's outbox until the window ends; the receiver takes them into its queue as
/// the next window starts (their arrival is not earlier than that). What
/// shards share is kept out of the window:
/// - the workload: the first shard draws the window's arrivals before it starts and
///   hands each transaction to its origin's shard as a `.submission` event at its time;
/// - the bookkeeping of decisions (ledger, safety checker, latency and finality, the
///   digest) and of issued vertices (archive, rounds): logged in the window and booked at
///   its end by the first shard, decisions in order of their time (then shard,
///   then order within it), so that finality is the time of the last acceptance;
/// - the series ticks, taken between windows (windows end at every tick);
/// - fault events (crashes, restarts, partitions, latency, loss, CPU, memory and clock
///   faults, the memory checks): in their own queue, taken between windows (windows end at
///   each) by the first shard, acting on each node through its shard's queue and disks;
///   the fault and link state is then copied to every shard. The fault measurements are
///   booked with the decisions;
/// - the adversary: its view of the honest nodes' preferences (collusion, Sybil) is
///   refreshed between windows, double spends are issued between windows by the issuer's
///   shard, and each shard's random voters draw from the shard's own stream;
/// - reputations: notes are taken in the window (each observer keeps its own), decisions
///   become evidence, which moves the shared verdicts, when they are booked.
///
/// A sharded run is as deterministic as a one-queue run: the same options give the
/// same digest whether the shards run on one core or many. It is not the same run as
/// with another shard count: each shard draws loss and jitter from its own stream,
/// and simultaneous events may come in another order.
extension Simulator {
    /// Runs the shards window by window to the end of `options.duration`.
    func runSharded(progressEvery: Int, progress: ((SimulationProgress) -> Void)?) -> RunResult {
        shards = [self] + (1..<shardCount).map { Simulator(shard: $0, of: self) }
        for simulator in shards {
            simulator.outbox = (0..<shardCount).map { _ in Mailbox() }
            simulator.outboxSides = simulator.outbox.flatMap { [$0.side(odd: false), $0.side(odd: true)] }
        }
        for simulator in shards {
            simulator.inbox = shards.filter { $0 !== simulator }.map { $0.outbox[simulator.shard] }
        }
        let threads = shardThreads ? ShardThreads(shards) : nil
        defer {
            threads?.stop()
            shards = []      // the list holds this simulator too
        }
        let window = network.shortestLatency
        let end = SimInstant.zero + options.duration
        let stop = end + .nanoseconds(1)     // events at `end` itself run, as in the one-queue loop
        var arrival = workload.nextArrival(after: .zero)
        var tick = SimInstant.zero + options.seriesInterval
        var start = SimInstant.zero
        var reported = 0
        startFaults()
        while start < stop {
            if let due = controlQueue.peekTime(), due <= start {
                // Fault events, between windows: every shard's clock stands at their time, and
                // each event's changes reach every shard before the next event acts on them.
                for simulator in shards { simulator.now = start }
                while let (time, event) = controlQueue.popNext(before: start + .nanoseconds(1)) {
                    now = time
                    handleFault(event)
                    shareFaults()
                }
            }
            if faultsChanged { shareFaults() }
            if adversary.behavior == .collusion || adversary.behavior == .sybil {
                now = start
                refreshAdversaryView()
            }
            let bound = min(start + window, tick, controlQueue.peekTime() ?? stop, stop)
            while let time = arrival, time < bound {
                now = time
                arrival = workload.nextArrival(after: time)
                submitArrival()
            }
            for simulator in shards { simulator.windowIsOdd.toggle() }
            if let threads { threads.runWindow(until: bound) } else { runWindowsInTurn(until: bound) }
            bookWindow()
            start = bound
            now = bound
            if bound == tick {
                seriesTick(scheduling: false)
                tick = tick + options.seriesInterval
            }
            let handled = shards.reduce(0) { $0 + $1.events }
            if handled / progressEvery > reported {
                reported = handled / progressEvery
                progress?(SimulationProgress(simulated: min(now, end) - .zero, total: options.duration, events: handled))
                if stopRequested {
                    stoppedEarly = true
                    events = handled
                    now = min(now, end)
                    return stoppedResult()
                }
            }
        }
        now = end
        gatherShards()
        return metrics.finish(simulator: self)
    }

    /// Gives every shard the run's fault state and link state (the first shard's, which the
    /// fault events change), after gathering the largest clock error the shards saw.
    private func shareFaults() {
        for other in shards.dropFirst() {
            faults.largestTimestampError = max(faults.largestTimestampError, other.faults.largestTimestampError)
        }
        for other in shards.dropFirst() {
            other.faults = faults
            other.network.adoptLinks(of: network)
        }
        faultsChanged = false
    }

    /// The simulator whose queue, disks and outboxes serve `node`: its shard's in a sharded
    /// run (asked between windows), this one otherwise.
    func home(of node: Int) -> Simulator {
        guard sharded else { return self }
        precondition(!shards.isEmpty, "a node's shard is looked up between windows, by the first shard")
        return shards[shard(of: node)]
    }

    /// Runs every shard's events before `bound`, one after the other: what `ShardThreads`
    /// does on a thread per shard, with the same result.
    private func runWindowsInTurn(until bound: SimInstant) {
        for simulator in shards { simulator.runEvents(before: bound) }
    }

    /// Takes the messages the other shards sent this one in the last window (in shard
    /// order), then handles this shard's events before `bound`.
    func runEvents(before bound: SimInstant) {
        for box in inbox {
            take(&box.side(odd: !windowIsOdd).pointee)
        }
        while let (time, event) = queue.popNext(before: bound) {
            now = time
            events += 1
            prefetchUpcoming()
            handle(consume event)
        }
    }

    /// Moves mail into this shard's queue, emptying the list (its storage is kept). Items
    /// are moved, so neither the scheduling nor the emptying retains or releases what they carry.
    private func take(_ mail: inout MailList) {
        mail.drain { event, arrival in queue.schedule(consume event, at: arrival) }
    }

    /// Between windows: books the window's issued vertices and decisions.
    private func bookWindow() {
        for simulator in shards {
            for issue in simulator.issueLog { recordIssued(issue.vertex, polls: issue.polls) }
            simulator.issueLog.removeAll(keepingCapacity: true)
        }
        var logged: [(shard: Int, index: Int)] = []
        for simulator in shards {
            for index in simulator.decisionLog.indices { logged.append((simulator.shard, index)) }
        }
        guard !logged.isEmpty else { return }
        logged.sort { a, b in
            let x = shards[a.shard].decisionLog[a.index].at, y = shards[b.shard].decisionLog[b.index].at
            return x != y ? x < y : (a.shard, a.index) < (b.shard, b.index)
        }
        for (shard, index) in logged {
            let decision = shards[shard].decisionLog[index]
            let node = Int(decision.node)
            switch decision.what {
            case let .accepted(tx, polls): record(tx, accepted: true, by: node, at: decision.at, polls: polls)
            case let .rejected(tx): record(tx, accepted: false, by: node, at: decision.at, polls: 0)
            case let .observed(accepted): observeForFaults(accepted, at: node, now: decision.at, decidedAt: decision.at)
            case let .judged(id, accepted): reputation?.decided(id, accepted: accepted, by: node, at: decision.at)
            }
        }
        for simulator in shards { simulator.decisionLog.removeAll(keepingCapacity: true) }
    }

    /// At the end of a sharded run: the other shards' counters and disks' figures
    /// added to the first one's, which makes the run's result.
    private func gatherShards() {
        for other in shards.dropFirst() {
            events += other.events
            messagesInFlight += other.messagesInFlight
            metrics.sent += other.metrics.sent
            metrics.delivered += other.metrics.delivered
            metrics.dropped += other.metrics.dropped
            metrics.verticesIssued += other.metrics.verticesIssued
            metrics.refusedVertices += other.metrics.refusedVertices
            metrics.pollTimeouts += other.metrics.pollTimeouts
            other.storage.settle(at: now.nanoseconds)
            storage.absorbFigures(of: other.storage)
            faults.largestTimestampError = max(faults.largestTimestampError, other.faults.largestTimestampError)
        }
    }

    /// Messages in flight in the whole run.
    var messagesInFlightEverywhere: Int {
        sharded ? shards.reduce(0) { $0 + $1.messagesInFlight } : messagesInFlight
    }
}

extension SimulationOptions {
    /// Why these options cannot be run in `shards` shards, or nil when they can.
    public var shardProblem: String? {
        guard shards != 1 else { return nil }
        guard shards >= 1 else { return "shards must be at least 1 (got \(shards))" }
        guard shards <= nodes else {
            return "shards (\(shards)) must not exceed the node count (\(nodes))"
        }
        guard network.minLatency >= .microseconds(10) else {
            return "shards > 1 needs a shortest link latency of at least 10µs (got \(network.minLatency)): "
                + "the shards wait for each other that often"
        }
        for (index, fault) in faults.enumerated() {
            if case let .latencySpike(factor) = fault.action, factor < 1 {
                return "shards > 1 needs latency spikes that slow links down; fault \(index) has factor \(factor)"
            }
        }
        return nil
    }
}

/// The messages one shard sends another. A class, shared by the two: in each window the
/// sender fills one side (the even or the odd windows') while the receiver, on its own
/// thread, empties the other, which the sender filled in the window before.
///
/// The sides are reached through pointers that the sender keeps (`Simulator.outboxSides`),
/// not through the box: taking the box from an array retained and released it at every
/// message sent to another shard, an atomic write to a line the receiving thread reads,
/// about 3 % of a two-shard LAN run's time. Each side lies in its own cache lines, apart
/// from the box's reference count and from the other side.
final class Mailbox {
    /// The even windows' side, then, `stride` bytes on, the odd windows'.
    private let storage: UnsafeMutableRawPointer

    /// Bytes between the two sides: two cache lines, so that neither shares a line (or the
    /// adjacent line a processor fetches with it) with the other.
    private static var stride: Int { 128 }

    init() {
        precondition(MemoryLayout<MailList>.size <= Self.stride)
        storage = .allocate(byteCount: 2 * Self.stride, alignment: Self.stride)
        for offset in [0, Self.stride] {
            (storage + offset).bindMemory(to: MailList.self, capacity: 1).initialize(to: MailList())
        }
    }

    deinit {
        for odd in [false, true] { _ = side(odd: odd).move() }
        storage.deallocate()
    }

    /// The side filled in odd windows when `odd`, else the even windows' side.
    func side(odd: Bool) -> UnsafeMutablePointer<MailList> {
        (storage + (odd ? Self.stride : 0)).assumingMemoryBound(to: MailList.self)
    }
}

/// Mail in the order it was sent, in storage of its own: appended one item at a time, then
/// all of it moved out at once. An array emptied after its items were moved out still
/// destroyed each (placeholder) item through the generic tuple witness, about fifty
/// instructions a message, 1.5 % of a two-shard LAN run's.
struct MailList: ~Copyable {
    /// `arrivals[i]` and `events[i]` for `i < count` are initialised.
    private var arrivals: UnsafeMutablePointer<SimInstant>
    private var events: UnsafeMutablePointer<SimEvent>
    private var capacity: Int
    private var count = 0

    init(capacity: Int = 1_024) {
        self.capacity = capacity
        arrivals = .allocate(capacity: capacity)
        events = .allocate(capacity: capacity)
    }

    deinit {
        events.deinitialize(count: count)
        arrivals.deallocate()
        events.deallocate()
    }

    @inline(__always)
    mutating func append(_ event: consuming SimEvent, arrival: SimInstant) {
        if count == capacity { grow() }
        (arrivals + count).initialize(to: arrival)
        (events + count).initialize(to: consume event)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let moreArrivals = UnsafeMutablePointer<SimInstant>.allocate(capacity: capacity * 2)
        let moreEvents = UnsafeMutablePointer<SimEvent>.allocate(capacity: capacity * 2)
        moreArrivals.moveInitialize(from: arrivals, count: count)
        moreEvents.moveInitialize(from: events, count: count)
        arrivals.deallocate()
        events.deallocate()
        (arrivals, events) = (moreArrivals, moreEvents)
        capacity *= 2
    }

    /// Hands every item to `body` in order, its event moved out, and leaves the list empty
    /// (its storage kept).
    @inline(__always)
    mutating func drain(_ body: (consuming SimEvent, SimInstant) -> Void) {
        let taken = count
        count = 0
        for index in 0..<taken { body((events + index).move(), arrivals[index]) }
    }
}

/// A decision logged in a window, booked at its end.
struct LoggedDecision {
    enum What {
        /// A transaction accepted, with the node's poll count then.
        case accepted(Transaction, polls: Int64)
        case rejected(Transaction)
        /// A node's acceptances in one decision, for the fault measurements.
        case observed([Transaction])
        /// A vertex a node decided, for its reputation of the peers that voted on it.
        case judged(Hash256, accepted: Bool)
    }

    /// When the decision counts: the node's records of it are durable.
    let at: SimInstant
    let node: Int32
    let what: What
}

/// A vertex issued in a window, booked at its end.
struct LoggedIssue {
    let vertex: Vertex
    let polls: Int64
}

/// Every vertex issued in a run, by id.
///
/// A class, so that a sharded run's shards share one: it is written only between
/// windows, and only read while they run.
final class VertexArchive {
    private var vertices = Hash256Map<Vertex>()
    /// The run's numbering of vertices and spends, shared by every node's engine: a vertex
    /// is numbered when it enters the archive, before any node can have released it or
    /// decided its transactions (as the archive, written only between windows).
    let numbering = VertexNumbering()

    init(genesis: Vertex) {
        numbering.register(genesis)
    }

    subscript(id: Hash256) -> Vertex? {
        get { vertices[id] }
        set {
            if let newValue { numbering.register(newValue) }
            vertices[id] = newValue
        }
    }
}
