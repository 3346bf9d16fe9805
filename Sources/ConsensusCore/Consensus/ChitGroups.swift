/// The answers of one poll, each distinct chit kept once with the number of responders
/// that sent it.
///
/// Honest responders that agree send the same preferred frontier, so a poll of k peers
/// usually holds one to three distinct chits: the vote pass and tallies work per distinct
/// chit, weighted, rather than per answer. Distinct chits keep the order of their first
/// arrival.
///
/// The chits' ids lie one after the other in one array, so that a caller that records
/// poll after poll can keep one value, empty it (`removeAll()` keeps the storage) and fill
/// it again without allocating: an array per chit was several allocations per poll.
public struct ChitGroups: Sendable {
    /// The ids of every distinct chit, in order, one chit after the other.
    private var ids: [Hash256] = []
    /// Where each distinct chit ends in `ids`.
    private var ends: [Int] = []
    /// How many responders sent each distinct chit.
    public private(set) var weights: [Int32] = []
    /// How many answers were added (the sum of `weights`).
    public private(set) var answers = 0

    /// No answers yet.
    public init() {}

    /// The answers `chits`, in order.
    public init(_ chits: [[Hash256]]) {
        for chit in chits { add(chit) }
    }

    /// How many distinct chits there are.
    public var count: Int { ends.count }

    /// The ids of distinct chit `group`.
    @inline(__always)
    public func chit(_ group: Int) -> ArraySlice<Hash256> {
        ids[(group == 0 ? 0 : ends[group - 1])..<ends[group]]
    }

    /// The distinct chits, in order of first arrival.
    public var chits: [[Hash256]] { (0..<count).map { Array(chit($0)) } }

    /// Forgets every answer, keeping the storage for the next poll's.
    public mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        answers = 0
    }

    /// Adds one responder's chit; returns the index of its group (the last one when the
    /// chit is new).
    @discardableResult
    public mutating func add(_ chit: [Hash256]) -> Int { add(chit, weight: 1) }

    /// Adds `weight` responders that sent `chit` (at least one); returns the index of its
    /// group.
    @discardableResult
    public mutating func add(_ chit: [Hash256], weight: Int32) -> Int {
        ids.append(contentsOf: chit)
        return endChit(weight: weight)
    }

    /// Appends an id to the chit being added: its ids one by one with this, then `endChit`.
    @inline(__always)
    public mutating func append(_ id: Hash256) { ids.append(id) }

    /// Ends the chit whose ids were appended since the last one ended: adds `weight`
    /// responders (at least one) that sent it; returns the index of its group.
    @discardableResult
    public mutating func endChit(weight: Int32) -> Int {
        precondition(weight >= 1, "a chit is sent by at least one responder")
        answers += Int(weight)
        // The ids were appended as a new group: merged back if an earlier group has the same.
        let start = ends.last ?? 0
        let length = ids.count - start
        var groupStart = 0
        for group in 0..<ends.count {
            let end = ends[group]
            if end - groupStart == length && Self.same(ids, groupStart, start, length) {
                ids.removeSubrange(start...)
                weights[group] += weight
                return group
            }
            groupStart = end
        }
        ends.append(ids.count)
        weights.append(weight)
        return ends.count - 1
    }

    /// Whether the `length` ids of `ids` from `a` and from `b` are the same (element-wise,
    /// without the generic `==` of collections, which showed in profiles of large runs).
    private static func same(_ ids: [Hash256], _ a: Int, _ b: Int, _ length: Int) -> Bool {
        ids.withUnsafeBufferPointer { ids in
            for offset in 0..<length where ids[a + offset] != ids[b + offset] { return false }
            return true
        }
    }
}
