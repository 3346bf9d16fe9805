import ConsensusCore

/// Vertex ids as the simulation's messages carry them: each by its number in the run's
/// numbering (``VertexNumbering``) where it has one, else whole.
///
/// A number takes 4 bytes where an id takes 32, and whether a node holds a numbered vertex
/// is a bit test in its DAG instead of a lookup of the id in the numbering's table. On a
/// WAN, where queries and chits name hundreds of vertices, the ids in flight were a fifth
/// of the simulator's memory and their lookups a tenth of its time. The bytes a message
/// counts on the wire are still those of whole ids, which is what a real node sends.
///
/// An id without a number is a vertex not registered yet: in a sharded run, one issued in
/// the window being run (the numbering is written between windows only).
struct IdList: Equatable, Sequence {
    /// How many numbers a list keeps in place.
    static var inPlaceLimit: Int { 4 }

    /// A list of up to `inPlaceLimit` numbers lies in place, any other in an array.
    ///
    /// A LAN's chits and pull queries name one to four vertices nine times in ten (about
    /// three on average in reference run (a)). In an array each message carried a reference
    /// to a list shared by many: a retain at every send and a release at every delivery,
    /// atomic because shards share lists, and with two shards on two cores the count's
    /// cache line moved between them at every other message. In place, a message carries
    /// its numbers, and comparing two chits reads no memory of their own.
    ///
    /// The form is canonical: every list of at most `inPlaceLimit` numbers is in place,
    /// so that lists are equal exactly when their storages are.
    private enum Storage: Equatable {
        /// Words `0..<4` as `low`'s lower and upper halves, then `high`'s; the words past
        /// the list's end are `IdList.whole`.
        case inPlace(low: UInt64, high: UInt64)
        /// A number per numbered id; an id without one is `IdList.whole` then its four
        /// 64-bit words, low half first.
        case words([UInt32])
    }

    private var storage: Storage

    /// The word that introduces a whole id (no vertex is numbered 2^32 - 1); in place, the
    /// word of an unused place.
    static var whole: UInt32 { .max }

    /// One id of a list.
    enum Element: Equatable {
        /// A vertex by its number.
        case number(UInt32)
        /// A vertex the numbering did not know when the list was made.
        case id(Hash256)

        /// Vertex `id`, by number where `numbering` has one.
        init(_ id: Hash256, numbering: VertexNumbering) {
            self = numbering.number(of: id).map { .number($0) } ?? .id(id)
        }
    }

    /// No ids.
    init() { storage = .inPlace(low: .max, high: .max) }

    /// `ids`, in order, each by number where `numbering` has one.
    init(_ ids: [Hash256], numbering: VertexNumbering) {
        if ids.count <= Self.inPlaceLimit {
            var places = InPlace()
            for id in ids {
                guard let number = numbering.number(of: id) else { break }
                places.append(number)
            }
            if places.count == ids.count {
                storage = places.storage
                return
            }
        }
        var words: [UInt32] = []
        words.reserveCapacity(ids.count)
        for id in ids { Self.append(id, number: numbering.number(of: id), to: &words) }
        storage = .words(words)
    }

    /// The one vertex `id`, by `number` when it has one (already looked up).
    init(_ id: Hash256, number: UInt32?) {
        if let number {
            storage = .inPlace(low: UInt64(number) | 0xFFFF_FFFF_0000_0000, high: .max)
            return
        }
        var words: [UInt32] = []
        Self.append(id, number: nil, to: &words)
        storage = .words(words)
    }

    /// Numbers gathered for a list in place.
    private struct InPlace {
        var low: UInt64 = .max
        var high: UInt64 = .max
        var count = 0

        mutating func append(_ number: UInt32) {
            let shift = UInt64(count & 1) * 32
            let word = (UInt64(number) | ~0xFFFF_FFFF) << shift | (1 << shift &- 1)
            if count < 2 { low &= word } else { high &= word }
            count += 1
        }

        var storage: Storage { .inPlace(low: low, high: high) }
    }

    private static func append(_ id: Hash256, number: UInt32?, to words: inout [UInt32]) {
        if let number {
            words.append(number)
            return
        }
        words.append(whole)
        for word in [id.w0, id.w1, id.w2, id.w3] {
            words.append(UInt32(truncatingIfNeeded: word))
            words.append(UInt32(truncatingIfNeeded: word >> 32))
        }
    }

    var isEmpty: Bool {
        switch storage {
        case let .inPlace(low, _): UInt32(truncatingIfNeeded: low) == Self.whole
        case let .words(words): words.isEmpty
        }
    }

    /// How many words the list takes: one per numbered id, nine per whole one.
    var wordCount: Int {
        switch storage {
        case let .inPlace(low, high): Self.placesUsed(low) < 2 ? Self.placesUsed(low) : 2 + Self.placesUsed(high)
        case let .words(words): words.count
        }
    }

    /// Of the two places in `pair`, how many hold a number.
    @inline(__always)
    private static func placesUsed(_ pair: UInt64) -> Int {
        UInt32(truncatingIfNeeded: pair) == whole ? 0 : pair >> 32 == UInt64(whole) ? 1 : 2
    }

    /// Where the words of a list not in place lie, nil for a list in place: for tests of
    /// sharing, never read through.
    var wordStorage: UnsafeRawPointer? {
        guard case let .words(words) = storage else { return nil }
        return words.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }

    /// The words of a list not in place, nil for a list in place.
    fileprivate var storedWords: [UInt32]? {
        guard case let .words(words) = storage else { return nil }
        return words
    }

    /// The ids, whole: numbers are read back from `numbering`.
    func ids(numbering: VertexNumbering) -> [Hash256] {
        var ids: [Hash256] = []
        ids.reserveCapacity(wordCount)
        for element in self { ids.append(Self.id(of: element, numbering: numbering)) }
        return ids
    }

    /// The whole id of `element`.
    @inline(__always)
    static func id(of element: Element, numbering: VertexNumbering) -> Hash256 {
        switch element {
        case let .number(number): numbering.id(ofNumber: number)
        case let .id(id): id
        }
    }

    @inline(__always)
    func makeIterator() -> Iterator { Iterator(self) }

    /// The id that starts at word `index` (which must start one) and the word after it;
    /// nil at the end of the list.
    ///
    /// Reads the list where it lies. An iterator holds a copy of the list, and a copy of a
    /// list in an array takes a reference to the array and gives it back: two atomic
    /// operations per reading.
    @inline(__always)
    func element(at index: Int) -> (Element, next: Int)? {
        switch storage {
        case let .inPlace(low, high): Self.number(inPlace: index, low: low, high: high).map { (.number($0), index + 1) }
        case let .words(words): words.withUnsafeBufferPointer { Self.element(in: $0, at: index) }
        }
    }

    /// The number in place `index` of a list in place, nil past its end.
    @inline(__always)
    private static func number(inPlace index: Int, low: UInt64, high: UInt64) -> UInt32? {
        // The list ends at its first unused place or after the fourth.
        guard index < inPlaceLimit else { return nil }
        let number = UInt32(truncatingIfNeeded: (index < 2 ? low : high) >> UInt64((index & 1) * 32))
        return number == whole ? nil : number
    }

    /// The id that starts at word `index` of `words` and the word after it, nil past the end.
    @inline(__always)
    private static func element(in words: UnsafeBufferPointer<UInt32>, at index: Int) -> (Element, next: Int)? {
        guard index < words.count else { return nil }
        let word = words[index]
        if word != whole { return (.number(word), index + 1) }
        func half(_ at: Int) -> UInt64 {
            UInt64(words[index + at]) | UInt64(words[index + at + 1]) << 32
        }
        return (.id(Hash256(w0: half(1), w1: half(3), w2: half(5), w3: half(7))), index + 9)
    }

    /// Reads the ids in order, through `element(at:)`.
    struct Iterator: IteratorProtocol {
        private let list: IdList
        /// The word the next id starts at.
        private(set) var index: Int

        /// Reads `list` from word `index`, which must start an id.
        @inline(__always)
        init(_ list: IdList, index: Int = 0) {
            self.list = list
            self.index = index
        }

        @inline(__always)
        mutating func next() -> Element? {
            guard let (element, next) = list.element(at: index) else { return nil }
            index = next
            return element
        }
    }
}

/// Recent id lists by content, so that equal lists made by different nodes share one
/// storage.
///
/// Nodes that agree prefer the same frontier, and each converts it into the list its
/// chits and pull queries carry. Made separately, the lists are equal but each lies in
/// memory of its own: a poll comparing the chits of twenty peers read twenty storages,
/// most of them long out of the cache. Shared, they are one storage that stays in it, and
/// equal chits compare by identity. A slot per hash of the content keeps the last list
/// with that hash; a list replaced there lives on as long as something holds it. Which
/// storage a list has never changes what it says, so nothing simulated depends on this.
/// A list in place (four numbers or fewer, most of a LAN's) has no storage to share and
/// passes through.
struct IdListCache {
    private var slots: [IdList]
    private let mask: Int

    /// A cache of `slotCount` lists, a power of two.
    init(slotCount: Int = 4_096) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "slot count must be a power of two")
        slots = Array(repeating: IdList(), count: slotCount)
        mask = slotCount - 1
    }

    /// `list` itself, or an equal list made earlier.
    mutating func shared(_ list: IdList) -> IdList {
        guard let words = list.storedWords else { return list }      // in place: nothing to share
        var hash = UInt64(words.count)
        for word in words { hash = (hash ^ UInt64(word)) &* 0x100_0000_01B3 }
        let slot = Int(truncatingIfNeeded: SplitMix64.mix(hash)) & mask
        if slots[slot] == list { return slots[slot] }
        slots[slot] = list
        return list
    }
}

/// The vertices a deferred answer or a blocked vote waits for: numbered ones by number, the
/// others whole, as in an `IdList` (on a WAN, the ids that waiting pull queries wait for were
/// a twelfth of the simulator's memory as whole ids).
///
/// Each list keeps the order the vertices were named in; what matters is only whether it
/// is empty, which `dropHeld` makes it exactly when the node holds every vertex in it.
struct WaitList {
    private(set) var numbers = NumberStack()
    private(set) var whole: [Hash256] = []

    init() {}

    /// A list of one vertex.
    init(_ element: IdList.Element) { append(element) }

    var isEmpty: Bool { numbers.isEmpty && whole.isEmpty }

    mutating func append(_ element: IdList.Element) {
        switch element {
        case let .number(number): numbers.append(number)
        case let .id(id): whole.append(id)
        }
    }

    /// Appends `element` unless the list has it.
    mutating func insert(_ element: IdList.Element) {
        switch element {
        case let .number(number): if !numbers.contains(number) { numbers.append(number) }
        case let .id(id): if !whole.contains(id) { whole.append(id) }
        }
    }

    /// Removes from the end of each list the vertices `holds` finds held, stopping at the
    /// first it does not: what is left is still awaited, and vertices found held are not
    /// looked up again at the next vertex the node adds. (Holding only grows while a poll
    /// lasts.)
    ///
    /// The last vertex of each list was not held when the list was made or last looked at.
    /// A node comes to hold another node's vertex only by adding it (its own it holds from
    /// the moment it issues them, and no list waits for one not yet issued), so unless that
    /// vertex is among those just `added` nothing can be removed: the lookups are skipped.
    /// A node with many queries waiting would otherwise look one up for each at every
    /// vertex it adds. By the same argument a list is empty exactly when every vertex it
    /// named is held: the last of them to arrive is then the last in its list.
    @inline(__always)
    mutating func dropHeld(added: AddedVertices, holds: (IdList.Element) -> Bool) {
        if let last = numbers.last, added.numbers.contains(last) {
            while let last = numbers.last, holds(.number(last)) { numbers.removeLast() }
        }
        if let last = whole.last, added.ids.contains(last) {
            while let last = whole.last, holds(.id(last)) { whole.removeLast() }
        }
    }
}

/// Vertex numbers in the order they were added, the first kept inline: most lists a node
/// waits on name one vertex, and kept in an array each cost an allocation and a free.
struct NumberStack {
    private var first: UInt32 = 0
    private var hasFirst = false
    private var rest: [UInt32] = []

    var isEmpty: Bool { !hasFirst }
    var count: Int { hasFirst ? 1 + rest.count : 0 }
    var last: UInt32? { hasFirst ? rest.last ?? first : nil }

    mutating func append(_ number: UInt32) {
        if hasFirst { rest.append(number) } else { (first, hasFirst) = (number, true) }
    }

    /// Removes the last number; the stack must not be empty.
    mutating func removeLast() {
        if rest.isEmpty { hasFirst = false } else { rest.removeLast() }
    }

    func contains(_ number: UInt32) -> Bool { hasFirst && (first == number || rest.contains(number)) }
}

/// The vertices a node has just added: every id, and the numbers of those numbered.
struct AddedVertices {
    var ids: [Hash256] = []
    var numbers: [UInt32] = []

    /// Notes vertex `id` and its number, if it has one.
    mutating func append(_ id: Hash256, number: UInt32?) {
        ids.append(id)
        if let number { numbers.append(number) }
    }

    var isEmpty: Bool { ids.isEmpty }

    mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
    }
}
