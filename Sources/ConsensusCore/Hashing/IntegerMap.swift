/// A map keyed by an unsigned integer: open addressing with linear probing over two parallel
/// arrays (keys, values), no allocation per key.
///
/// The engine keeps one by input (its conflict sets) and the simulator keeps them by vertex
/// number (a poll's tally of the vertices its chits name, a node's outstanding fetches).
/// Keyed by 32-byte ids a bucket took 32 bytes more, and a `Dictionary` hashes every key with
/// the per-process seeded SipHash, which a WAN run's engines spent about 1.5 % of their time
/// in. Here the bucket is a multiply-shift of the key. The table grows at three quarters full
/// and shrinks below an eighth; a removal shifts the following entries back, so no
/// tombstones slow the probes down. Nothing iterates it, so its order never matters.
///
/// `Key.max` marks an empty bucket; a value for that key is kept beside the table, so every
/// key can be stored.
@frozen
public struct IntegerMap<Key: FixedWidthInteger & UnsignedInteger, Value> {
    @usableFromInline var keys: [Key] = []
    @usableFromInline var values: [Value] = []
    @usableFromInline var shift: UInt64 = 0
    /// Keys in the table (not counting `Key.max`).
    @usableFromInline var stored = 0
    /// The value of `Key.max`, which cannot lie in the table.
    @usableFromInline var valueOfMax: Value?

    @inlinable static var empty: Key { .max }
    @inlinable public static var minimumCapacity: Int { 16 }

    /// Creates an empty map; it allocates nothing until the first key arrives.
    @inlinable public init() {}

    /// Number of keys held.
    @inlinable public var count: Int { valueOfMax == nil ? stored : stored + 1 }
    @inlinable public var isEmpty: Bool { count == 0 }
    /// Number of buckets: zero, or a power of two.
    @inlinable public var capacity: Int { keys.count }

    @inlinable @inline(__always)
    func bucket(_ key: Key) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The bucket holding `key`, or the empty bucket where it would go (the map must have
    /// buckets, and `key` must not be `Key.max`).
    @inlinable @inline(__always)
    func probe(_ key: Key) -> (index: Int, found: Bool) {
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
    @inlinable
    public subscript(key: Key) -> Value? {
        if key == Self.empty { return valueOfMax }
        guard !keys.isEmpty else { return nil }
        let (index, found) = probe(key)
        return found ? values[index] : nil
    }

    /// The bucket of `key` (not `Key.max`), inserted with `initial` when absent.
    @inlinable
    mutating func index(of key: Key, inserting initial: @autoclosure () -> Value) -> Int {
        if keys.isEmpty { resize(to: Self.minimumCapacity, filler: initial()) }
        var (index, found) = probe(key)
        if !found {
            let value = initial()
            if (stored + 1) * 4 > keys.count * 3 {
                resize(to: keys.count * 2, filler: value)
                index = probe(key).index
            }
            keys[index] = key
            values[index] = value
            stored += 1
        }
        return index
    }

    /// Sets the value of `key`.
    @inlinable
    public mutating func set(_ value: Value, for key: Key) {
        if key == Self.empty { valueOfMax = value; return }
        values[index(of: key, inserting: value)] = value
    }

    /// Removes `key` and returns its value, if it was there.
    @inlinable @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        if key == Self.empty {
            defer { valueOfMax = nil }
            return valueOfMax
        }
        guard !keys.isEmpty else { return nil }
        let (index, found) = probe(key)
        guard found else { return nil }
        let removed = values[index]
        stored -= 1
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
        if keys.count > Self.minimumCapacity && stored * 8 < keys.count { resize(to: keys.count / 2, filler: removed) }
        return removed
    }

    /// Makes room for `minimumCount` keys at once; `filler` fills the new buckets' values.
    @inlinable
    public mutating func reserveCapacity(_ minimumCount: Int, filler: Value) {
        var size = max(Self.minimumCapacity, keys.count)
        while minimumCount * 4 > size * 3 { size *= 2 }
        if size > keys.count { resize(to: size, filler: filler) }
    }

    /// Removes every key and keeps the buckets.
    @inlinable
    public mutating func removeAllKeepingCapacity() {
        valueOfMax = nil
        guard stored > 0 else { return }
        for index in keys.indices { keys[index] = Self.empty }
        stored = 0
    }

    /// Removes every key and releases the buckets.
    @inlinable
    public mutating func removeAll() {
        keys = []
        values = []
        shift = 0
        stored = 0
        valueOfMax = nil
    }

    @inlinable
    mutating func resize(to size: Int, filler: Value) {
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

extension IntegerMap: Sendable where Key: Sendable, Value: Sendable {}

extension IntegerMap where Value == Int32 {
    /// Adds `amount` to the count of `key` (from zero when it is new).
    @inlinable
    public mutating func add(_ amount: Int32, to key: Key) {
        if key == Self.empty { valueOfMax = (valueOfMax ?? 0) + amount; return }
        values[index(of: key, inserting: 0)] += amount
    }

    /// Makes room for `minimumCount` keys at once.
    @inlinable
    public mutating func reserveCapacity(_ minimumCount: Int) { reserveCapacity(minimumCount, filler: 0) }

    /// The count of `key`, or nil when it was never added to.
    @inlinable
    public func count(of key: Key) -> Int32? { self[key] }
}
