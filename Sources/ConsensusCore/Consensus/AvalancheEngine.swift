/// What a vertex add or a poll decided.
public struct Decisions: Sendable {
    /// Vertices accepted, parents before children.
    public var acceptedVertices: [Vertex] = []
    /// Vertices rejected.
    public var rejectedVertices: [Hash256] = []
    /// Transactions accepted, in acceptance order.
    public var acceptedTransactions: [Transaction] = []
    /// Transactions rejected because a conflicting transaction was chosen.
    public var rejectedTransactions: [Transaction] = []
    /// Transactions still undecided whose vertex was rejected; their creator may reissue them.
    public var orphanedTransactions: [Transaction] = []

    /// Whether nothing was decided.
    public var isEmpty: Bool {
        acceptedVertices.isEmpty && rejectedVertices.isEmpty && rejectedTransactions.isEmpty
            && orphanedTransactions.isEmpty
    }
}

/// Why the engine refused a vertex. A refused vertex leaves no trace.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The DAG refused it.
    case dag(DAGError)
    /// It holds a transaction twice, or one this node already accepted.
    case duplicateTransaction(Hash256)

    public var description: String {
        switch self {
        case let .dag(error): error.description
        case let .duplicateTransaction(id): "transaction \(id.hex.prefix(16)) is carried twice or was already accepted"
        }
    }
}

/// The Avalanche consensus engine of one node: a DAG of vertices and one Snowball
/// instance per conflict set.
///
/// A poll's chits are lists of vertex ids (each responder's preferred frontier). A chit
/// votes for those vertices and, transitively, for every processing ancestor; each
/// transaction takes the votes of its vertex; each conflict set records the poll for
/// its most-voted choice. Confidence β finalizes a conflict set: its choice is chosen,
/// the other choices are rejected. A vertex is accepted when each of its transactions
/// is chosen in all of its conflict sets and all its parents are accepted; it is
/// rejected when one of its transactions or parents is rejected.
///
/// A pure state machine: no clock, no randomness, no I/O. The caller decides whom to
/// poll and feeds in what they answered.
public struct AvalancheEngine: Sendable {
    /// The vertices this node holds. (The fields read most often come first: the DAG, whose
    /// first field answers whether a vertex is held, and the cached frontier.)
    public private(set) var dag: DAG
    private var cachedFrontier: [Hash256]?
    /// Changes whenever what `preferredFrontier()` returns may change: when the cached
    /// frontier is dropped and when a vertex waits to join it. While it is what it was at
    /// a read, the frontier is the array that read returned, so a caller that keeps
    /// something made from it knows it is current without reading it again.
    public private(set) var frontierStamp: UInt64 = 0
    /// The Snowball parameters, validated.
    public let parameters: ConsensusParameters

    // Processing vertices live in slots, so the vote pass uses array indexes, not hashing.
    // A vertex's slot is kept as its tag in the DAG (`dag.tag(of:)`), not in a table of its own.
    private var slotVertex: [Vertex?] = []
    /// Each slot's links, read together by every vote pass.
    private struct SlotLinks: Sendable {
        /// Processing parents only: up to five kept in place (an array each was a storage of
        /// its own, read from memory at every vote pass).
        var parents = ParentSlotList()
        /// Transaction records, in vertex order: usually one, kept in place.
        var transactions = InlineInt32List()
    }

    /// One entry per slot: the parents and the transactions side by side, so that the vote
    /// pass reads one cache line per slot where two tables (one per list) cost it two.
    private var slotLinks: [SlotLinks] = []
    private var slotDoomed: [Bool] = []
    private var freeSlots: [Int32] = []
    /// Processing slots in arrival order; parents always arrive before children.
    @usableFromInline private(set) var processingOrder: [Int32] = []

    /// The tables of records and sets hold values, not optionals: an entry that is not in
    /// use is `vacant`. Reading a field of an optional element went through a call that
    /// inspected the optional's tag, and often a copy of the whole element, at each access.
    private struct TransactionRecord: Sendable {
        /// The vertex the transaction was first registered from, and its place among that
        /// vertex's transactions: the transaction, and its id, are read from there rather
        /// than copied into every node's record (56 bytes, where the id alone took 32 more).
        /// The record keeps that vertex alive, so an orphaned transaction's record holds its
        /// rejected carrier's body until the transaction is decided (a simulation's archive
        /// keeps every body anyway).
        var carrier: Vertex?
        var position: Int32
        var undecidedSets: Int32
        /// Processing vertices carrying it; empty while orphaned.
        var slots: InlineInt32List
        var sets: InlineInt32List
        /// The name its conflict sets' Snowball instances know it by: the engine's count of
        /// registrations, never reused while any set that could hold it lives (it wraps after
        /// 2^32 registrations, far beyond any set's lifetime).
        var serial: UInt32
        var rejected = false
        var accepted = false
        /// Whether the entry is unused (released), its fields meaningless.
        var vacant = false

        /// The transaction.
        var transaction: Transaction { carrier!.transactions[Int(position)] }
        /// The transaction's id (not for a vacant entry).
        var id: Hash256 { carrier.unsafelyUnwrapped.transactions[Int(position)].id }

        static let vacantEntry = TransactionRecord(carrier: nil, position: 0, undecidedSets: 0,
                                                   slots: [], sets: [], serial: 0, vacant: true)
    }

    private var recordOf = Hash256Map<Int32>()
    private var nextSerial: UInt32 = 0
    private var records: [TransactionRecord] = []
    /// The vote pass's working arrays when the caller does not lend its own.
    private var ownScratch = VoteScratch()
    private var freeRecords: [Int32] = []

    /// Fields in an order that leaves no padding: every node keeps one per undecided input.
    private struct ConflictSet: Sendable {
        var input: InputID
        /// Creation order, which finalized sets are decided in.
        var sequence: UInt64
        var choices: InlineInt32List     // transaction records
        var pollVotes: InlineInt32List = []
        /// Choices named by their records' serials: a record index may be reused while the
        /// set still remembers a choice that has left it.
        var snowball: SnowballState<UInt32>
        var decided = false
        /// Whether the entry is unused (released), its fields meaningless.
        var vacant = false
        var pollEpoch: UInt32 = 0
        /// The last poll this set has taken into account. Polls that gave it no vote were
        /// unsuccessful for it; they are applied when it next gets votes (or is read), so
        /// that a poll costs what it touches, not every undecided set.
        var lastPolled: UInt32

        static let vacantEntry = ConflictSet(input: 0, sequence: 0, choices: [], snowball: SnowballState(initial: 0),
                                             vacant: true, lastPolled: 0)
    }

    private var setOf = IntegerMap<InputID, Int32>()
    private var sets: [ConflictSet] = []
    private var freeSets: [Int32] = []
    /// Undecided conflict sets, in creation order.
    @usableFromInline private(set) var liveSets: [Int32] = []
    private var pollEpoch: UInt32 = 0
    private var setSequence: UInt64 = 0

    /// The transaction each decided input went to, for refusing late conflicts and duplicates.
    private var decidedInputs: DecidedInputs
    /// How many decided inputs are remembered; older ones are forgotten so that long
    /// runs hold bounded state (a real node keeps its UTXO set on disk). With a
    /// numbering, what is kept is the spends of the last `decidedInputLimit` numbers or
    /// more (a window forgotten a quarter at a time).
    public var decidedInputLimit = 1 << 18

    /// Strongly preferred vertices added since `cachedFrontier` was last read, and their
    /// parents: merged into it at the next read, in one pass for all of them. On a WAN a
    /// node adds many vertices between two reads, and a frontier rebuilt at each one was
    /// the largest cost of adding a vertex.
    private var frontierArrivals: [Hash256] = []
    private var frontierArrivalParents: [Hash256] = []
    private var strongScratch: [Bool] = []
    private var strongChildScratch: [Bool] = []
    /// Transactions rejected outside a vertex's rejection, reported with the next decisions.
    private var pendingRejected: [Transaction] = []

    /// Creates an engine whose DAG starts with `genesis` accepted; a `numbering` shared
    /// with other engines lets the DAG remember released vertices in two bits each.
    public init(parameters: ConsensusParameters, genesis: Vertex, checks: VertexChecks = [],
                keys: [NodeID: VerifyingKey] = [:], numbering: VertexNumbering? = nil) throws(ParameterError) {
        try parameters.validate()
        self.parameters = parameters
        dag = DAG(checks: checks, keys: keys, numbering: numbering)
        decidedInputs = DecidedInputs(numbering: numbering)
        dag.insert(genesis, status: .accepted)
    }

    // MARK: - Queries

    /// Number of processing vertices.
    @inlinable public var processingVertexCount: Int { processingOrder.count }
    /// Number of undecided transactions (including orphaned ones).
    public var processingTransactionCount: Int { recordOf.count }
    /// Whether anything is undecided: the node should keep polling.
    @inlinable public var hasProcessing: Bool { !processingOrder.isEmpty || !liveSets.isEmpty }

    /// Whether the DAG holds `id` (stored, pruned or rejected); cheaper than going through `dag`.
    @inlinable @inline(__always) public func holds(_ id: Hash256) -> Bool { dag.contains(id) }
    /// Whether the node holds the vertex numbered `number` in the engine's numbering (which it must have).
    @inlinable @inline(__always) public func holds(number: UInt32) -> Bool { dag.contains(number: number) }
    /// The rest of `holds(number:)` once the held bit is found unset (see `DAG.containsUnmarkedNumbering`).
    public mutating func holdsWithoutBit(number: UInt32) -> Bool { dag.containsUnmarkedNumbering(number: number) }

    /// The stored vertex `id`, if in memory; cheaper than going through `dag`.
    @inlinable @inline(__always) public func storedVertex(_ id: Hash256) -> Vertex? { dag.vertex(id) }

    /// Whether `id` is a processing transaction.
    public func isProcessing(transaction id: Hash256) -> Bool { recordOf[id] != nil }

    /// The Snowball state of the conflict set of `input`, while it is undecided. A choice
    /// that has left the set (rejected through another input) appears as the zero id.
    public func snowball(for input: InputID) -> Snowball? {
        guard let index = setOf[input], !sets[Int(index)].vacant else { return nil }
        let set = sets[Int(index)]
        var snowball = set.snowball
        if set.lastPolled != pollEpoch { snowball.recordUnsuccessfulPoll() }    // polls it missed
        return snowball.mapChoices { serial in
            set.choices.first { records[Int($0)].serial == serial }.map { records[Int($0)].id } ?? .zero
        }
    }

    /// The transaction `input` was decided for, while remembered.
    public func decision(for input: InputID) -> Hash256? { decidedInputs.winner(of: input) }

    /// Parents of `vertex` this node does not know: what it must fetch before adding it.
    public func missingParents(of vertex: Vertex) -> [Hash256] {
        vertex.parents.filter { !dag.contains($0) }
    }

    /// Bytes this engine holds: the DAG plus transaction, conflict-set and slot bookkeeping.
    public var heldBytes: Int {
        dag.heldBytes + recordOf.count * Self.transactionRecordBytes + setOf.count * Self.conflictSetBytes
            + decidedInputs.count * Self.decidedInputBytes + slotVertex.count * Self.slotBytes
    }

    /// A transaction record: the transaction, its links, and its hash-table slot.
    static let transactionRecordBytes = 200
    /// A conflict set with one or two choices and its Snowball state.
    static let conflictSetBytes = 160
    /// One remembered decision: input, transaction id and hash-table slot.
    static let decidedInputBytes = 64
    /// One vertex slot's arrays.
    static let slotBytes = 96

    // MARK: - Adding vertices

    /// Up to this many transactions a vertex is checked for repeats pair by pair, above it
    /// through a set.
    static let pairwiseDuplicateCheckLimit = 32

    /// Checks `vertex` the way `add` does, without changing anything.
    public func validate(_ vertex: Vertex) throws(EngineError) {
        do { try dag.validate(vertex) } catch { throw .dag(error) }
        // The transactions are read where the vertex keeps them: a copy of each retained and
        // released its list of inputs, which every node adding the vertex shares (in a sharded
        // run, across threads).
        let transactions = vertex.transactions
        // A transaction twice in the vertex: a batch of up to a few dozen is compared with
        // itself pair by pair (a list of the ids seen cost an allocation per vertex and node).
        var seen: Set<Hash256> = []
        for position in transactions.indices {
            let id = transactions[position].id
            if transactions.count <= Self.pairwiseDuplicateCheckLimit {
                for earlier in 0..<position where transactions[earlier].id == id { throw .duplicateTransaction(id) }
            } else if !seen.insert(id).inserted {
                throw .duplicateTransaction(id)
            }
            if let index = recordOf[id] {
                if records[Int(index)].accepted { throw .duplicateTransaction(id) }
            } else if transactions[position].inputs.contains(where: { decidedInputs.winner(of: $0) == id }) {
                throw .duplicateTransaction(id)      // already accepted
            }
        }
    }

    /// Adds a vertex whose parents are all known; returns what that decided at once
    /// (a vertex on a rejected parent, or with an already-rejected transaction, is rejected).
    @discardableResult
    public mutating func add(_ vertex: Vertex) throws(EngineError) -> Decisions {
        try validate(vertex)
        dag.insert(vertex, status: .processing)

        let slot = allocateSlot(for: vertex)
        var doomed = false
        for parent in vertex.parents {
            if let parentSlot = dag.tag(of: parent) {
                slotLinks[Int(slot)].parents.append(parentSlot)
            } else if dag.status(parent) == .rejected {
                doomed = true
            }
        }
        var txs = InlineInt32List()
        // Read in place, as in `validate`; a transaction is copied only where it is kept.
        let transactions = vertex.transactions
        for position in transactions.indices {
            if let index = recordOf[transactions[position].id] {
                // Carried again (its first vertex may have been rejected elsewhere): the
                // transaction's votes are the union of its vertices' voters.
                records[Int(index)].slots.append(slot)
                txs.append(index)
                if records[Int(index)].rejected { doomed = true }
            } else if transactions[position].inputs.contains(where: { decidedInputs.winner(of: $0) != nil }) {
                doomed = true     // spends an input already decided for another transaction
                pendingRejected.append(transactions[position])
            } else {
                txs.append(register(transactions[position], carriedBy: vertex, at: position, slot: slot))
            }
        }
        slotLinks[Int(slot)].transactions = txs
        slotDoomed[Int(slot)] = doomed
        // A new vertex has no children yet, so only it can be decided by its arrival.
        let acceptable = slotLinks[Int(slot)].parents.isEmpty && txs.allSatisfy { records[Int($0)].undecidedSets == 0 }
        var decisions = Decisions()
        decisions.rejectedTransactions = pendingRejected
        pendingRejected.removeAll()
        guard doomed || acceptable else {
            updateFrontier(adding: slot)
            return decisions
        }
        dropCachedFrontier()
        processingOrder.removeLast()
        if doomed { reject(slot, into: &decisions) } else { accept(slot, into: &decisions) }
        return decisions
    }

    private mutating func allocateSlot(for vertex: Vertex) -> Int32 {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slotVertex[Int(slot)] = vertex
        } else {
            slot = Int32(slotVertex.count)
            slotVertex.append(vertex)
            slotLinks.append(SlotLinks())
            slotDoomed.append(false)
        }
        // A reused slot's links were emptied when it was released (`releaseSlot`).
        dag.setTag(slot, for: vertex.id)
        processingOrder.append(slot)
        return slot
    }

    private mutating func register(_ tx: Transaction, carriedBy vertex: Vertex, at position: Int, slot: Int32) -> Int32 {
        let index: Int32
        let serial = nextSerial
        nextSerial &+= 1
        let record = TransactionRecord(carrier: vertex, position: Int32(position),
                                       undecidedSets: Int32(tx.inputs.count), slots: [slot], sets: [], serial: serial)
        if let reused = freeRecords.popLast() {
            index = reused
            records[Int(index)] = record
        } else {
            index = Int32(records.count)
            records.append(record)
        }
        recordOf[tx.id] = index
        var memberships = InlineInt32List()
        for input in tx.inputs {
            if let setIndex = setOf[input] {
                sets[Int(setIndex)].choices.append(index)
                sets[Int(setIndex)].pollVotes.append(0)
                memberships.append(setIndex)
            } else {
                let set = ConflictSet(input: input, sequence: setSequence, choices: [index], pollVotes: [0],
                                      snowball: SnowballState(initial: serial), lastPolled: pollEpoch)
                setSequence += 1
                let setIndex: Int32
                if let reused = freeSets.popLast() {
                    setIndex = reused
                    sets[Int(setIndex)] = set
                } else {
                    setIndex = Int32(sets.count)
                    sets.append(set)
                }
                setOf.set(setIndex, for: input)
                liveSets.append(setIndex)
                memberships.append(setIndex)
            }
        }
        records[Int(index)].sets = memberships
        return index
    }

    // MARK: - Polls

    /// Applies one poll's chits (each a responder's list of preferred vertex ids) and
    /// returns what it decided. Unknown and already-decided vertex ids carry no vote.
    public mutating func recordPoll(_ chits: [[Hash256]]) -> Decisions {
        recordPoll(ChitGroups(chits))
    }

    /// Applies one poll's answers, grouped: each distinct chit votes once, with the number
    /// of responders that sent it as its weight.
    public mutating func recordPoll(_ answers: ChitGroups) -> Decisions {
        recordPollDecided(answers) ?? Decisions()
    }

    /// `recordPoll(_:)`, with nil when the poll finalized no conflict set, as most do: a
    /// caller that records polls by the million skips making and destroying the empty
    /// decisions (five arrays).
    public mutating func recordPollDecided(_ answers: ChitGroups) -> Decisions? {
        var scratch = VoteScratch()
        swap(&scratch, &ownScratch)
        defer { swap(&scratch, &ownScratch) }
        return recordPollDecided(answers, scratch: &scratch)
    }

    /// `recordPollDecided(_:)` with the vote pass's working arrays lent by the caller: a
    /// simulation of many nodes lends all of a thread's engines the same ones, which stay in
    /// the processor's caches, where each engine's own were read from memory at every poll.
    public mutating func recordPollDecided(_ answers: ChitGroups, scratch: inout VoteScratch) -> Decisions? {
        pollEpoch &+= 1
        scratch.prepare(slots: slotVertex.count, records: records.count, sets: sets.count)
        spreadVotes(answers, scratch: &scratch)

        var (finalized, preferenceChanged) = Self.applyVotes(
            of: scratch.touchedRecords, votes: &scratch.recordVotes, records: records, sets: &sets,
            touchedSets: &scratch.touchedSets, touchedSetCount: &scratch.touchedSetCount, epoch: pollEpoch,
            parameters: parameters)
        // The preferred frontier depends on preferences, not on confidence, and decisions
        // leave it as it is. A finalized set chooses its preference, so no vertex changes
        // strength: a vertex rejected now was not strongly preferred (a transaction of its
        // lost to another, or a parent did), and one accepted now was; it was on the frontier
        // exactly when it had no strongly preferred child, as it is now among the accepted
        // leaves, and the accepted leaves it replaces were buried under it.
        if preferenceChanged { dropCachedFrontier() }
        guard !finalized.isEmpty else { return nil }
        if finalized.count > 1 { finalized.sort { sets[Int($0)].sequence < sets[Int($1)].sequence } }
        // Each set's chosen transaction, named before any set is decided: deciding one set
        // may reject a choice of another (through a transaction spending both inputs) and
        // take it off that set, whose decision still names it.
        let chosen = finalized.map { setIndex in
            let set = sets[Int(setIndex)]
            let serial = set.snowball.preference
            let record = set.choices.first { records[Int($0)].serial == serial }!
            return (serial, records[Int(record)].id)
        }
        for (setIndex, choice) in zip(finalized, chosen) { decide(set: setIndex, choosing: choice) }
        liveSets.removeAll { sets[Int($0)].vacant || sets[Int($0)].decided }
        return settle()
    }

    /// Adds each distinct chit's weight to every processing transaction it reaches. A chit
    /// votes for the vertices it names and for every processing ancestor of theirs, and a
    /// transaction counts a chit once however many of its vertices the chit reaches.
    ///
    /// Up to 64 chits go in one pass over the processing vertices, children before parents
    /// (the reverse of arrival order): each vertex holds the chits that reach it as bits of
    /// one word and hands them to its parents. A walk per chit visited the processing set
    /// once for each distinct chit, and on a WAN nearly every answer of a poll is a
    /// different frontier that reaches nearly every processing vertex.
    private mutating func spreadVotes(_ answers: ChitGroups, scratch: inout VoteScratch) {
        var first = 0
        while first < answers.count {
            let end = min(first + UInt64.bitWidth, answers.count)
            spreadVotes(answers, groups: first..<end, scratch: &scratch)
            first = end
        }
    }

    /// The votes `answers` give each processing transaction, by transaction id, without
    /// recording a poll: what the vote pass computes, for tests to compare with a walk.
    mutating func votesWithoutRecording(_ answers: ChitGroups) -> [(Hash256, Int32)] {
        var scratch = VoteScratch()
        scratch.prepare(slots: slotVertex.count, records: records.count, sets: sets.count)
        spreadVotes(answers, scratch: &scratch)
        return scratch.touchedRecords.map { (records[Int($0)].id, scratch.recordVotes[Int($0)]) }
    }

    /// Hands `body` the tables a vote pass reads, one at a time, as their start and length
    /// in bytes: the processing order, the slots' links, the transaction records and the
    /// conflict sets. For a caller that asks the processor to load them ahead of a pass;
    /// nothing is to be read or written through them.
    public func forEachVotePassTable(_ body: (UnsafeRawPointer, Int) -> Void) {
        processingOrder.withUnsafeBytes { if let base = $0.baseAddress { body(base, $0.count) } }
        slotLinks.withUnsafeBytes { if let base = $0.baseAddress { body(base, $0.count) } }
        records.withUnsafeBytes { if let base = $0.baseAddress { body(base, $0.count) } }
        sets.withUnsafeBytes { if let base = $0.baseAddress { body(base, $0.count) } }
    }

    /// One pass for the chits `groups` (at most 64) of `answers`.
    ///
    /// The pass works on buffers taken out of the engine for its duration and reads the
    /// per-vertex lists where they are: written through `self`, or copied out, each step
    /// retained and released the vertex's lists, more work than the pass itself.
    private mutating func spreadVotes(_ answers: ChitGroups, groups: Range<Int>, scratch: inout VoteScratch) {
        var seeded = false
        scratch.slotMask.withUnsafeMutableBufferPointer { slotMasks in
            for group in groups {
                let bit = UInt64(1) << UInt64(group - groups.lowerBound)
                for id in answers.chit(group) {
                    guard let slot = dag.tag(of: id) else { continue }
                    slotMasks[Int(slot)] |= bit
                    seeded = true
                }
            }
        }
        guard seeded else { return }
        // Every record is reached at most once in a pass: `reached` has room for all of them
        // (see `VoteScratch.prepare`) and is written in place, as are the masks and votes.
        // Appended to one by one, each append checked that the list was not shared.
        var reachedCount = 0, touchedCount = 0
        let order = processingOrder, links = slotLinks
        scratch.reached.withUnsafeMutableBufferPointer { reached in
            order.withUnsafeBufferPointer { order in
                links.withUnsafeBufferPointer { links in
                    scratch.slotMask.withUnsafeMutableBufferPointer { slotMasks in
                        scratch.recordMask.withUnsafeMutableBufferPointer { recordMasks in
                            // Every seeded vertex is processing, so the pass clears every bit it set.
                            for slot in order.reversed() {
                                let s = Int(slot)
                                let chits = slotMasks[s]
                                guard chits != 0 else { continue }
                                slotMasks[s] = 0
                                for index in 0..<links[s].parents.count { slotMasks[Int(links[s].parents[index])] |= chits }
                                for index in 0..<links[s].transactions.count {
                                    let record = Int(links[s].transactions[index])
                                    if recordMasks[record] == 0 {
                                        reached[reachedCount] = Int32(record)
                                        reachedCount += 1
                                    }
                                    recordMasks[record] |= chits
                                }
                            }
                        }
                    }
                }
            }
            // A transaction's votes: the weights of the chits that reach it. Most transactions
            // are reached by the same chits as the one before. The records that get their
            // first votes of the poll are moved to the front of `reached`, in order.
            scratch.recordMask.withUnsafeMutableBufferPointer { recordMasks in
                scratch.recordVotes.withUnsafeMutableBufferPointer { recordVotes in
                    var lastChits: UInt64 = 0, lastVotes: Int32 = 0
                    for position in 0..<reachedCount {
                        let record = reached[position]
                        let r = Int(record)
                        let chits = recordMasks[r]
                        recordMasks[r] = 0
                        if chits != lastChits {
                            lastChits = chits
                            lastVotes = 0
                            var rest = chits
                            while rest != 0 {
                                lastVotes += answers.weights[groups.lowerBound + rest.trailingZeroBitCount]
                                rest &= rest - 1
                            }
                        }
                        if recordVotes[r] == 0 {
                            reached[touchedCount] = record
                            touchedCount += 1
                        }
                        recordVotes[r] += lastVotes
                    }
                }
            }
        }
        scratch.touchedRecords.append(contentsOf: scratch.reached[0..<touchedCount])
    }

    /// Adds each reached transaction's votes to its undecided conflict sets, then records
    /// the poll in every set that got votes. Returns the sets it finalized, in the order
    /// met, and whether any preference changed.
    ///
    /// Works on the engine's tables through buffer pointers: through `self`, each step
    /// checked that the tables were not shared and copied records out, which a poll that
    /// reaches thousands of transactions paid thousands of times.
    private static func applyVotes(
        of touched: [Int32], votes: inout [Int32], records: [TransactionRecord], sets: inout [ConflictSet],
        touchedSets: inout [Int32], touchedSetCount: inout Int, epoch: UInt32, parameters: ConsensusParameters
    ) -> (finalized: [Int32], preferenceChanged: Bool) {
        var finalized: [Int32] = []
        var preferenceChanged = false
        records.withUnsafeBufferPointer { records in
            votes.withUnsafeMutableBufferPointer { votes in
                sets.withUnsafeMutableBufferPointer { sets in
                    touchedSets.withUnsafeMutableBufferPointer { touchedSets in
                        for record in touched {
                            let r = Int(record)
                            let count = votes[r]
                            votes[r] = 0
                            guard !records[r].vacant, !records[r].rejected, !records[r].accepted else { continue }
                            for membership in 0..<records[r].sets.count {
                                let i = Int(records[r].sets[membership])
                                guard !sets[i].decided, let position = sets[i].choices.firstIndex(of: record) else { continue }
                                if sets[i].pollEpoch != epoch {
                                    sets[i].pollEpoch = epoch
                                    touchedSets[touchedSetCount] = Int32(i)
                                    touchedSetCount += 1
                                    for p in 0..<sets[i].pollVotes.count { sets[i].pollVotes[p] = 0 }
                                }
                                sets[i].pollVotes[position] += count
                            }
                        }
                        for setIndex in touchedSets[0..<touchedSetCount] {
                            let i = Int(setIndex)
                            // Polls since its last vote were unsuccessful for it: confidence went to zero.
                            if sets[i].lastPolled != epoch &- 1 { sets[i].snowball.recordUnsuccessfulPoll() }
                            sets[i].lastPolled = epoch
                            // The most-voted choice; a tie goes to the current preference, then to the smaller id.
                            let preference = sets[i].snowball.preference
                            var best: (record: Int32, votes: Int32)?
                            for position in 0..<sets[i].choices.count {
                                let count = sets[i].pollVotes[position]
                                guard count > 0 else { continue }
                                let record = sets[i].choices[position]
                                if let current = best {
                                    let better = count > current.votes
                                        || (count == current.votes && Self.winsTie(
                                            records[Int(record)], over: records[Int(current.record)], preferring: preference))
                                    if better { best = (record, count) }
                                } else {
                                    best = (record, count)
                                }
                            }
                            if let best {
                                sets[i].snowball.recordPoll(votes: Int(best.votes), choice: records[Int(best.record)].serial,
                                                            parameters: parameters)
                                if sets[i].snowball.preference != preference { preferenceChanged = true }
                            } else {
                                sets[i].snowball.recordUnsuccessfulPoll()
                            }
                            if sets[i].snowball.isFinalized { finalized.append(setIndex) }
                        }
                    }
                }
            }
        }
        return (finalized, preferenceChanged)
    }

    /// Of two choices with as many votes, the current preference wins, then the smaller id.
    private static func winsTie(_ record: TransactionRecord, over current: TransactionRecord,
                                preferring preference: UInt32) -> Bool {
        record.serial == preference || (current.serial != preference && record.id < current.id)
    }

    /// Decides a finalized set for `chosen` (its serial and transaction id).
    private mutating func decide(set setIndex: Int32, choosing chosen: (serial: UInt32, id: Hash256)) {
        sets[Int(setIndex)].decided = true
        let set = sets[Int(setIndex)]
        for record in set.choices {
            let r = records[Int(record)]
            if r.serial == chosen.serial && !r.rejected {
                records[Int(record)].undecidedSets -= 1
            } else if !r.rejected {
                markRejected(record)
            }
        }
        rememberDecision(set.input, chosen.id)
    }

    /// Marks a transaction rejected: its vertices are doomed, or, when it has none, it is released now.
    private mutating func markRejected(_ record: Int32) {
        records[Int(record)].rejected = true
        let r = records[Int(record)]
        if !r.slots.isEmpty {
            for slot in r.slots { slotDoomed[Int(slot)] = true }
        } else {
            pendingRejected.append(r.transaction)
            detachFromUndecidedSets(record)
            releaseRecord(record)
        }
    }

    private mutating func rememberDecision(_ input: InputID, _ tx: Hash256) {
        decidedInputs.remember(input, for: tx, limit: decidedInputLimit)
    }

    // MARK: - Accepting and rejecting vertices

    /// One pass over the processing vertices in arrival (topological) order: rejects the
    /// doomed, accepts those whose transactions are all chosen and parents all accepted.
    private mutating func settle() -> Decisions {
        var decisions = Decisions()
        decisions.rejectedTransactions = pendingRejected
        pendingRejected.removeAll()
        var remaining: [Int32] = []
        remaining.reserveCapacity(processingOrder.count)
        for slot in processingOrder {
            let s = Int(slot)
            if slotDoomed[s] {
                reject(slot, into: &decisions)
            } else if slotLinks[s].parents.isEmpty && slotLinks[s].transactions.allSatisfy({ records[Int($0)].undecidedSets == 0 }) {
                accept(slot, into: &decisions)
            } else {
                remaining.append(slot)
            }
        }
        processingOrder = remaining
        return decisions
    }

    private mutating func accept(_ slot: Int32, into decisions: inout Decisions) {
        let vertex = slotVertex[Int(slot)]!
        dag.decide(vertex.id, .accepted)
        for record in slotLinks[Int(slot)].transactions {
            let r = records[Int(record)]
            if !r.accepted {
                records[Int(record)].accepted = true
                decisions.acceptedTransactions.append(r.transaction)
                for setIndex in r.sets {
                    // Rejected choices still in doomed vertices no longer look at their sets.
                    setOf.removeValue(forKey: sets[Int(setIndex)].input)
                    sets[Int(setIndex)] = .vacantEntry
                    freeSets.append(setIndex)
                }
            }
            leave(record, slot)
        }
        for child in dag.entry(vertex.id)!.children {
            if let childSlot = dag.tag(of: child.id) { slotLinks[Int(childSlot)].parents.removeAll { $0 == slot } }
        }
        decisions.acceptedVertices.append(vertex)
        releaseSlot(slot, vertex.id)
    }

    private mutating func reject(_ slot: Int32, into decisions: inout Decisions) {
        let vertex = slotVertex[Int(slot)]!
        dag.decide(vertex.id, .rejected)
        for record in slotLinks[Int(slot)].transactions {
            guard !records[Int(record)].vacant else { continue }
            let r = leave(record, slot)
            guard r.slots.isEmpty else { continue }   // still carried by another processing vertex
            if r.rejected {
                decisions.rejectedTransactions.append(r.transaction)
                detachFromUndecidedSets(record)
                releaseRecord(record)
            } else if !r.accepted {
                decisions.orphanedTransactions.append(r.transaction)
            }
        }
        for child in dag.entry(vertex.id)!.children {
            if let childSlot = dag.tag(of: child.id) { slotDoomed[Int(childSlot)] = true }
        }
        decisions.rejectedVertices.append(vertex.id)
        releaseSlot(slot, vertex.id)
        dag.dropRejected(vertex.id)
    }

    /// A rejected transaction stops being a choice of the sets that are still voting; a
    /// set left with no choice is closed (its input stays unspent).
    private mutating func detachFromUndecidedSets(_ record: Int32) {
        for setIndex in records[Int(record)].sets {
            let i = Int(setIndex)
            guard !sets[i].vacant, !sets[i].decided, let position = sets[i].choices.firstIndex(of: record) else { continue }
            sets[i].choices.remove(at: position)
            sets[i].pollVotes.remove(at: position)
            if sets[i].choices.isEmpty {
                setOf.removeValue(forKey: sets[i].input)
                sets[i] = .vacantEntry
                freeSets.append(setIndex)
                liveSets.removeAll { $0 == setIndex }
            }
        }
    }

    /// Takes a decided vertex's slot off a transaction; an accepted transaction no vertex
    /// carries any more is released. Returns the record as it is now.
    @discardableResult
    private mutating func leave(_ record: Int32, _ slot: Int32) -> TransactionRecord {
        records[Int(record)].slots.removeAll { $0 == slot }
        let r = records[Int(record)]
        if r.accepted && r.slots.isEmpty { releaseRecord(record) }
        return r
    }

    private mutating func releaseRecord(_ record: Int32) {
        guard !records[Int(record)].vacant else { return }
        recordOf[records[Int(record)].id] = nil
        records[Int(record)] = .vacantEntry
        freeRecords.append(record)
    }

    private mutating func releaseSlot(_ slot: Int32, _ id: Hash256) {
        let s = Int(slot)
        dag.setTag(-1, for: id)
        slotVertex[s] = nil
        slotLinks[s] = SlotLinks()
        slotDoomed[s] = false
        freeSlots.append(slot)
    }

    // MARK: - Preference

    /// The preferred frontier: strongly preferred processing vertices with no strongly
    /// preferred child, plus accepted frontier vertices with none; sorted by id.
    ///
    /// A vertex is strongly preferred when each of its transactions is preferred in all
    /// its conflict sets and every processing parent is strongly preferred. This is what
    /// a node answers a query with, and what it builds new vertices on.
    public mutating func preferredFrontier() -> [Hash256] {
        if let cached = cachedFrontier {
            guard !frontierArrivals.isEmpty else { return cached }
            let frontier = Self.merged(cached, adding: &frontierArrivals, removing: &frontierArrivalParents)
            cachedFrontier = frontier
            frontierArrivals.removeAll(keepingCapacity: true)
            frontierArrivalParents.removeAll(keepingCapacity: true)
            return frontier
        }
        // The walk below sees every processing vertex, so arrivals noted before the cache
        // was dropped are in it already.
        frontierArrivals.removeAll(keepingCapacity: true)
        frontierArrivalParents.removeAll(keepingCapacity: true)
        var strong = strongScratch
        var hasStrongChild = strongChildScratch
        strong.removeAll(keepingCapacity: true)
        hasStrongChild.removeAll(keepingCapacity: true)
        strong.append(contentsOf: repeatElement(false, count: slotVertex.count))
        hasStrongChild.append(contentsOf: repeatElement(false, count: slotVertex.count))
        defer {
            strongScratch = strong
            strongChildScratch = hasStrongChild
        }
        let frontier = frontier(members: &strong, memberChildren: &hasStrongChild, virtuous: false)
        cachedFrontier = frontier
        return frontier
    }

    /// The virtuous frontier: processing vertices none of whose undecided transactions is
    /// in a dispute this node knows of (each of its conflict sets has that one choice) and
    /// whose processing parents are all virtuous, with no virtuous child; plus accepted
    /// frontier vertices with none; sorted by id. avalanchego's issuer builds new vertices
    /// on it (its `Virtuous()` set), so that no vertex it issues descends from a transaction
    /// still in dispute. Walked at each call: a node issues a vertex far less often than it
    /// answers a query.
    public func virtuousFrontier() -> [Hash256] {
        var virtuous = [Bool](repeating: false, count: slotVertex.count)
        var hasVirtuousChild = virtuous
        return frontier(members: &virtuous, memberChildren: &hasVirtuousChild, virtuous: true)
    }

    /// The walk both frontiers make, parents before children: marks in `members` the
    /// processing vertices whose transactions are all preferred (or, with `virtuous`, all
    /// virtuous) and whose processing parents are all members, and in `memberChildren`
    /// those with a member child; returns the members without one and the accepted
    /// frontier vertices without one, sorted by id. Both arrays come in all false, one
    /// place per slot.
    @inline(__always)
    private func frontier(members: inout [Bool], memberChildren: inout [Bool], virtuous: Bool) -> [Hash256] {
        for slot in processingOrder {
            let s = Int(slot)
            guard !slotDoomed[s], slotLinks[s].parents.allSatisfy({ members[Int($0)] }),
                  slotLinks[s].transactions.allSatisfy({ virtuous ? isVirtuous($0) : isPreferred($0) }) else { continue }
            members[s] = true
            for parent in slotLinks[s].parents { memberChildren[Int(parent)] = true }
        }
        var frontier: [Hash256] = []
        for slot in processingOrder where members[Int(slot)] && !memberChildren[Int(slot)] {
            frontier.append(slotVertex[Int(slot)]!.id)
        }
        for id in dag.acceptedFrontier() {
            let children = dag.entry(id)?.children ?? []
            let buried = children.contains { child in dag.tag(of: child.id).map { members[Int($0)] } ?? false }
            if !buried { frontier.append(id) }
        }
        frontier.sort()
        return frontier
    }

    /// Keeps a valid cached frontier valid across a new processing vertex, without the
    /// full walk: a vertex added with nothing decided changes no preference (a new choice
    /// joins a conflict set without moving its preference) and no other vertex's strength,
    /// so the frontier changes only when the newcomer is strongly preferred, and then it
    /// replaces its parents. Every parent of a new vertex is held, so a parent in the
    /// frontier is either a strong processing vertex or an accepted leaf; both are buried.
    /// The replacement itself waits for the next read (`frontierArrivals`).
    private mutating func updateFrontier(adding slot: Int32) {
        guard cachedFrontier != nil else { return }
        let s = Int(slot)
        if strongScratch.count < slotVertex.count {
            strongScratch.append(contentsOf: repeatElement(false, count: slotVertex.count - strongScratch.count))
        }
        let strong = !slotDoomed[s] && slotLinks[s].parents.allSatisfy({ strongScratch[Int($0)] })
            && slotLinks[s].transactions.allSatisfy({ isPreferred($0) })
        strongScratch[s] = strong
        guard strong else { return }
        let vertex = slotVertex[s]!
        frontierArrivals.append(vertex.id)
        frontierArrivalParents.append(contentsOf: vertex.parents)
        frontierStamp &+= 1
    }

    private mutating func dropCachedFrontier() {
        cachedFrontier = nil
        frontierStamp &+= 1
    }

    /// `frontier` (sorted, distinct) with the `arrivals` and without the `parents`, built
    /// in one pass into a new array, copying the runs between changes whole: the old one
    /// is usually still shared by the messages that carry it, so changing it in place
    /// would copy it first, and inserting and removing one by one would shift it each time.
    /// `arrivals` and `parents` are sorted in place (they are the engine's scratch lists).
    ///
    /// Adding the arrivals one after another, each replacing its parents, gives the same
    /// set: an arrival is never the parent of one added before it (parents are added
    /// first), so removing all the parents at the end removes nothing that an arrival
    /// would have kept.
    static func merged(_ frontier: [Hash256], adding added: inout [Hash256], removing removed: inout [Hash256]) -> [Hash256] {
        removed.sort()
        removed.removeDuplicatesInSortedOrder()
        if added.count > 1 {
            added.removeAll { position(of: $0, inSorted: removed) != nil }     // buried under a later arrival
            added.sort()
        }
        var cuts: [Int] = []            // positions of the removed ids in the frontier, ascending
        for parent in removed {
            if let cut = position(of: parent, inSorted: frontier) { cuts.append(cut) }
        }
        // Copied run by run between the places where an arrival goes in or a parent comes out.
        var result: [Hash256] = []
        result.reserveCapacity(frontier.count + added.count - cuts.count)
        var start = 0, nextCut = 0, nextArrival = 0
        var insertion = added.isEmpty ? Int.max : lowerBound(of: added[0], in: frontier)
        while nextCut < cuts.count || nextArrival < added.count {
            let cut = nextCut < cuts.count ? cuts[nextCut] : Int.max
            if insertion <= cut {
                result.append(contentsOf: frontier[start..<insertion])
                result.append(added[nextArrival])
                start = insertion
                nextArrival += 1
                insertion = nextArrival < added.count ? lowerBound(of: added[nextArrival], in: frontier) : Int.max
            } else {
                result.append(contentsOf: frontier[start..<cut])
                start = cut + 1
                nextCut += 1
            }
        }
        result.append(contentsOf: frontier[start...])
        return result
    }

    /// Where `id` is in the sorted `ids`, if it is there.
    private static func position(of id: Hash256, inSorted ids: [Hash256]) -> Int? {
        let position = lowerBound(of: id, in: ids)
        return position < ids.count && ids[position] == id ? position : nil
    }

    /// The first position in the sorted `ids` whose id is not less than `id`.
    private static func lowerBound(of id: Hash256, in ids: [Hash256]) -> Int {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The preferred frontier computed afresh, ignoring the cache (for tests of the cache).
    func uncachedPreferredFrontier() -> [Hash256] {
        var copy = self
        copy.cachedFrontier = nil
        return copy.preferredFrontier()
    }

    private func isPreferred(_ record: Int32) -> Bool {
        let r = Int(record)
        guard !records[r].vacant, !records[r].rejected else { return false }
        if records[r].accepted { return true }
        let serial = records[r].serial
        for setIndex in records[r].sets where sets[Int(setIndex)].snowball.preference != serial { return false }
        return true
    }

    /// Whether a transaction is in no dispute this node knows of: accepted, or the only
    /// choice in each of its conflict sets.
    private func isVirtuous(_ record: Int32) -> Bool {
        let r = Int(record)
        guard !records[r].vacant, !records[r].rejected else { return false }
        if records[r].accepted { return true }
        for setIndex in records[r].sets where sets[Int(setIndex)].choices.count != 1 { return false }
        return true
    }

    /// Up to `count` parents for a new vertex: the whole preferred frontier (with
    /// `virtuousOnly`, the virtuous frontier, as avalanchego's issuer) when it is no
    /// larger, else `count` of its vertices drawn uniformly at random (with the caller's
    /// generator), sorted by id. avalanchego takes an arbitrary capped list of its frontier.
    ///
    /// A rule every node applies alike (say the highest and the lowest vertices) makes the
    /// nodes that issue at about the same time pick the same leaves, and the frontier grows
    /// instead: on 300 WAN nodes at 100 vertices a second it held about 320 vertices with
    /// the highest and lowest four, about 40 with random picks. Every chit and pull query
    /// names the whole frontier, so its width is paid for in every message.
    public mutating func parentsForNewVertex<G: RandomNumberGenerator>(count: Int, virtuousOnly: Bool = false,
                                                                      using generator: inout G) -> [Hash256] {
        precondition(count >= 1, "a vertex names at least one parent")
        var frontier = virtuousOnly ? virtuousFrontier() : preferredFrontier()
        guard frontier.count > count else { return frontier }
        // A partial Fisher–Yates shuffle: the first `count` places end up a uniform sample.
        for place in 0..<count {
            let pick = place + PeerSampling.uniform(below: frontier.count - place, using: &generator)
            frontier.swapAt(place, pick)
        }
        return frontier[..<count].sorted()
    }

    /// The height a new vertex on `parents` must have.
    public func heightForNewVertex(parents: [Hash256]) -> UInt64 {
        parents.reduce(0) { max($0, (dag.height($1) ?? 0) + 1) }
    }

    // MARK: - Pruning

    /// Releases the accepted prefix of the DAG, keeping the accepted frontier. Returns how many vertices were released.
    ///
    /// The cached preferred frontier stays valid: it names processing vertices and accepted
    /// leaves, and the leaves are kept with their links to their children.
    @discardableResult
    public mutating func prune() -> Int {
        dag.pruneAccepted()
    }
}
