import Testing
@testable import Simulation

/// The counts a poll's tally keeps by vertex number.
@Suite("Number counts")
struct NumberCountsTests {
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
}
