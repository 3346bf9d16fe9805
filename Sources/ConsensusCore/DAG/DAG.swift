/// Where a vertex stands in consensus.
public enum VertexStatus: UInt8, Sendable {
    /// Known, not yet decided.
    case processing
    /// Decided in: every transaction accepted and every parent accepted.
    case accepted
    /// Decided out: one of its transactions or parents was rejected.
    case rejected
}

/// Why the DAG refused a vertex. A refused vertex leaves no trace.
public enum DAGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The vertex is already in the DAG (or was pruned or rejected earlier).
    case duplicate(Hash256)
    /// A parent is not known to this DAG.
    case missingParent(vertex: Hash256, parent: Hash256)
    /// The id does not match the hash of the vertex's encoding.
    case hashMismatch(claimed: Hash256, computed: Hash256)
    /// The signature does not verify under the creator's key.
    case badSignature(Hash256)
    /// Signatures are checked and the creator has no registered key.
    case unknownCreator(NodeID)
    /// The height is not one more than the highest parent.
    case wrongHeight(vertex: Hash256, expected: UInt64, found: UInt64)

    public var description: String {
        switch self {
        case let .duplicate(id): "duplicate vertex \(id.hex.prefix(16))"
        case let .missingParent(vertex, parent): "vertex \(vertex.hex.prefix(16)) has unknown parent \(parent.hex.prefix(16))"
        case let .hashMismatch(claimed, computed): "vertex id \(claimed.hex.prefix(16)) does not match its content (\(computed.hex.prefix(16)))"
        case let .badSignature(id): "vertex \(id.hex.prefix(16)) has an invalid signature"
        case let .unknownCreator(node): "no verifying key for creator \(node)"
        case let .wrongHeight(vertex, expected, found): "vertex \(vertex.hex.prefix(16)) has height \(found), expected \(expected)"
        }
    }
}

/// Which checks `DAG.add` performs on a new vertex.
public struct VertexChecks: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Recompute the id from the encoding.
    public static let hash = VertexChecks(rawValue: 1)
    /// Verify the ML-DSA signature with the creator's registered key.
    public static let signature = VertexChecks(rawValue: 2)
    /// Both.
    public static let all: VertexChecks = [.hash, .signature]
}

/// A DAG of vertices with parent and child links, a frontier, and pruning of its
/// accepted prefix.
///
/// Pruning releases a vertex's body and links and keeps a tombstone (id and height)
/// so that later vertices may still name it as a parent. All orders this type
/// returns are derived from ids and heights, never from hash-table iteration.
public struct DAG: Sendable {
    /// One stored vertex and what the DAG knows about it.
    public struct Entry: Sendable {
        /// The vertex itself.
        public let vertex: Vertex
        /// Known children, in arrival order: the vertices themselves, whose bodies are
        /// shared, since a reference takes 8 bytes where an id takes 32 (a vertex has
        /// about as many children as parents, five by default, in every node that holds it).
        public internal(set) var children: [Vertex]
        /// Its consensus status.
        public internal(set) var status: VertexStatus
        /// Whether the vertex is on the frontier: not rejected, and without a child that
        /// is not rejected.
        var isLeaf: Bool
        /// A number the DAG's owner keeps with the vertex, -1 when none: the engine's
        /// processing slot, which a table of its own would key by id a second time.
        /// (It fills what was padding: an entry stays 32 bytes.)
        public internal(set) var tag: Int32 = -1
        /// The vertex's height, kept beside the links so that walks by height read the
        /// entry only, not the vertex object it points to.
        let height: UInt64

        /// Appends a child, making room for several at the first: a vertex usually gets
        /// a few children, and growing from one by doubling reallocated three times.
        mutating func addChild(_ child: Vertex) {
            if children.isEmpty { children.reserveCapacity(DAG.initialChildCapacity) }
            children.append(child)
        }
    }

    /// Room reserved for children when a vertex gets its first.
    static let initialChildCapacity = 4

    /// Numbered vertices this DAG stores or has released and still remembers: a lookup
    /// that finds a number here needs no probe of the DAG's own table (the numbering's,
    /// shared by every node, is the one the caches keep). It never holds a number the
    /// DAG has forgotten, but may miss one stored before it was numbered. (Declared first:
    /// the test most messages make reads it and usually nothing else of the DAG.)
    @usableFromInline private(set) var held = NumberWindow(keepsMarks: false)

    // Open-addressing maps keyed by the (uniform) id bits: a membership test is the
    // simulator's most frequent operation, and `Dictionary`'s seeded hashing of 32-byte
    // keys was the largest single cost of a run.
    //
    // Both maps are visible to inlined code so that a simulator reads them where they lie:
    // a call from another module copied the whole DAG onto the stack at every lookup.
    @usableFromInline private(set) var entries = Hash256Map<Entry>()
    /// What stays of a released vertex: enough to accept or refuse vertices that name it.
    @usableFromInline struct Tombstone: Sendable {
        @usableFromInline init(height: UInt64, status: VertexStatus) {
            self.height = height
            self.status = status
        }
        @usableFromInline var height: UInt64
        @usableFromInline var status: VertexStatus
    }

    /// Released vertices: accepted ones pruned, rejected ones dropped (those the
    /// numbering does not know, or all of them without a numbering).
    @usableFromInline private(set) var tombstones = Hash256Map<Tombstone>()
    /// Released vertices the numbering knows, two bits each; their heights are the numbering's.
    @usableFromInline private(set) var released = NumberWindow(keepsMarks: true)
    /// The network's numbering of vertices, when the DAG shares one (see ``VertexNumbering``).
    @usableFromInline let numbering: VertexNumbering?
    /// Stored vertices that had no number when they were stored (a node adds the vertex it
    /// issues before the network numbers it), and so no held bit. While there are none, a
    /// number at or above the held window's base that has no bit is not stored, and the
    /// held test needs no probe of `entries` (see `containsUnmarkedNumbering`).
    private(set) var unnumberedStored: [Hash256] = []
    /// The numbering's count when `unnumberedStored` was last looked through.
    private var unnumberedCheckedAt = 0
    /// Tombstone ids in the order they were made, for forgetting the oldest.
    private var tombstoneQueue: [Hash256] = []
    private var tombstoneQueueHead = 0
    /// How many tombstones are remembered; the oldest beyond this are forgotten, so a
    /// long run holds bounded state (a real node would keep them on disk). Vertices
    /// name recent frontier vertices as parents, far inside this horizon. With a
    /// numbering, what is kept is the last `tombstoneLimit` numbers or more (a window
    /// forgotten a quarter at a time), which holds about as many.
    public var tombstoneLimit = 1 << 16
    /// Accepted vertices without accepted children: what pruning keeps.
    private var acceptedLeaves = Hash256Map<Void>()
    /// Accepted vertices still stored, in acceptance order (the pruning queue).
    private var acceptedQueue: [Hash256] = []
    private var acceptedQueueHead = 0

    /// Checks `add` performs.
    public var checks: VertexChecks
    /// Verifying keys by creator, used when `checks` contains `.signature`.
    public var keys: [NodeID: VerifyingKey]
    /// Bytes held: vertex encodings, signatures, links and tombstones (an estimate of a real node's heap).
    public private(set) var heldBytes = 0

    /// Per-vertex bookkeeping beyond the vertex's own bytes: the entry, its hash-table slot and leaf sets.
    public static let entryOverheadBytes = 96
    /// Bytes one tombstone occupies: a 32-byte id, an 8-byte height, and hash-table overhead.
    public static let tombstoneBytes = 56

    /// Creates an empty DAG; with a `numbering`, it remembers the released vertices the
    /// numbering knows by number.
    public init(checks: VertexChecks = [], keys: [NodeID: VerifyingKey] = [:], numbering: VertexNumbering? = nil) {
        self.checks = checks
        self.keys = keys
        self.numbering = numbering
    }

    /// Number of stored (not pruned) vertices.
    public var count: Int { entries.count }
    /// Number of released vertices remembered by tombstone.
    public var prunedCount: Int { tombstones.count + released.count }

    /// Whether `id` is stored or was pruned.
    @inlinable @inline(__always)
    public func contains(_ id: Hash256) -> Bool {
        if let numbering, let number = numbering.number(of: id) {
            return held.contains(number) || containsUnmarked(number, id)
        }
        return entries.contains(id) || tombstones.contains(id)
    }

    /// Whether the DAG holds the vertex numbered `number` in its numbering, as `contains`
    /// answers for its id, without looking the number up; the DAG must have a numbering.
    @inlinable @inline(__always)
    public func contains(number: UInt32) -> Bool {
        hasHeldBit(number: number) || containsUnmarked(number: number)
    }

    /// Whether the vertex numbered `number` has its bit among the held: the first test of
    /// `contains(number:)`, which answers most of them; false says nothing (the vertex may
    /// have been stored before it was numbered, or released).
    @inlinable @inline(__always)
    public func hasHeldBit(number: UInt32) -> Bool { held.contains(number) }

    /// Where the held bits of the newest numbers lie, the ones most tests read: for a cache
    /// hint, never to be read through (nil while there are none).
    @inlinable
    public var newestHeldBitsAddress: UnsafeRawPointer? {
        held.members.withUnsafeBufferPointer { bits in
            bits.isEmpty ? nil : UnsafeRawPointer(bits.baseAddress! + (bits.count - 1))
        }
    }

    /// The rest of `contains(number:)`: whether the vertex numbered `number` is held though
    /// its bit is not set.
    @inlinable @inline(__always)
    public func containsUnmarked(number: UInt32) -> Bool { containsUnmarked(number, numbering!.id(ofNumber: number)) }

    /// Whether numbered vertex `id` is held though its bit in `held` is not set: stored
    /// before it was numbered, or released.
    @inlinable @inline(__always)
    func containsUnmarked(_ number: UInt32, _ id: Hash256) -> Bool {
        entries.contains(id) || tombstones.contains(id) || released.lookup(number) != nil
    }

    /// `containsUnmarked(number:)` (for a number whose bit was found unset), without the
    /// table probes where they cannot answer yes. A numbered vertex gets its bit when it is
    /// stored or released, and loses it only when the window moves past it; so once every
    /// stored vertex has a number, a number at or above the window's base without its bit
    /// is neither stored nor released with a number, and only the tombstones of vertices
    /// released without one can still hold it. Stored vertices that were not numbered when
    /// stored get their bits first, once per change of the numbering. (The bit is read
    /// again: it may have been given since the caller looked.)
    ///
    /// Mutating, and so passed in place: a non-mutating method of the DAG that is not
    /// inlined copies the whole DAG at each call when the DAG lies in a class's storage.
    public mutating func containsUnmarkedNumbering(number: UInt32) -> Bool {
        if !unnumberedStored.isEmpty { markNewlyNumbered() }
        if unnumberedStored.isEmpty && Int(number) >= held.base {
            return held.contains(number) || (!tombstones.isEmpty && tombstones.contains(numbering!.id(ofNumber: number)))
        }
        return held.contains(number) || containsUnmarked(number: number)
    }

    /// Gives held bits to stored vertices numbered since they were stored, and forgets
    /// those released since (their release kept them by number or by tombstone).
    private mutating func markNewlyNumbered() {
        guard let numbering, numbering.count != unnumberedCheckedAt else { return }
        unnumberedCheckedAt = numbering.count
        var waiting: [Hash256] = []
        swap(&waiting, &unnumberedStored)
        for id in waiting where entries.contains(id) {
            if let number = numbering.number(of: id) { noteHeld(number) } else { unnumberedStored.append(id) }
        }
    }

    /// Whether `id` was released (pruned when accepted, dropped when rejected).
    public func isPruned(_ id: Hash256) -> Bool { tombstone(id) != nil }

    /// What is remembered of released vertex `id`, if anything.
    @inlinable @inline(__always)
    func tombstone(_ id: Hash256) -> Tombstone? {
        if let kept = tombstones[id] { return kept }
        guard let numbering, released.count > 0, let number = numbering.number(of: id),
              let accepted = released.lookup(number) else { return nil }
        return Tombstone(height: numbering.height(of: number), status: accepted ? .accepted : .rejected)
    }
    /// The stored vertex with `id`, if any.
    @inlinable @inline(__always)
    public func vertex(_ id: Hash256) -> Vertex? {
        let (index, found) = entries.probe(id)
        return found ? entries.values[index].unsafelyUnwrapped.vertex : nil
    }
    /// The stored entry for `id`, if any.
    public func entry(_ id: Hash256) -> Entry? { entries[id] }

    /// The tag of stored vertex `id`, or nil when it is not stored or has none.
    @inlinable @inline(__always)
    public func tag(of id: Hash256) -> Int32? {
        let (index, found) = entries.probe(id)
        guard found else { return nil }
        let tag = entries.values[index].unsafelyUnwrapped.tag
        return tag >= 0 ? tag : nil
    }

    /// Sets the tag of stored vertex `id` (-1 for none).
    public mutating func setTag(_ tag: Int32, for id: Hash256) {
        let (index, found) = entries.probe(id)
        precondition(found, "a tag for a vertex the DAG does not store")
        entries.values[index]!.tag = tag
    }
    /// The status of a stored or released vertex.
    public func status(_ id: Hash256) -> VertexStatus? { entries[id]?.status ?? tombstone(id)?.status }

    /// The height of a stored or released vertex.
    public func height(_ id: Hash256) -> UInt64? {
        // Read in place through the index: `entries[id]` would copy the entry.
        let (index, found) = entries.probe(id)
        if found { return entries.values[index]!.height }
        return tombstone(id)?.height
    }

    /// Adds `vertex` after checking it; on error nothing changes.
    public mutating func add(_ vertex: Vertex) throws(DAGError) {
        // Each parent's entry is looked up once, while checking, and changed in place
        // through the bucket found then: nothing changes the table's layout in between.
        let outcome: Result<Void, DAGError> = withUnsafeTemporaryAllocation(
            of: Int.self, capacity: vertex.parents.count
        ) { parentBuckets in
            do throws(DAGError) {
                try check(vertex, parentBuckets: parentBuckets.baseAddress)
            } catch {
                return .failure(error)
            }
            store(vertex, status: .processing, parentBuckets: parentBuckets.baseAddress)
            return .success(())
        }
        try outcome.get()
    }

    /// Checks everything `add` checks, without changing the DAG.
    public func validate(_ vertex: Vertex) throws(DAGError) {
        try check(vertex, parentBuckets: nil)
    }

    /// The checks of `validate`. When `parentBuckets` is given, it receives for each
    /// parent, in order, the bucket of its entry (-1 for a pruned parent).
    private func check(_ vertex: Vertex, parentBuckets: UnsafeMutablePointer<Int>?) throws(DAGError) {
        let id = vertex.id
        guard !contains(id) else { throw .duplicate(id) }
        var expectedHeight: UInt64 = 0
        for (position, parent) in vertex.parents.enumerated() {
            let parentHeight: UInt64
            let (index, found) = entries.probe(parent)
            if found {
                parentHeight = entries.values[index]!.height
                parentBuckets?.advanced(by: position).initialize(to: index)
            } else if let tombstone = tombstone(parent) {
                parentHeight = tombstone.height
                parentBuckets?.advanced(by: position).initialize(to: -1)
            } else {
                throw .missingParent(vertex: id, parent: parent)
            }
            expectedHeight = max(expectedHeight, parentHeight + 1)
        }
        guard vertex.height == expectedHeight else {
            throw .wrongHeight(vertex: id, expected: expectedHeight, found: vertex.height)
        }
        if checks.contains(.hash) {
            let computed = vertex.computeID()
            guard computed == id else { throw .hashMismatch(claimed: id, computed: computed) }
        }
        if checks.contains(.signature) {
            guard let key = keys[vertex.creator] else { throw .unknownCreator(vertex.creator) }
            guard vertex.hasValidSignature(for: key) else { throw .badSignature(id) }
        }
    }

    /// Stores a vertex already known to be valid, e.g. a genesis vertex as accepted.
    public mutating func insert(_ vertex: Vertex, status: VertexStatus) {
        precondition(!contains(vertex.id), "insert of a vertex the DAG already holds")
        store(vertex, status: status, parentBuckets: nil)
    }

    /// Stores a vertex that is not in the DAG yet, linking it to its stored parents;
    /// `parentBuckets`, when given, holds what `check` found for them.
    private mutating func store(_ vertex: Vertex, status: VertexStatus, parentBuckets: UnsafePointer<Int>?) {
        let id = vertex.id
        if let numbering {
            if let number = numbering.number(of: id) {
                noteHeld(number)
            } else {
                // Looked through here too, so that the list stays short where the held test is not asked.
                if unnumberedStored.count >= 64 { markNewlyNumbered() }
                unnumberedStored.append(id)
            }
        }
        let live = status != .rejected
        for (position, parent) in vertex.parents.enumerated() {
            // At most one hash-table lookup, the entry changed in place. A parent that is
            // not stored (pruned) is not a leaf either.
            let index: Int
            if let parentBuckets {
                index = parentBuckets[position]
            } else {
                let (bucket, found) = entries.probe(parent)
                index = found ? bucket : -1
            }
            guard index >= 0 else { continue }
            entries.values[index]!.addChild(vertex)
            if live { entries.values[index]!.isLeaf = false }
        }
        entries[id] = Entry(vertex: vertex, children: [], status: status, isLeaf: live, height: vertex.height)
        heldBytes += Self.bytes(of: vertex)
        if status == .accepted { noteAccepted(vertex) }
    }

    /// Sets the status of a processing vertex to accepted or rejected.
    public mutating func decide(_ id: Hash256, _ status: VertexStatus) {
        precondition(status != .processing, "a decision is accepted or rejected")
        // One lookup per vertex, changed in place: deciding changes no table's layout.
        let (index, found) = entries.probe(id)
        guard found else { preconditionFailure("decide on an unknown vertex") }
        precondition(entries.values[index]!.status == .processing, "a decided vertex is never decided again")
        entries.values[index]!.status = status
        let vertex = entries.values[index]!.vertex
        if status == .accepted {
            noteAccepted(vertex)
            return
        }
        entries.values[index]!.isLeaf = false
        // A stored parent that is not rejected is a leaf again when no live child is left.
        for parent in vertex.parents {
            let (slot, stored) = entries.probe(parent)
            guard stored, entries.values[slot]!.status != .rejected else { continue }
            let hasLiveChild = entries.values[slot]!.children.contains { entries[$0.id]?.status != .rejected }
            if !hasLiveChild { entries.values[slot]!.isLeaf = true }
        }
    }

    private mutating func noteAccepted(_ vertex: Vertex) {
        for parent in vertex.parents { acceptedLeaves.removeValue(forKey: parent) }
        acceptedLeaves[vertex.id] = ()
        acceptedQueue.append(vertex.id)
    }

    /// Parent ids of `id` (sorted ascending), or nil when unknown or pruned.
    public func parents(of id: Hash256) -> [Hash256]? { entries[id]?.vertex.parents }

    /// Known child ids of `id`, sorted ascending, or nil when unknown or pruned.
    public func children(of id: Hash256) -> [Hash256]? { entries[id].map { $0.children.map(\.id).sorted() } }

    /// Every stored ancestor of `id` (not `id` itself), in topological order.
    public func ancestors(of id: Hash256) -> [Hash256] {
        guard let start = entries[id] else { return [] }
        var seen: Set<Hash256> = []
        var stack = start.vertex.parents
        var found: [(UInt64, Hash256)] = []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted, let entry = entries[next] else { continue }
            found.append((entry.vertex.height, next))
            stack.append(contentsOf: entry.vertex.parents)
        }
        return found.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.1)
    }

    /// Non-rejected vertices with no non-rejected child, sorted ascending.
    ///
    /// Found by a pass over the stored vertices, whose entries carry the flag: no caller
    /// needs it on a hot path, so adding and deciding vertices keep no set of them.
    public func frontier() -> [Hash256] {
        var found: [Hash256] = []
        entries.forEach { id, entry in if entry.isLeaf { found.append(id) } }
        return found.sorted()
    }

    /// Accepted vertices with no accepted child, sorted ascending.
    public func acceptedFrontier() -> [Hash256] { Self.sortedKeys(of: acceptedLeaves) }

    private static func sortedKeys(of set: Hash256Map<Void>) -> [Hash256] {
        var ids: [Hash256] = []
        ids.reserveCapacity(set.count)
        set.forEach { id, _ in ids.append(id) }
        ids.sort()
        return ids
    }

    /// Every stored vertex ordered by (height, id): parents always come before children.
    public func topologicalOrder() -> [Hash256] {
        let count = entries.count
        var ids: [Hash256] = []
        ids.reserveCapacity(count)
        var heights: [UInt64] = []
        heights.reserveCapacity(count)
        var lowest = UInt64.max
        var highest: UInt64 = 0
        // The table's order does not matter: the ids are sorted by (height, id) below.
        // Through indices, so that the entries are read in place.
        for index in entries.values.indices {
            guard let height = entries.values[index]?.height else { continue }
            let id = entries.keys[index]
            ids.append(id)
            heights.append(height)
            lowest = min(lowest, height)
            highest = max(highest, height)
        }
        guard count > 1 else { return ids }
        let span = highest - lowest
        guard span < UInt64(2 * count) else {
            // Heights far apart (an old vertex kept beside recent ones): compare pairs.
            var keyed = Array(zip(heights, ids))
            keyed.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            return keyed.map(\.1)
        }
        // Counting sort by height: each vertex's slot comes from the number of vertices
        // below its height; then each height's few vertices are put in id order.
        var starts = [Int](repeating: 0, count: Int(span) + 2)
        for height in heights { starts[Int(height - lowest) + 1] += 1 }
        for level in 1..<starts.count { starts[level] += starts[level - 1] }
        return [Hash256](unsafeUninitializedCapacity: count) { order, initialized in
            var next = starts
            for index in 0..<count {
                let level = Int(heights[index] - lowest)
                (order.baseAddress! + next[level]).initialize(to: ids[index])
                next[level] += 1
            }
            initialized = count
            for level in 0..<(starts.count - 1) where starts[level + 1] - starts[level] > 1 {
                Self.sortIDs(UnsafeMutableBufferPointer(rebasing: order[starts[level]..<starts[level + 1]]))
            }
        }
    }

    /// Sorts a few ids in place: insertion sort for the usual handful, else the library sort.
    private static func sortIDs(_ ids: UnsafeMutableBufferPointer<Hash256>) {
        guard ids.count <= 16 else { var all = ids; all.sort(); return }
        for end in 1..<ids.count {
            let id = ids[end]
            var slot = end
            while slot > 0 && id < ids[slot - 1] {
                ids[slot] = ids[slot - 1]
                slot -= 1
            }
            ids[slot] = id
        }
    }

    /// Releases accepted vertices that are not on the accepted frontier, keeping
    /// tombstones; drops rejected vertices whose parents are decided. Returns how many were released.
    @discardableResult
    public mutating func pruneAccepted() -> Int {
        var released = 0
        var kept: [Hash256] = []
        while acceptedQueueHead < acceptedQueue.count {
            let id = acceptedQueue[acceptedQueueHead]
            acceptedQueueHead += 1
            if acceptedLeaves.contains(id) { kept.append(id); continue }
            guard let entry = entries.removeValue(forKey: id) else { continue }
            remember(id, Tombstone(height: entry.vertex.height, status: .accepted))
            heldBytes -= Self.bytes(of: entry.vertex)
            released += 1
        }
        acceptedQueue = kept
        acceptedQueueHead = 0
        return released
    }

    /// Releases a rejected vertex's body, keeping a tombstone so that it is not taken again.
    public mutating func dropRejected(_ id: Hash256) {
        guard let entry = entries[id], entry.status == .rejected else { return }
        entries[id] = nil
        remember(id, Tombstone(height: entry.vertex.height, status: .rejected))
        for parent in entry.vertex.parents {
            let (index, found) = entries.probe(parent)
            guard found else { continue }
            entries.values[index]!.children.removeAll { $0.id == id }
        }
        heldBytes -= Self.bytes(of: entry.vertex)
    }

    private mutating func remember(_ id: Hash256, _ tombstone: Tombstone) {
        if let numbering, let number = numbering.number(of: id) {
            heldBytes += Self.tombstoneBytes * released.insert(number, marked: tombstone.status == .accepted, limit: tombstoneLimit)
            noteHeld(number)
            return
        }
        tombstones[id] = tombstone
        tombstoneQueue.append(id)
        heldBytes += Self.tombstoneBytes
        while tombstones.count > tombstoneLimit {
            let oldest = tombstoneQueue[tombstoneQueueHead]
            tombstoneQueueHead += 1
            if tombstones.removeValue(forKey: oldest) != nil { heldBytes -= Self.tombstoneBytes }
        }
        if tombstoneQueueHead > 4096 && tombstoneQueueHead * 2 > tombstoneQueue.count {
            tombstoneQueue.removeFirst(tombstoneQueueHead)
            tombstoneQueueHead = 0
        }
    }

    /// Notes numbered vertex `number` as held, forgetting what the released window forgot.
    private mutating func noteHeld(_ number: UInt32) {
        _ = held.insert(number, marked: false, limit: tombstoneLimit)
        held.forget(below: released.base)
    }

    static func bytes(of vertex: Vertex) -> Int {
        vertex.unsignedSize + vertex.signature.count + entryOverheadBytes + 32 * 2
    }
}
