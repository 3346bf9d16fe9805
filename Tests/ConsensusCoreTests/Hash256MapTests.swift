import ConsensusCore
import Testing

@Suite("Hash256Map")
struct Hash256MapTests {
    /// Keys that crowd few buckets: equal `w0 ^ w3`, told apart only by `w1`. They make long
    /// probe runs that wrap around the table's end, the hard case for backward-shift removal.
    static func crowded(_ i: UInt64) -> Hash256 {
        Hash256(w0: i % 3, w1: i, w2: 0, w3: i % 3)
    }

    static func spread(_ generator: inout TestGenerator) -> Hash256 {
        Hash256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
    }

    @Test func emptyMapHoldsNothing() {
        let map = Hash256Map<Int>()
        #expect(map.isEmpty)
        #expect(map[.zero] == nil)
        #expect(!map.contains(Self.crowded(7)))
    }

    @Test(arguments: [false, true])
    func agreesWithDictionaryUnderRandomChurn(crowdedKeys: Bool) {
        var generator = TestGenerator(seed: crowdedKeys ? 11 : 12)
        let universe: [Hash256] = (0..<600).map { i in
            crowdedKeys ? Self.crowded(UInt64(i)) : Self.spread(&generator)
        }
        var map = Hash256Map<Int>()
        var model: [Hash256: Int] = [:]
        var largest = 0
        for step in 0..<20_000 {
            let key = universe[Int(generator.next() % UInt64(universe.count))]
            switch generator.next() % 10 {
            case 0..<5:
                map[key] = step
                model[key] = step
            case 5..<8:
                #expect(map.removeValue(forKey: key) == model.removeValue(forKey: key))
            case 8:
                map[key, default: 0] += 1
                model[key, default: 0] += 1
            default:
                map[key] = nil
                model[key] = nil
            }
            largest = max(largest, map.capacity)
            #expect(map.count == model.count)
        }
        var sum = 0
        map.forEachValue { sum += $0 }
        #expect(sum == model.values.reduce(0, +))
        for key in universe {
            #expect(map[key] == model[key])
            #expect(map.contains(key) == (model[key] != nil))
        }
        // Grew to hold the keys, is never more than three quarters full, and is not left
        // mostly empty after removals.
        #expect(largest >= 512)
        #expect(map.count * 4 <= map.capacity * 3)
        #expect(map.capacity <= 16 || map.count * 8 >= map.capacity / 2)
    }

    @Test func emptyMapAllocatesNothingUntilUsedAndAfterRemoveAll() {
        var map = Hash256Map<Int>()
        #expect(map.capacity == 0)
        map[Self.crowded(1)] = 1
        #expect(map.capacity == 16)
        map.removeAll()
        #expect(map.capacity == 0)
        #expect(map[Self.crowded(1)] == nil)
        map[Self.crowded(1)] = 2
        #expect(map[Self.crowded(1)] == 2)
    }

    @Test func drainedMapShrinksAndKeepsWorking() {
        var generator = TestGenerator(seed: 5)
        let keys = (0..<10_000).map { _ in Self.spread(&generator) }
        var map = Hash256Map<Int>()
        for (index, key) in keys.enumerated() { map[key] = index }
        let grown = map.capacity
        #expect(grown >= 10_000 * 4 / 3)
        for key in keys.dropFirst(10) { map[key] = nil }
        #expect(map.count == 10)
        #expect(map.capacity <= 128)
        for (index, key) in keys.prefix(10).enumerated() { #expect(map[key] == index) }
        #expect(map[keys[10]] == nil)
    }

    @Test func reservedRoomTakesThatManyKeysWithoutGrowing() {
        var generator = TestGenerator(seed: 5)
        var map = Hash256Map<Int>()
        map[Self.crowded(1)] = 1
        map.reserveCapacity(300)
        let capacity = map.capacity
        #expect(capacity * 3 >= 300 * 4)
        let keys = (0..<299).map { _ in Self.spread(&generator) }
        for (i, key) in keys.enumerated() { map[key] = i }
        #expect(map.capacity == capacity)
        #expect(map.count == 300)
        #expect(map[Self.crowded(1)] == 1)
        for (i, key) in keys.enumerated() { #expect(map[key] == i) }
        map.reserveCapacity(10)             // never shrinks
        #expect(map.capacity == capacity)
    }

    @Test func defaultSubscriptChangesTheStoredValueInPlace() {
        var map = Hash256Map<[Int]>()
        let key = Self.crowded(1)
        map[key, default: []].append(1)
        map[key, default: []].append(2)
        #expect(map[key] == [1, 2])
        #expect(map[Self.crowded(2), default: [9]] == [9])
        #expect(map.count == 1)
    }
}
