/// A list of `Int32` that keeps its first two elements in place and allocates only for a
/// third.
///
/// An engine links each transaction record to the processing vertices that carry it and
/// to the conflict sets it is in, and each conflict set to its choices and their votes.
/// These lists almost always hold one element, two at a double spend. As arrays they were
/// four small allocations per transaction in every node, each a malloc and a free; in
/// place, a 1,000-node WAN run peaks 4 % lower and a 1,000-node LAN run takes about 5 %
/// less time.
struct InlineInt32List: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Sendable {
    private var first: Int32 = 0
    private var second: Int32 = 0
    /// How many of `first` and `second` are in use; `rest` holds elements only when both are.
    private var inPlace: Int32 = 0
    private var rest: [Int32] = []

    init() {}

    init(arrayLiteral elements: Int32...) {
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { Int(inPlace) + rest.count }

    subscript(position: Int) -> Int32 {
        get {
            precondition(position >= 0 && position < endIndex, "index out of range")
            switch position {
            case 0: return first
            case 1: return second
            default: return rest[position - 2]
            }
        }
        set {
            precondition(position >= 0 && position < endIndex, "index out of range")
            switch position {
            case 0: first = newValue
            case 1: second = newValue
            default: rest[position - 2] = newValue
            }
        }
    }

    mutating func append(_ element: Int32) {
        switch inPlace {
        case 0: first = element; inPlace = 1
        case 1: second = element; inPlace = 2
        default: rest.append(element)
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
        if rest.isEmpty { inPlace -= 1 } else { rest.removeLast() }
    }
}
