import Testing
@testable import ConsensusCore

@Suite("InlineInt32List")
struct InlineInt32ListTests {
    /// Through random appends, removals at any position, filtered removals and writes, the
    /// list holds what an array given the same operations holds, across the boundary
    /// between its two elements in place and the rest.
    @Test func agreesWithAnArrayUnderRandomOperations() {
        var generator = TestGenerator(seed: 21)
        var list = InlineInt32List()
        var model: [Int32] = []
        for step in 0..<20_000 {
            let value = Int32(truncatingIfNeeded: generator.next() % 7)
            switch generator.next() % 8 {
            case 0..<3 where model.count < 9:
                list.append(value)
                model.append(value)
            case 3 where !model.isEmpty:
                let position = Int(generator.next() % UInt64(model.count))
                #expect(list.remove(at: position) == model.remove(at: position))
            case 4:
                list.removeAll { $0 == value }
                model.removeAll { $0 == value }
            case 5 where !model.isEmpty:
                let position = Int(generator.next() % UInt64(model.count))
                list[position] += value
                model[position] += value
            default:
                #expect(list.firstIndex(of: value) == model.firstIndex(of: value))
            }
            #expect(Array(list) == model, "step \(step)")
            #expect(list.count == model.count && list.isEmpty == model.isEmpty)
        }
    }

    @Test func literalsAndOrder() {
        let empty: InlineInt32List = []
        #expect(empty.isEmpty && empty.indices == 0..<0)
        var list: InlineInt32List = [5, 6, 7, 8]
        #expect(Array(list) == [5, 6, 7, 8])
        list.remove(at: 0)
        #expect(Array(list) == [6, 7, 8])
        list.removeAll { $0 != 8 }
        #expect(Array(list) == [8] && list[0] == 8)
        // The mark of an empty place is never found.
        #expect(empty.firstIndex(of: -1) == nil && list.firstIndex(of: -1) == nil && list.firstIndex(of: 8) == 0)
    }

    @Test func zeroIsAnElementLikeAnyOther() {
        // The empty places are marked by -1, so 0 must count wherever it sits.
        var list: InlineInt32List = [0]
        #expect(Array(list) == [0] && list.count == 1)
        list.append(0)
        list.append(0)
        #expect(Array(list) == [0, 0, 0])
        list.remove(at: 2)
        list.remove(at: 0)
        #expect(Array(list) == [0])
        list[0] = 3
        list.remove(at: 0)
        #expect(list.isEmpty)
    }

    @Test func aNegativeValueIsRefused() async {
        await #expect(processExitsWith: .failure) {
            var list = InlineInt32List()
            list.append(-1)
        }
        await #expect(processExitsWith: .failure) {
            var list: InlineInt32List = [1]
            list[0] = -2
        }
    }

    @Test func aPositionPastTheEndIsRefused() async {
        // Each place checks itself: an empty place in line, then the array's own bound.
        await #expect(processExitsWith: .failure) { _ = InlineInt32List()[0] }
        await #expect(processExitsWith: .failure) {
            let list: InlineInt32List = [1]
            _ = list[1]
        }
        await #expect(processExitsWith: .failure) {
            var list: InlineInt32List = [1, 2]
            list[2] = 3
        }
        await #expect(processExitsWith: .failure) {
            let list: InlineInt32List = [1, 2, 3]
            _ = list[-1]
        }
    }
}
