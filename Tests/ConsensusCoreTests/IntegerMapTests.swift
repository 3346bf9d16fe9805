import ConsensusCore
import Testing

/// The integer-keyed map the engine keeps its conflict sets by input in.
@Suite("IntegerMap")
struct IntegerMapTests {
    /// 64-bit keys (inputs), some of them the largest key, which marks an empty bucket and
    /// is kept beside the table: random sets and removals against a reference table, through
    /// growth and shrinking, with every key checked along the way.
    @Test func everyKeyIncludingTheLargestIsKept() {
        var generator = TestGenerator(seed: 21)
        var map = IntegerMap<UInt64, Int32>()
        // Random keys, keys whose low 40 bits are all zero, and the edge values.
        var keys: [UInt64] = [0, 1, .max, .max - 1]
        for i in 1...300 { keys.append(generator.next()); keys.append(UInt64(i) << 40) }
        var expected = [Int32?](repeating: nil, count: keys.count)
        var peak = 0
        for step in 0..<30_000 {
            let k = Int(generator.next() % UInt64(keys.count))
            let removing = generator.next() % 100 < (step < 15_000 ? 30 : 85)
            if removing {
                #expect(map.removeValue(forKey: keys[k]) == expected[k], "key \(keys[k]) at step \(step)")
                expected[k] = nil
            } else {
                map.set(Int32(step), for: keys[k])
                expected[k] = Int32(step)
            }
            peak = max(peak, map.capacity)
            if step % 1_499 == 0 {
                for (i, key) in keys.enumerated() { #expect(map[key] == expected[i], "key \(key) at step \(step)") }
                #expect(map.count == expected.compactMap { $0 }.count)
            }
        }
        for (i, key) in keys.enumerated() { #expect(map[key] == expected[i]) }
        #expect(map.capacity < peak, "a map that drains gives buckets back")
    }

    /// The largest key counts like any other, and emptying forgets it.
    @Test func theLargestKeyCountsAndIsForgotten() {
        var counts = IntegerMap<UInt64, Int32>()
        counts.add(3, to: .max)
        counts.add(4, to: .max)
        counts.add(1, to: 7)
        #expect(counts.count == 2 && counts.count(of: .max) == 7 && counts.count(of: 7) == 1)
        counts.removeAllKeepingCapacity()
        #expect(counts.isEmpty && counts[.max] == nil && counts[7] == nil)
        counts.set(9, for: .max)
        counts.removeAll()
        #expect(counts.isEmpty && counts[.max] == nil)
    }
}
