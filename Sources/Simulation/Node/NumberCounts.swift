/// Counts keyed by vertex number: open addressing with linear probing, 8 bytes a bucket.
///
/// A poll's tally on a WAN counts the voters of hundreds of numbered vertices; keyed by
/// 32-byte ids (a number in the first word) each bucket took 40 bytes, in every poll in
/// flight. Keys are never removed, only all at once, so no removal is needed.
struct NumberCounts {
    /// The key of an empty bucket: no numbering grows that far.
    private static var empty: UInt32 { .max }
    static var minimumCapacity: Int { 16 }

    private var keys: [UInt32] = []
    private var counts: [Int32] = []
    private var shift: UInt64 = 0
    private(set) var count = 0

    /// Number of buckets: zero, or a power of two.
    var capacity: Int { keys.count }

    @inline(__always)
    private func bucket(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The bucket holding `key`, or the empty bucket where it would go.
    @inline(__always)
    private func probe(_ key: UInt32) -> (index: Int, found: Bool) {
        let mask = keys.count - 1
        var index = bucket(key)
        while true {
            let stored = keys[index]
            if stored == key { return (index, true) }
            if stored == Self.empty { return (index, false) }
            index = (index + 1) & mask
        }
    }

    /// The count of `key`, or nil when it was never added to.
    func count(of key: UInt32) -> Int32? {
        guard !keys.isEmpty else { return nil }
        let (index, found) = probe(key)
        return found ? counts[index] : nil
    }

    /// Adds `amount` to the count of `key` (from zero when it is new).
    mutating func add(_ amount: Int32, to key: UInt32) {
        precondition(key != Self.empty, "vertex number \(key) is reserved")
        if keys.isEmpty { resize(to: Self.minimumCapacity) }
        var (index, found) = probe(key)
        if !found {
            if (count + 1) * 4 > keys.count * 3 {
                resize(to: keys.count * 2)
                index = probe(key).index
            }
            keys[index] = key
            counts[index] = 0
            count += 1
        }
        counts[index] += amount
    }

    /// Makes room for `minimumCount` keys at once.
    mutating func reserveCapacity(_ minimumCount: Int) {
        var size = max(Self.minimumCapacity, keys.count)
        while minimumCount * 4 > size * 3 { size *= 2 }
        if size > keys.count { resize(to: size) }
    }

    /// Removes every key and keeps the buckets.
    mutating func removeAllKeepingCapacity() {
        guard count > 0 else { return }
        for index in keys.indices { keys[index] = Self.empty }
        count = 0
    }

    /// Removes every key and releases the buckets.
    mutating func removeAll() {
        keys = []
        counts = []
        shift = 0
        count = 0
    }

    private mutating func resize(to size: Int) {
        let oldKeys = keys, oldCounts = counts
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        for index in oldKeys.indices where oldKeys[index] != Self.empty {
            let (target, _) = probe(oldKeys[index])
            keys[target] = oldKeys[index]
            counts[target] = oldCounts[index]
        }
    }
}
