/// The answers of one poll, each distinct chit kept once with the number of responders
/// that sent it.
///
/// Honest responders that agree send the same preferred frontier, so a poll of k peers
/// usually holds one to three distinct chits: the vote pass and tallies work per distinct
/// chit, weighted, rather than per answer. Distinct chits keep the order of their first
/// arrival.
public struct ChitGroups: Sendable {
    /// The distinct chits, in order of first arrival.
    public private(set) var chits: [[Hash256]] = []
    /// How many responders sent each of `chits`.
    public private(set) var weights: [Int32] = []
    /// How many answers were added (the sum of `weights`).
    public private(set) var answers = 0

    /// No answers yet.
    public init() {}

    /// The answers `chits`, in order.
    public init(_ chits: [[Hash256]]) {
        for chit in chits { add(chit) }
    }

    /// Adds one responder's chit; returns the index of its group in `chits` (the last
    /// one when the chit is new).
    @discardableResult
    public mutating func add(_ chit: [Hash256]) -> Int { add(chit, weight: 1) }

    /// Adds `weight` responders that sent `chit` (at least one); returns the index of its
    /// group in `chits`.
    @discardableResult
    public mutating func add(_ chit: [Hash256], weight: Int32) -> Int {
        precondition(weight >= 1, "a chit is sent by at least one responder")
        answers += Int(weight)
        for index in chits.indices where Self.same(chits[index], chit) {
            weights[index] += weight
            return index
        }
        chits.append(chit)
        weights.append(weight)
        return chits.count - 1
    }

    /// Element-wise equality of two chits, without the generic `==` of arrays (which
    /// showed in profiles of large runs).
    private static func same(_ a: [Hash256], _ b: [Hash256]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                if x.baseAddress == y.baseAddress { return true }
                for index in 0..<x.count where x[index] != y[index] { return false }
                return true
            }
        }
    }
}
