/// A list of non-negative `Int32` (indexes and counts) that keeps its first two elements
/// in place and allocates only for a third; 16 bytes (a place holding -1 is empty).
///
/// An engine links each transaction record to the processing vertices that carry it and
/// to the conflict sets it is in, and each conflict set to its choices and their votes.
/// These lists almost always hold one element, two at a double spend. As arrays they were
/// four small allocations per transaction in every node, each a malloc and a free; in
/// place, a 1,000-node WAN run peaks 4 % lower and a 1,000-node LAN run takes about 5 %
/// less time.
struct InlineInt32List: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Sendable {
    /// The first two elements, -1 where there is none; `rest` holds elements only when both are in use.
    private var first: Int32 = -1
    private var second: Int32 = -1
    private var rest: [Int32] = []

    /// How many of `first` and `second` are in use.
    private var inPlace: Int { first < 0 ? 0 : (second < 0 ? 1 : 2) }

    init() {}

    init(arrayLiteral elements: Int32...) {
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { inPlace + rest.count }
    /// The end index, read directly: the collection's default went through a generic
    /// `distance(from:to:)` call, once per processing vertex in every vote pass.
    var count: Int { endIndex }

    /// An element in place is there when its place is not empty, so reading or writing one
    /// checks that place, not the count (which reads the array's).
    subscript(position: Int) -> Int32 {
        get {
            switch position {
            case 0:
                precondition(first >= 0, "index out of range")
                return first
            case 1:
                precondition(second >= 0, "index out of range")
                return second
            default:
                precondition(position > 1, "index out of range")
                return rest[position - 2]
            }
        }
        set {
            precondition(newValue >= 0, "the list holds non-negative values")
            switch position {
            case 0:
                precondition(first >= 0, "index out of range")
                first = newValue
            case 1:
                precondition(second >= 0, "index out of range")
                second = newValue
            default:
                precondition(position > 1, "index out of range")
                rest[position - 2] = newValue
            }
        }
    }

    /// The position of the first `element`, if any. Reads the places in line without going
    /// through the collection's generic search (four calls per element in a profile of the
    /// vote pass, which looks up a choice in its set once per transaction per poll).
    @inline(__always)
    func firstIndex(of element: Int32) -> Int? {
        guard element >= 0 else { return nil }
        if first == element { return 0 }
        if second == element { return 1 }
        guard let index = rest.firstIndex(of: element) else { return nil }
        return index + 2
    }

    mutating func append(_ element: Int32) {
        precondition(element >= 0, "the list holds non-negative values")
        if first < 0 {
            first = element
        } else if second < 0 {
            second = element
        } else {
            rest.append(element)
        }
    }

    /// Removes and returns the element at `position`; later elements move down by one.
    @discardableResult
    mutating func remove(at position: Int) -> Int32 {
        let removed = self[position]
        var index = position
        while index + 1 < endIndex {
            self[index] = self[index + 1]
            index += 1
        }
        removeLast()
        return removed
    }

    /// Removes the elements that satisfy `shouldRemove`, keeping the order of the others.
    mutating func removeAll(where shouldRemove: (Int32) -> Bool) {
        var kept = 0
        for index in indices where !shouldRemove(self[index]) {
            self[kept] = self[index]
            kept += 1
        }
        while endIndex > kept { removeLast() }
    }

    private mutating func removeLast() {
        precondition(endIndex > 0, "removing from an empty list")
        if !rest.isEmpty {
            rest.removeLast()
        } else if second >= 0 {
            second = -1
        } else {
            first = -1
        }
    }
}
