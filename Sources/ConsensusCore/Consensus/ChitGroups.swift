/// The answers of one poll, each distinct chit kept once with the number of responders
/// that sent it.
///
/// Honest responders that agree send the same preferred frontier, so a poll of k peers
/// usually holds one to three distinct chits: vote walks and tallies work per distinct
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

    /// Adds one responder's chit.
    public mutating func add(_ chit: [Hash256]) {
        answers += 1
        if let index = chits.firstIndex(of: chit) {
            weights[index] += 1
        } else {
            chits.append(chit)
            weights.append(1)
        }
    }
}
