import ConsensusCore

/// The kinds of message nodes exchange, as avalanchego's Avalanche engine does.
enum MessageKind: UInt8 {
    /// A new vertex, with a request for chits: sent by its creator to k peers.
    case pushQuery
    /// A request for chits, naming the poller's preferred frontier (which the peer fetches if unknown).
    case pullQuery
    /// The answer to a query: the responder's preferred frontier.
    case chits
    /// A request for a vertex by id.
    case get
    /// A vertex, answering a get.
    case put
    /// A request for a vertex and its ancestors, sent by a node catching up after a restart.
    case getAncestors
    /// Vertices answering a get-ancestors, oldest first.
    case ancestors
}

/// A message in flight, carried inside its delivery event.
///
/// A message carries a vertex (push queries and puts) or ids (the others), never both: one
/// field holds either, so that with ids kept in place (`IdList`) a message still takes 32
/// bytes and a queued event 48.
struct Message {
    private var cargo: Cargo
    var kind: MessageKind
    var from: Int32
    var to: Int32
    var poll: UInt32

    private enum Cargo {
        case vertex(Vertex)
        case ids(IdList)
    }

    /// A message carrying `vertex` or `ids` (at least one of them nil or empty).
    init(kind: MessageKind, from: Int32, to: Int32, poll: UInt32, vertex: Vertex?, ids: IdList) {
        precondition(vertex == nil || ids.isEmpty, "a message carries a vertex or ids, not both")
        cargo = vertex.map { .vertex($0) } ?? .ids(ids)
        self.kind = kind
        self.from = from
        self.to = to
        self.poll = poll
    }

    var vertex: Vertex? {
        guard case let .vertex(vertex) = cargo else { return nil }
        return vertex
    }

    var ids: IdList {
        guard case let .ids(ids) = cargo else { return IdList() }
        return ids
    }

    /// The ids of a message the caller is done with: consuming it lets the compiler move
    /// them out instead of copying them (a reference count and an enum switch less for
    /// each chit and pull query delivered).
    consuming func takeIds() -> IdList {
        let cargo = self.cargo
        return switch consume cargo {
        case let .ids(ids): ids
        case .vertex: IdList()
        }
    }
}

/// Bytes on the wire besides the content: framing, message type, request id, chain id, TLS/TCP/IP.
let messageHeaderBytes = 64

/// A poll a node has in flight.
///
/// A class, so that an answer is added and the early-end test run on the poll where it
/// is: a struct read out of a node's array was copied whole for each answer (its arrays
/// retained and released), a twentieth of the simulator's instructions in a profile.
final class PollState {
    private(set) var id: UInt32
    private(set) var expected: Int
    var received = 0
    /// The answers so far, identical chits counted together.
    private(set) var answers = PollAnswers()
    /// The distinct chits and their weights, as lists of their own (for tests).
    var groups: [IdList] { answers.groups.map(\.chit) }
    var weights: [Int32] { answers.groups.map(\.weight) }
    private var tallied = false
    /// Responders whose chit names at least one vertex.
    private var voters = 0
    /// When the poll times out if it has not ended by then.
    private(set) var deadline: SimInstant
    /// The event queue's sequence number reserved for the poll's timeout when it started, so
    /// that the timeout, scheduled later if at all, is ordered among events of its time as
    /// if scheduled then.
    private(set) var timeoutSequence: UInt64
    /// Whether the poll's timeout event is in the queue.
    var timeoutScheduled = false
    /// Each answer in arrival order, who sent it, and what the poll asked about (kept only
    /// with detection on, which judges every responder).
    var chits: [[Hash256]] = []
    var responders: [Int32] = []
    var asked: [Hash256] = []
    /// Voters per vertex named (see `Tally`), kept from the first time the early-end test
    /// needs it (`tallied`) and updated with each later answer, instead of recounted at each.
    /// (Last: every answer reads the fields above, the tally only late in a poll.)
    private var tally = Tally()

    init(id: UInt32, expected: Int, deadline: SimInstant, timeoutSequence: UInt64 = 0) {
        self.id = id
        self.expected = expected
        self.deadline = deadline
        self.timeoutSequence = timeoutSequence
    }

    /// Makes this finished poll a new one, as `init` would, keeping the storage of its
    /// lists, and of its tally when small (a simulator starts a poll for each one that
    /// ends, and the lists of a new one were grown from nothing, several allocations a
    /// poll). Values copied out of it (its `answers`) keep what they hold.
    func restart(id: UInt32, expected: Int, deadline: SimInstant, timeoutSequence: UInt64 = 0) {
        self.id = id
        self.expected = expected
        self.deadline = deadline
        self.timeoutSequence = timeoutSequence
        timeoutScheduled = false
        received = 0
        answers.removeAll()
        tally.restart()
        tallied = false
        voters = 0
        chits.removeAll()
        responders.removeAll()
        asked = []
    }
}

extension PollState {
    /// Whether the answers still outstanding can no longer change what the poll decides,
    /// so that it may finish before they come: avalanchego's early termination without
    /// DAG traversal.
    ///
    /// A vertex already named by at least α voters keeps its votes whatever else arrives.
    /// The votes for every other vertex might all reach one shared ancestor, so the poll
    /// can end when the voters behind those vertices plus the outstanding answers fall
    /// short of α. With two thresholds (preference and confidence) the test must hold for
    /// both, so that no answer still to come could cross either. A poll with no answer
    /// outstanding is always finished.
    ///
    /// The first call that needs the tally builds it from the answers so far; answers
    /// added after that (through `add(answer:)`) update it, so later calls do not recount.
    func isSettled(alphaPreference: Int, alphaConfidence: Int) -> Bool {
        let pending = expected - received
        if pending <= 0 { return true }
        if pending >= alphaPreference { return false }      // alone enough to cross αPref
        // Fewer than αPref voters cannot have taken any vertex to a threshold: every voter
        // is partial, and the test needs no tally.
        if voters < alphaPreference { return voters + pending < alphaPreference }
        if !tallied {
            // Voters per vertex named; a chit names each vertex at most once, so there are
            // at least as many ids as in the longest chit: room for that many at once costs
            // no memory that growing would not, and skips the growth up to it.
            var longest = 0
            for group in answers.groups { longest = max(longest, group.chit.wordCount) }
            tally.reserve(numbers: longest)
            for group in answers.groups {
                for element in group.chit { tally.add(group.weight, to: element) }
            }
            tallied = true
        }
        return !couldCross(alphaPreference, pending: pending, preference: true)
            && (alphaConfidence == alphaPreference || !couldCross(alphaConfidence, pending: pending, preference: false))
    }

    /// Whether the outstanding answers could still take some vertex to `alpha`: whether
    /// they and the responders naming at least one vertex still below `alpha` reach it.
    /// (The count of leading words kept is the group's `reachedPreference` for αPref, else
    /// its `reachedConfidence`.)
    private func couldCross(_ alpha: Int, pending: Int, preference: Bool) -> Bool {
        var partial = 0
        answers.groups.withUnsafeMutableBufferPointer { groups in
            for group in groups.indices {
                let start = preference ? groups[group].reachedPreference : groups[group].reachedConfidence
                var reached = Int(start)
                while let (element, next) = groups[group].chit.element(at: reached), Int(tally.voters(element)) >= alpha {
                    reached = next
                }
                if preference { groups[group].reachedPreference = Int32(reached) } else {
                    groups[group].reachedConfidence = Int32(reached)
                }
                if reached < groups[group].chit.wordCount { partial += Int(groups[group].weight) }
            }
        }
        return partial + pending >= alpha
    }

    /// Where the answers' groups lie: for a cache hint, never read through.
    var answersAddress: UnsafeRawPointer? { answers.groups.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    /// Whether the node held every vertex of distinct chit `group` when last checked.
    func isHeld(group: Int) -> Bool { answers.groups[group].held }

    func noteHeld(group: Int, _ held: Bool) { answers.groups[group].held = held }

    /// Adds one responder's chit; returns the index of its group in `groups` (the last
    /// one when the chit is new).
    func add(answer chit: IdList) -> Int {
        if !chit.isEmpty { voters += 1 }
        if tallied { for element in chit { tally.add(1, to: element) } }
        return answers.add(chit)
    }
}

/// A poll's answers: the distinct chits in order of first arrival, and how many responders
/// sent each. Honest responders that agree send the same frontier, so a poll of k peers
/// usually holds one to three.
///
/// What the poll learns of each chit lies beside it, so that an answer reads one array.
struct PollAnswers {
    struct Group {
        var chit: IdList
        /// Responders that sent it.
        var weight: Int32 = 1
        /// Whether the node held every vertex the chit names when last checked: a repeat of
        /// such a chit needs no lookup (holding only grows while a poll lasts).
        var held = false
        /// For αPref and for αConf: how many of the chit's leading words hold ids known to
        /// have at least α voters. Counts only grow, so these only grow, and the early-end
        /// test reads each id of a chit about once per threshold over the poll's life.
        var reachedPreference: Int32 = 0
        var reachedConfidence: Int32 = 0
    }

    fileprivate(set) var groups: [Group] = []

    /// No answers, with the storage kept.
    mutating func removeAll() {
        groups.removeAll(keepingCapacity: true)
    }

    /// Adds one responder's chit; returns the index of its group (the last one when the chit is new).
    mutating func add(_ chit: IdList) -> Int {
        for index in groups.indices where groups[index].chit == chit {
            groups[index].weight += 1
            return index
        }
        groups.append(Group(chit: chit))
        return groups.count - 1
    }

    /// The answers as the engine counts them, whole ids read back from `numbering`.
    func chitGroups(numbering: VertexNumbering) -> ChitGroups {
        var answers = ChitGroups()
        fill(&answers, numbering: numbering)
        return answers
    }

    /// Makes `answers` hold these answers as `chitGroups(numbering:)` gives them, in the
    /// storage it has.
    func fill(_ answers: inout ChitGroups, numbering: VertexNumbering) {
        answers.removeAll()
        for group in groups {
            for element in group.chit { answers.append(IdList.id(of: element, numbering: numbering)) }
            answers.endChit(weight: group.weight)
        }
    }
}

/// Voters per vertex in a poll: numbered vertices by number, the others by id.
///
/// The first numbers counted lie in place, searched in order: a LAN's chits name a few
/// vertices, and a search of a few numbers in the poll's own memory costs less than a
/// table's hashing and probing in memory of its own. Past `inPlaceLimit` distinct numbers
/// (a WAN's chits name hundreds) they all move to a table.
private struct Tally {
    static var inPlaceLimit: Int { SIMD16<UInt32>.scalarCount }
    /// The first `inPlaceCount` numbers counted and their voters, while `large` is false.
    var inPlaceNumbers = SIMD16<UInt32>()
    var inPlaceVoters = SIMD16<Int32>()
    var inPlaceCount = 0
    /// Whether numbers are counted in `byNumber` (then all of them are).
    var large = false
    var byNumber = NumberCounts()
    var byId = Hash256Map<Int32>()

    /// The largest tables a poll keeps when it is restarted. A LAN's chits name a few
    /// vertices, and reusing their tables saves two allocations a poll; a WAN's name
    /// hundreds, and their tables, kept in every poll in flight, took 5 % more memory at
    /// the peak of CT-003-0, so they are released.
    static var keptCapacity: Int { 64 }

    /// Empties the tally for a restarted poll.
    mutating func restart() {
        inPlaceCount = 0
        large = false
        if byNumber.capacity <= Self.keptCapacity { byNumber.removeAllKeepingCapacity() } else { byNumber.removeAll() }
        if byId.capacity <= Self.keptCapacity { byId.removeAllKeepingCapacity() } else { byId.removeAll() }
    }

    /// Makes room for up to `count` distinct numbers (the caller's bound: the words of the
    /// longest chit, which names each vertex once): in the table at once when more than fit
    /// in place may come.
    mutating func reserve(numbers count: Int) {
        guard count > Self.inPlaceLimit else { return }
        moveToTable()
        byNumber.reserveCapacity(count)
    }

    @inline(__always)
    mutating func add(_ voters: Int32, to element: IdList.Element) {
        switch element {
        case let .number(number):
            if large { return byNumber.add(voters, to: number) }
            if let index = inPlaceIndex(of: number) { return inPlaceVoters[index] += voters }
            if inPlaceCount < Self.inPlaceLimit {
                inPlaceNumbers[inPlaceCount] = number
                inPlaceVoters[inPlaceCount] = voters
                inPlaceCount += 1
            } else {
                moveToTable()
                byNumber.add(voters, to: number)
            }
        case let .id(id): byId[id, default: 0] += voters
        }
    }

    /// The voters of a vertex the tally has counted.
    @inline(__always)
    func voters(_ element: IdList.Element) -> Int32 {
        switch element {
        case let .number(number):
            if large { return byNumber.count(of: number)! }
            guard let index = inPlaceIndex(of: number) else { preconditionFailure("vertex \(number) was not counted") }
            return inPlaceVoters[index]
        case let .id(id): return byId[id]!
        }
    }

    @inline(__always)
    private func inPlaceIndex(of number: UInt32) -> Int? {
        for index in 0..<inPlaceCount where inPlaceNumbers[index] == number { return index }
        return nil
    }

    /// Counts the numbers in `byNumber` from now on, moving those in place there.
    private mutating func moveToTable() {
        guard !large else { return }
        for index in 0..<inPlaceCount { byNumber.add(inPlaceVoters[index], to: inPlaceNumbers[index]) }
        inPlaceCount = 0
        large = true
    }

}

/// A node's outstanding gets: vertex → when it was asked for. Numbered vertices (nearly all)
/// by number, 12 bytes a bucket; the others (in a sharded run, those issued in the window
/// being run) by id. A vertex asked for before it was numbered is found by id afterwards too.
struct OutstandingFetches {
    private var byNumber = NumberMap<SimInstant>()
    private var byId = Hash256Map<SimInstant>()

    /// Number of outstanding gets.
    var count: Int { byNumber.count + byId.count }

    /// When `id` (numbered `number`, if it is) was last asked for, if it is outstanding.
    func askedAt(_ id: Hash256, number: UInt32?) -> SimInstant? {
        if let number, let asked = byNumber[number] { return asked }
        return byId.isEmpty ? nil : byId[id]
    }

    /// Notes that `id` (numbered `number`, if it is) was asked for at `time`.
    mutating func note(_ id: Hash256, number: UInt32?, at time: SimInstant) {
        if let number { byNumber.set(time, for: number) } else { byId[id] = time }
    }

    /// Forgets `id` (numbered `number`, if it is): it arrived.
    mutating func remove(_ id: Hash256, number: UInt32?) {
        if let number { byNumber.removeValue(forKey: number) }
        if !byId.isEmpty { byId.removeValue(forKey: id) }
    }

    /// Forgets every outstanding get (the node crashed).
    mutating func removeAll() {
        byNumber.removeAll()
        byId.removeAll()
    }
}

/// A query that arrived naming vertices the node does not hold yet; answered once it does.
struct DeferredReply {
    var to: Int32
    var poll: UInt32
    var waitingFor: WaitList
    var since: SimInstant
}

/// A finished poll whose chits name vertices the node is still fetching: its votes are
/// applied once those arrive (or after a poll timeout, without them), as avalanchego's
/// voter waits for the vertices a chit names.
struct BlockedVote {
    var answers: PollAnswers
    var waitingFor: WaitList
    var since: SimInstant
}

/// One simulated node: its consensus engine and the protocol state around it.
///
/// A class, so that the simulator reaches a node's engine in place: reading through an
/// array of structs copied the whole engine on every query (seen in a profile).
final class NodeState {
    // The fields most events read come first, next to the object's header (which the
    // reference counting touches anyway): a message's delivery reads a few of them, and
    // after the engine (about 700 bytes) each was a cache line of its own.
    var alive = true
    /// When the node's CPU finishes the work queued so far.
    var cpuFreeAt = SimInstant.zero
    /// CPU time booked and not yet attributed to a series interval.
    var cpuBacklogNs: Int64 = 0
    /// Bytes sent in the current series interval.
    var bytesSent: Int64 = 0
    /// When the node's uplink finishes sending what it has been given (see `Network.send`).
    var uplinkFreeAt = SimInstant.zero
    /// Transactions waiting for the next vertex.
    var batch: [Transaction] = []
    var batchTimerArmed = false
    var nextPoll: UInt32 = 0
    /// The poll whose timeout comes first, when the node has one armed (see
    /// `Simulator.armPollTimeout`): its id, deadline and reserved sequence number.
    var timeoutPoll: UInt32 = 0
    var timeoutAt = SimInstant.zero
    var timeoutSequence: UInt64 = 0
    var timeoutArmed = false
    /// The polls in flight, oldest first.
    private(set) var polls: [PollState] = []
    /// The ids of the first `pollIDs.scalarCount` polls, kept here so that an answer finds
    /// its poll, or finds it gone, without reading the list and each poll it passes.
    private var pollIDs = SIMD8<UInt32>()
    /// `polls.count`, kept beside them (the list's count lies in its own storage).
    private(set) var pollCount = 0
    /// The engine's preferred frontier as last read, and as messages carry it: converted
    /// once per change (see `Simulator.frontier(of:)`), with its count and the engine's
    /// `frontierStamp` at that read (none yet: `UInt64.max`).
    var frontierRead: [Hash256] = []
    var frontierList = IdList()
    var frontierCount = 0
    var frontierStamp = UInt64.max

    var engine: AvalancheEngine
    /// The node's own random stream: peer sampling.
    var sampler: Xoshiro256StarStar
    /// Its stream for choosing the parents of the vertices it issues.
    var parentChooser: Xoshiro256StarStar

    init(engine: AvalancheEngine, sampler: Xoshiro256StarStar, parentChooser: Xoshiro256StarStar) {
        self.engine = engine
        self.sampler = sampler
        self.parentChooser = parentChooser
    }

    /// Gives the node another engine (a restart on a new disk), forgetting the frontier
    /// read from the old one.
    func replaceEngine(with engine: AvalancheEngine) {
        self.engine = engine
        frontierRead = []
        frontierList = IdList()
        frontierCount = 0
        frontierStamp = .max
    }

    /// Parents for the next vertex the node issues.
    func parentsForNewVertex(count: Int, virtuousOnly: Bool = false) -> [Hash256] {
        engine.parentsForNewVertex(count: count, virtuousOnly: virtuousOnly, using: &parentChooser)
    }

    /// Where poll `id` is in `polls`, if it is still in flight.
    @inline(__always)
    func pollIndex(of id: UInt32) -> Int? {
        if let index = nearPollIndex(of: id) { return index }
        guard pollCount > pollIDs.scalarCount else { return nil }
        return polls[pollIDs.scalarCount...].firstIndex { $0.id == id }
    }

    /// Where poll `id` is in `polls` if it is among the first `pollIDs.scalarCount`, found
    /// without reading the list.
    @inline(__always)
    private func nearPollIndex(of id: UInt32) -> Int? {
        let near = min(pollCount, pollIDs.scalarCount)
        for index in 0..<near where pollIDs[index] == id { return index }
        return nil
    }

    // Addresses for cache hints (`Simulator.prefetchUpcoming`), never read through.

    /// Where the list of polls lies.
    var pollsAddress: UnsafeRawPointer? { polls.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    /// Where poll `id` lies, if it is among the first few in flight.
    func pollAddress(of id: UInt32) -> UnsafeRawPointer? {
        nearPollIndex(of: id).map { UnsafeRawPointer(Unmanaged.passUnretained(polls[$0]).toOpaque()) }
    }

    /// Where the answers of poll `id` lie, if it is among the first few in flight.
    func pollAnswersAddress(of id: UInt32) -> UnsafeRawPointer? {
        nearPollIndex(of: id).flatMap { polls[$0].answersAddress }
    }

    func addPoll(_ poll: PollState) {
        if polls.count < pollIDs.scalarCount { pollIDs[polls.count] = poll.id }
        polls.append(poll)
        pollCount = polls.count
    }

    func removePoll(at index: Int) -> PollState {
        let poll = polls.remove(at: index)
        pollCount = polls.count
        var moved = index
        while moved < min(polls.count, pollIDs.scalarCount) {
            pollIDs[moved] = polls[moved].id
            moved += 1
        }
        return poll
    }

    /// Forgets every poll in flight (a crash); returns them.
    func removeAllPolls() -> [PollState] {
        defer {
            polls = []
            pollCount = 0
            timeoutArmed = false
        }
        return polls
    }

    /// The open poll whose timeout comes first: the earliest deadline, then the earliest
    /// reserved sequence number (the poll started first).
    var pollDueFirst: PollState? {
        var first: PollState?
        for poll in polls {
            if let due = first, (due.deadline, due.timeoutSequence) <= (poll.deadline, poll.timeoutSequence) { continue }
            first = poll
        }
        return first
    }

    /// Vertices received whose parents are not all known yet.
    var pending = Hash256Map<Vertex>()
    /// Missing parent → pending vertices waiting for it.
    var waitingOn = Hash256Map<[Hash256]>()
    /// Outstanding gets: vertex → when asked.
    var requested = OutstandingFetches()
    var deferred: [DeferredReply] = []
    var blockedVotes: [BlockedVote] = []
    /// Polls recorded so far (rounds).
    var pollsRecorded: Int64 = 0
    var acceptedSincePrune = 0

    /// Bytes held beyond the engine: vertices waiting for parents and the fetch bookkeeping.
    var protocolBytes: Int {
        var bytes = batch.count * 160 + polls.count * 256 + deferred.count * 96 + requested.count * 64
            + blockedVotes.count * 512
        pending.forEachValue { bytes += $0.unsignedSize + $0.signature.count + 96 }  // a sum: order-free
        return bytes
    }
}
