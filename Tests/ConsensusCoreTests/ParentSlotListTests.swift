import Testing
@testable import ConsensusCore

@Suite("ParentSlotList")
struct ParentSlotListTests {
    /// Through random appends and filtered removals, the list holds what an array given the
    /// same operations holds, across the boundary between its five elements in place and
    /// the rest, and reads each element at its position.
    @Test func agreesWithAnArrayUnderRandomOperations() {
        var generator = TestGenerator(seed: 55)
        var list = ParentSlotList()
        var model: [Int32] = []
        var longest = 0
        for step in 0..<20_000 {
            let value = Int32(truncatingIfNeeded: generator.next() % 9)
            switch generator.next() % 5 {
            case 0..<3 where model.count < 12:
                list.append(value)
                model.append(value)
            case 3:
                list.removeAll { $0 == value }
                model.removeAll { $0 == value }
            default:
                for position in model.indices { #expect(list[position] == model[position], "step \(step)") }
            }
            longest = max(longest, model.count)
            #expect(Array(list) == model, "step \(step)")
            #expect(list.count == model.count && list.isEmpty == model.isEmpty)
        }
        #expect(longest > 5, "the walk went past the places in line")
    }
}
