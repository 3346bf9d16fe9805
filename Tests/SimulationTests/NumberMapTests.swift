import ConsensusCore
import Testing
@testable import Simulation

/// Maps keyed by vertex number: a poll's tally, a node's outstanding fetches.
@Suite("Number maps")
struct NumberMapTests {
    /// Random additions over a few thousand numbers, through growth and both ways of
    /// emptying, against a plain array of counts.
    @Test func countsWhatWasAdded() {
        var generator = Xoshiro256StarStar(seed: 5)
        var counts = NumberCounts()
        for round in 0..<4 {
            var expected = [Int32](repeating: 0, count: 3000)
            var added = [Bool](repeating: false, count: 3000)
            let keys = 50 + round * 900
            for _ in 0..<(keys * 3) {
                let key = Int(generator.next() % UInt64(keys))
                let amount = Int32(1 + generator.next() % 20)
                counts.add(amount, to: UInt32(key))
                expected[key] += amount
                added[key] = true
            }
            #expect(counts.count == added.filter { $0 }.count)
            for key in 0..<3000 {
                #expect(counts.count(of: UInt32(key)) == (added[key] ? expected[key] : nil), "key \(key)")
            }
            #expect(counts.capacity * 3 >= counts.count * 4, "grows before three quarters full")
            if round % 2 == 0 { counts.removeAllKeepingCapacity() } else { counts.removeAll() }
            #expect(counts.count == 0 && counts.count(of: 1) == nil)
        }
    }

    /// Room made at once holds that many keys without growing.
    @Test func reservedRoomHoldsItsKeys() {
        var counts = NumberCounts()
        counts.reserveCapacity(300)
        let capacity = counts.capacity
        for key in UInt32(0)..<300 { counts.add(1, to: key &* 7919) }
        #expect(counts.capacity == capacity)
        #expect(counts.count(of: 299 &* 7919) == 1)
    }

    /// Random sets and removals, through growth and shrinking, against a plain array; the
    /// numbers are drawn from a small range so that removals break runs of probes.
    @Test func removalsKeepEveryOtherKeyFindable() {
        var generator = Xoshiro256StarStar(seed: 9)
        var map = NumberMap<Int64>()
        var expected = [Int64?](repeating: nil, count: 600)
        var peak = 0
        for step in 0..<20_000 {
            let key = Int(generator.next() % 600)
            // Mostly sets in the first half, mostly removals in the second: the map grows, then shrinks.
            let removing = generator.next() % 100 < (step < 10_000 ? 30 : 80)
            if removing {
                #expect(map.removeValue(forKey: UInt32(key)) == expected[key])
                expected[key] = nil
            } else {
                let value = Int64(step)
                map.set(value, for: UInt32(key))
                expected[key] = value
            }
            peak = max(peak, map.capacity)
            if step % 997 == 0 {
                for k in 0..<600 { #expect(map[UInt32(k)] == expected[k], "key \(k) at step \(step)") }
            }
        }
        #expect(map.count == expected.compactMap { $0 }.count)
        for k in 0..<600 { #expect(map[UInt32(k)] == expected[k]) }
        #expect(map.capacity < peak, "a map that drains gives buckets back")
        // The number that marks an empty bucket is never found, even beside empty buckets.
        #expect(map[.max] == nil && map.removeValue(forKey: .max) == nil)
    }

    /// Outstanding fetches: by number once numbered, by id before, found either way.
    @Test func fetchesAskedBeforeTheyAreNumberedAreFoundAfter() {
        var fetches = OutstandingFetches()
        let a = Hash256(w0: 1, w1: 2, w2: 3, w3: 4), b = Hash256(w0: 5, w1: 6, w2: 7, w3: 8)
        fetches.note(a, number: nil, at: SimInstant(nanosecondsSinceStart: 10))
        fetches.note(b, number: 7, at: SimInstant(nanosecondsSinceStart: 20))
        #expect(fetches.count == 2)
        #expect(fetches.askedAt(a, number: 3) == SimInstant(nanosecondsSinceStart: 10))
        #expect(fetches.askedAt(b, number: 7) == SimInstant(nanosecondsSinceStart: 20))
        #expect(fetches.askedAt(b, number: nil) == nil)
        fetches.remove(a, number: 3)
        fetches.remove(b, number: 7)
        #expect(fetches.count == 0 && fetches.askedAt(a, number: 3) == nil)
    }
}
