/// A numbering of the vertices of one network, in the order they are registered, with
/// each one's height: shared by many DAGs (the nodes of a simulation) so that each can
/// remember a released vertex in two bits instead of a table entry of its own.
///
/// Whoever creates vertices registers them; the DAGs given the numbering only read it.
/// A DAG remembers a vertex that was never registered in its own table, as without a
/// numbering, so registering is an economy, never a condition of correctness.
///
/// Unchecked Sendable: registering is not synchronised. A simulation that runs nodes on
/// several threads registers only while none of them runs.
public final class VertexNumbering: @unchecked Sendable {
    @usableFromInline var numbers = Hash256Map<UInt32>()
    @usableFromInline var heights: [UInt64] = []

    public init() {}

    /// Number of vertices registered.
    public var count: Int { heights.count }

    /// Registers `vertex` if it is new; returns its number.
    @discardableResult
    public func register(_ vertex: Vertex) -> UInt32 {
        if let known = numbers[vertex.id] { return known }
        let number = UInt32(heights.count)
        numbers[vertex.id] = number
        heights.append(vertex.height)
        return number
    }

    /// The number of a registered vertex.
    @inlinable @inline(__always)
    public func number(of id: Hash256) -> UInt32? { numbers[id] }

    /// The height of the vertex numbered `number`.
    @inlinable @inline(__always)
    public func height(of number: UInt32) -> UInt64 { heights[Int(number)] }
}

/// Released vertices by number, two bits each (released; accepted or rejected), over a
/// window of numbers that slides forward: it always covers the `limit` numbers before the
/// newest released, and when it spans a quarter more, the oldest words are forgotten, as
/// the oldest tombstones of a table are.
@usableFromInline
struct ReleasedVertices: Sendable {
    /// The number of the first bit of the first word (a multiple of 64).
    @usableFromInline var base = 0
    @usableFromInline var released: [UInt64] = []
    @usableFromInline var accepted: [UInt64] = []
    /// Vertices remembered.
    @usableFromInline private(set) var count = 0

    @usableFromInline init() {}

    /// The status of released vertex `number`, or nil when it was not released (or forgotten).
    @inlinable @inline(__always)
    func status(_ number: UInt32) -> VertexStatus? {
        let offset = Int(number) - base
        guard offset >= 0 else { return nil }
        let word = offset >> 6
        guard word < released.count else { return nil }
        let bit = UInt64(1) << UInt64(offset & 63)
        guard released[word] & bit != 0 else { return nil }
        return accepted[word] & bit != 0 ? .accepted : .rejected
    }

    /// Remembers vertex `number` as released with `status`; returns the change in the
    /// number remembered (one more, or less when older ones are forgotten for room; zero
    /// for a number already behind the window).
    mutating func insert(_ number: UInt32, _ status: VertexStatus, limit: Int) -> Int {
        let before = count
        let offset = Int(number) - base
        guard offset >= 0 else { return 0 }
        let word = offset >> 6
        if word >= released.count {
            let missing = word + 1 - released.count
            released.append(contentsOf: repeatElement(0, count: missing))
            accepted.append(contentsOf: repeatElement(0, count: missing))
        }
        let bit = UInt64(1) << UInt64(offset & 63)
        if released[word] & bit == 0 { count += 1 }
        released[word] |= bit
        if status == .accepted { accepted[word] |= bit } else { accepted[word] &= ~bit }
        // Keep whole words holding at least the last `limit` numbers below the newest word,
        // and forget in steps of a quarter of that, so that the words move rarely.
        let kept = (max(0, limit) + 63) >> 6 + 1
        if released.count > kept + max(1, kept >> 2) {
            let dropped = released.count - kept
            for old in released[..<dropped] { count -= old.nonzeroBitCount }
            released.removeFirst(dropped)
            accepted.removeFirst(dropped)
            base += dropped << 6
        }
        return count - before
    }
}
