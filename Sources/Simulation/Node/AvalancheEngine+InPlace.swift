import ConsensusCore

/// Reads of a node's engine that go through `inout`.
///
/// A node's engine is a `var` of a class; calling a non-mutating method on it makes
/// Swift copy the whole engine first (it cannot rule out a change during the call), and
/// that copy was a third of the simulator's time in a profile. Through `inout` the
/// engine is read in place.
extension AvalancheEngine {
    mutating func holdsInPlace(_ id: Hash256) -> Bool { holds(id) }
    mutating func holdsInPlace(number: UInt32) -> Bool { holds(number: number) }
    mutating func storedVertexInPlace(_ id: Hash256) -> Vertex? { storedVertex(id) }
    mutating func hasProcessingInPlace() -> Bool { hasProcessing }
    mutating func processingVertexCountInPlace() -> Int { processingVertexCount }
    mutating func heightInPlace(parents: [Hash256]) -> UInt64 { heightForNewVertex(parents: parents) }
    mutating func heldBytesInPlace() -> Int { heldBytes }
}
