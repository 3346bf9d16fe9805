import ConsensusCore

/// Reads of a node's engine that go through `inout`.
///
/// A node's engine is a `var` of a class; calling a non-mutating method on it makes
/// Swift copy the whole engine first (it cannot rule out a change during the call), and
/// that copy was a third of the simulator's time in a profile. Through `inout` the
/// engine is read in place. Only as long as the wrapper is not inlined: inlined, the
/// copy came back before each call into the engine (640 bytes, a quarter of a million
/// times in a short run), so each stays a call of its own.
extension AvalancheEngine {
    @inline(never) mutating func holdsInPlace(_ id: Hash256) -> Bool { holds(id) }
    /// The held bit first; the rest of the test (two table probes, about one test in ten)
    /// out of line, so that the common answer loads none of the tables' fields.
    @inline(never) mutating func holdsInPlace(number: UInt32) -> Bool {
        dag.hasHeldBit(number: number) || holdsWithoutBitInPlace(number: number)
    }
    @inline(never) mutating func holdsWithoutBitInPlace(number: UInt32) -> Bool { holdsWithoutBit(number: number) }
    @inline(never) mutating func storedVertexInPlace(_ id: Hash256) -> Vertex? { storedVertex(id) }
    @inline(never) mutating func hasProcessingInPlace() -> Bool { hasProcessing }
    @inline(never) mutating func processingVertexCountInPlace() -> Int { processingVertexCount }
    @inline(never) mutating func heightInPlace(parents: [Hash256]) -> UInt64 { heightForNewVertex(parents: parents) }
    @inline(never) mutating func heldBytesInPlace() -> Int { heldBytes }
    @inline(never) mutating func forEachVotePassTableInPlace(_ body: (UnsafeRawPointer, Int) -> Void) {
        forEachVotePassTable(body)
    }
    @inline(never) mutating func newestHeldBitsAddressInPlace() -> UnsafeRawPointer? { dag.newestHeldBitsAddress }
}
