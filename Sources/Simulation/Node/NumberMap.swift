/// A map keyed by vertex number: open addressing with linear probing, a 4-byte key and the
/// value per bucket.
///
/// Keyed by 32-byte ids (with the number in the first word, or by the id itself) a bucket
/// took 32 bytes more, and WAN nodes keep these by the hundred: a poll's tally of the
/// vertices its chits name, a node's outstanding fetches. The table grows at three
/// quarters full and shrinks below an eighth; a removal shifts the following entries back,
/// so no tombstones slow the probes down. Nothing iterates it, so its order never matters.
struct NumberMap<Value> {
    /// The key of an empty bucket: no numbering grows that far.
    private static var empty: UInt32 { .max }
    static var minimumCapacity: Int { 16 }

    private var keys: [UInt32] = []
    private var values: [Value] = []
    private var shift: UInt64 = 0
    private(set) var count = 0

    /// Number of buckets: zero, or a power of two.
    var capacity: Int { keys.count }
    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func bucket(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The bucket holding `key`, or the empty bucket where it would go (the map must have buckets).
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

    /// The value of `key`, if any.
    subscript(key: UInt32) -> Value? {
        guard !keys.isEmpty, key != Self.empty else { return nil }
        let (index, found) = probe(key)
        return found ? values[index] : nil
    }

    /// The bucket of `key`, inserted with `initial` when absent.
    private mutating func index(of key: UInt32, inserting initial: @autoclosure () -> Value) -> Int {
        precondition(key != Self.empty, "vertex number \(key) is reserved")
        if keys.isEmpty { resize(to: Self.minimumCapacity, filler: initial()) }
        var (index, found) = probe(key)
        if !found {
            let value = initial()
            if (count + 1) * 4 > keys.count * 3 {
                resize(to: keys.count * 2, filler: value)
                index = probe(key).index
            }
            keys[index] = key
            values[index] = value
            count += 1
        }
        return index
    }

    /// Sets the value of `key`.
    mutating func set(_ value: Value, for key: UInt32) {
        values[index(of: key, inserting: value)] = value
    }

    /// Removes `key` and returns its value, if it was there.
    @discardableResult
    mutating func removeValue(forKey key: UInt32) -> Value? {
        guard !keys.isEmpty, key != Self.empty else { return nil }
        let (index, found) = probe(key)
        guard found else { return nil }
        let removed = values[index]
        count -= 1
        // Shift back every following entry of the run whose home bucket does not lie
        // strictly after the hole (cyclically), so that no probe sequence is broken.
        let mask = keys.count - 1
        var hole = index
        var next = (index + 1) & mask
        while keys[next] != Self.empty {
            let home = bucket(keys[next])
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                keys[hole] = keys[next]
                values[hole] = values[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        keys[hole] = Self.empty
        if keys.count > Self.minimumCapacity && count * 8 < keys.count { resize(to: keys.count / 2, filler: removed) }
        return removed
    }

    /// Makes room for `minimumCount` keys at once; `filler` fills the new buckets' values.
    mutating func reserveCapacity(_ minimumCount: Int, filler: Value) {
        var size = max(Self.minimumCapacity, keys.count)
        while minimumCount * 4 > size * 3 { size *= 2 }
        if size > keys.count { resize(to: size, filler: filler) }
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
        values = []
        shift = 0
        count = 0
    }

    private mutating func resize(to size: Int, filler: Value) {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: Self.empty, count: size)
        values = Array(repeating: filler, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        for index in oldKeys.indices where oldKeys[index] != Self.empty {
            let (target, _) = probe(oldKeys[index])
            keys[target] = oldKeys[index]
            values[target] = oldValues[index]
        }
    }
}

extension NumberMap where Value == Int32 {
    /// Adds `amount` to the count of `key` (from zero when it is new).
    mutating func add(_ amount: Int32, to key: UInt32) {
        values[index(of: key, inserting: 0)] += amount
    }

    /// Makes room for `minimumCount` keys at once.
    mutating func reserveCapacity(_ minimumCount: Int) { reserveCapacity(minimumCount, filler: 0) }

    /// The count of `key`, or nil when it was never added to.
    func count(of key: UInt32) -> Int32? { self[key] }
}

/// A poll's counts of voters by vertex number.
typealias NumberCounts = NumberMap<Int32>
