/// A processing vertex's processing parents, by slot: up to five in place, more in an
/// array (24 bytes in place and 8 for the array).
///
/// Five is as many parents as a vertex names by default. `InlineInt32List` keeps two in
/// place, and the others of a five-parent vertex went to an array of their own: every vote
/// pass, which reads every processing slot's parents, read each such array's header from
/// memory, a cache miss per slot and 37 % of the pass's samples in a 1,000-node LAN profile.
struct ParentSlotList: RandomAccessCollection, Sendable {
    private static let placeCount = 5
    private var places: (Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0)
    /// How many places are in use; `rest` holds elements only when all are.
    private var placed: Int32 = 0
    private var rest: [Int32] = []

    init() {}

    var startIndex: Int { 0 }
    /// Reads `rest` only when every place is in use.
    var endIndex: Int { placed < Self.placeCount ? Int(placed) : Self.placeCount + rest.count }
    var count: Int { endIndex }

    subscript(position: Int) -> Int32 {
        precondition(position >= 0 && position < endIndex, "index out of range")
        switch position {
        case 0: return places.0
        case 1: return places.1
        case 2: return places.2
        case 3: return places.3
        case 4: return places.4
        default: return rest[position - Self.placeCount]
        }
    }

    mutating func append(_ element: Int32) {
        switch placed {
        case 0: places.0 = element
        case 1: places.1 = element
        case 2: places.2 = element
        case 3: places.3 = element
        case 4: places.4 = element
        default:
            rest.append(element)
            return
        }
        placed += 1
    }

    /// Removes the elements that satisfy `shouldRemove`, keeping the order of the others.
    mutating func removeAll(where shouldRemove: (Int32) -> Bool) {
        var kept = ParentSlotList()
        for element in self where !shouldRemove(element) { kept.append(element) }
        self = kept
    }
}
