/// A numbering of the vertices of one network, in the order they are registered, with
/// each one's height, and of the spends of their transactions (an input and a transaction
/// spending it): shared by many engines (the nodes of a simulation) so that each can
/// remember a released vertex, or the transaction an input was decided for, in a bit or
/// two instead of a table entry of its own.
///
/// Whoever creates vertices registers them; the engines given the numbering only read it.
/// An engine remembers what was never registered in its own tables, as without a
/// numbering, so registering is an economy, never a condition of correctness.
///
/// Unchecked Sendable: registering is not synchronised. A simulation that runs nodes on
/// several threads registers only while none of them runs.
public final class VertexNumbering: @unchecked Sendable {
    @usableFromInline var numbers = Hash256Map<UInt32>()
    @usableFromInline var heights: [UInt64] = []
    /// The id of each number.
    @usableFromInline var ids: [Hash256] = []
    /// Spends by input, and each spend's transaction. A dictionary: it is only looked up.
    private var spendsOf: [InputID: [UInt32]] = [:]
    private var spendTransactions: [Hash256] = []

    public init() {}

    /// Number of vertices registered.
    public var count: Int { heights.count }

    /// Registers `vertex` and the spends of its transactions if it is new; returns its number.
    @discardableResult
    public func register(_ vertex: Vertex) -> UInt32 {
        if let known = numbers[vertex.id] { return known }
        precondition(heights.count < Int(UInt32.max), "a numbering holds fewer than 2^32 - 1 vertices")
        let number = UInt32(heights.count)
        numbers[vertex.id] = number
        heights.append(vertex.height)
        ids.append(vertex.id)
        for tx in vertex.transactions {
            for input in tx.inputs where spend(of: input, by: tx.id) == nil {
                spendsOf[input, default: []].append(UInt32(spendTransactions.count))
                spendTransactions.append(tx.id)
            }
        }
        return number
    }

    /// The spends of `input` registered so far, in order of registration.
    func spends(of input: InputID) -> [UInt32] { spendsOf[input] ?? [] }

    /// The number of the spend of `input` by transaction `tx`, if registered.
    func spend(of input: InputID, by tx: Hash256) -> UInt32? {
        spendsOf[input]?.first { spendTransactions[Int($0)] == tx }
    }

    /// The transaction of spend `number`.
    func transaction(ofSpend number: UInt32) -> Hash256 { spendTransactions[Int(number)] }

    /// The number of a registered vertex.
    @inlinable @inline(__always)
    public func number(of id: Hash256) -> UInt32? {
        // Through the index, so that the lookup is inlined where it is made.
        let (index, found) = numbers.probe(id)
        return found ? numbers.values[index].unsafelyUnwrapped : nil
    }

    /// The id of the vertex numbered `number`.
    @inlinable @inline(__always)
    public func id(ofNumber number: UInt32) -> Hash256 { ids[Int(number)] }

    /// The height of the vertex numbered `number`.
    @inlinable @inline(__always)
    public func height(of number: UInt32) -> UInt64 { heights[Int(number)] }
}

/// A set of numbers, with a mark each when it keeps marks (a bit per number, two with
/// marks), over a window of numbers that slides forward: it always covers the `limit`
/// numbers before the newest inserted, and when it spans a quarter more, the oldest words
/// are forgotten, as the oldest entries of a bounded table are. A DAG keeps its released
/// vertices in one (marked: accepted) and the vertices it holds in another, an engine the
/// spends its conflict sets were decided for.
@usableFromInline
struct NumberWindow: Sendable {
    /// The number of the first bit of the first word (a multiple of 64).
    @usableFromInline var base = 0
    @usableFromInline var members: [UInt64] = []
    /// Empty in a window that keeps no marks.
    @usableFromInline var marks: [UInt64] = []
    private let keepsMarks: Bool
    /// Numbers held.
    @usableFromInline private(set) var count = 0

    @usableFromInline init(keepsMarks: Bool) {
        self.keepsMarks = keepsMarks
    }

    /// Whether `number` is held, and then whether it is marked (never, in a window that
    /// keeps no marks); nil when it is not held (or was forgotten).
    @inlinable @inline(__always)
    func lookup(_ number: UInt32) -> Bool? {
        guard let (word, bit) = place(of: number), members[word] & bit != 0 else { return nil }
        return !marks.isEmpty && marks[word] & bit != 0
    }

    /// Whether `number` is held: `lookup(number) != nil` without reading the marks.
    @inlinable @inline(__always)
    func contains(_ number: UInt32) -> Bool {
        guard let (word, bit) = place(of: number) else { return false }
        return members[word] & bit != 0
    }

    /// The word and bit of `number` in `members`, if the window reaches it.
    @inlinable @inline(__always)
    func place(of number: UInt32) -> (word: Int, bit: UInt64)? {
        let offset = Int(number) - base
        guard offset >= 0 else { return nil }
        let word = offset >> 6
        guard word < members.count else { return nil }
        return (word, UInt64(1) << UInt64(offset & 63))
    }

    /// Holds `number`, marked or not (`marked` is ignored where no marks are kept); returns
    /// the change in the count (one more, or less when older numbers are forgotten for
    /// room; zero for a number already held or already behind the window).
    mutating func insert(_ number: UInt32, marked: Bool, limit: Int) -> Int {
        let before = count
        let offset = Int(number) - base
        guard offset >= 0 else { return 0 }
        let word = offset >> 6
        if word >= members.count {
            let missing = word + 1 - members.count
            members.append(contentsOf: repeatElement(0, count: missing))
            if keepsMarks { marks.append(contentsOf: repeatElement(0, count: missing)) }
        }
        let bit = UInt64(1) << UInt64(offset & 63)
        if members[word] & bit == 0 { count += 1 }
        members[word] |= bit
        if keepsMarks {
            if marked { marks[word] |= bit } else { marks[word] &= ~bit }
        }
        // Keep whole words holding at least the last `limit` numbers below the newest word,
        // and forget in steps of a quarter of that, so that the words move rarely.
        let kept = (max(0, limit) + 63) >> 6 + 1
        if members.count > kept + max(1, kept >> 2) { dropWords(members.count - kept) }
        return count - before
    }

    /// Forgets every number below `number` (rounded down to a word).
    mutating func forget(below number: Int) {
        let words = min(members.count, (number - base) >> 6)
        if words > 0 { dropWords(words) }
    }

    private mutating func dropWords(_ dropped: Int) {
        for old in members[..<dropped] { count -= old.nonzeroBitCount }
        members.removeFirst(dropped)
        if keepsMarks { marks.removeFirst(dropped) }
        base += dropped << 6
    }
}
