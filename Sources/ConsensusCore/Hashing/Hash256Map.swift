/// A hash map keyed by ``Hash256``, with open addressing and linear probing.
///
/// Vertex and transaction ids are BLAKE3 outputs, so their bits are already uniform: the
/// bucket is a multiply-shift of two of the key's words, with none of the cost of
/// `Hasher`'s per-process seeded SipHash, which dominates `Dictionary` lookups of 32-byte
/// keys. The table grows at three quarters full and shrinks when fewer than an eighth
/// of its buckets are used, so a map that drains (the processing set of a long run) gives
/// its memory back. Removal shifts the following entries back instead of leaving
/// tombstones, so lookups never slow down with churn.
///
/// Its only iteration, ``forEachValue(_:)``, is for aggregates whose result does not
/// depend on order (sums, maxima): the order follows the table's history, and nothing in
/// a simulation may depend on such an order.
@frozen
public struct Hash256Map<Value> {
    @usableFromInline var keys: [Hash256]
    @usableFromInline var values: [Value?]
    @usableFromInline var shift: UInt64
    @usableFromInline var storedCount = 0

    /// Number of keys held.
    @inlinable public var count: Int { storedCount }

    @inlinable static var minimumCapacity: Int { 16 }

    /// Creates an empty map; it allocates nothing until the first key arrives, so that
    /// thousands of simulated nodes can each own maps they rarely use.
    @inlinable
    public init() {
        keys = []
        values = []
        shift = 0
    }

    /// Whether the map holds no key.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Number of buckets: zero, or a power of two.
    @inlinable public var capacity: Int { keys.count }

    @inlinable @inline(__always)
    func bucket(_ key: Hash256) -> Int {
        Int(truncatingIfNeeded: ((key.w0 ^ key.w3) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The bucket holding `key`, or the empty bucket where it would go.
    @inlinable @inline(__always)
    func probe(_ key: Hash256) -> (index: Int, found: Bool) {
        if keys.isEmpty { return (0, false) }
        let mask = keys.count - 1
        var index = bucket(key)
        while values[index] != nil {
            if keys[index] == key { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    /// The value for `key`; assigning `nil` removes the key.
    @inlinable
    public subscript(key: Hash256) -> Value? {
        get {
            let (index, found) = probe(key)
            return found ? values[index] : nil
        }
        set {
            if let newValue {
                insert(newValue, for: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// The value for `key`, or `defaultValue` when absent; mutating through it inserts
    /// the default first and then changes the stored value in place.
    @inlinable
    public subscript(key: Hash256, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        _modify {
            var (index, found) = probe(key)
            if !found {
                index = insertNew(defaultValue(), for: key, at: index)
            }
            var value = values[index].take()!
            defer { values[index] = value }
            yield &value
        }
    }

    /// Whether the map holds `key`.
    @inlinable @inline(__always)
    public func contains(_ key: Hash256) -> Bool { probe(key).found }

    /// Calls `body` with every value, in an order that follows the table's history; use
    /// it only for results that do not depend on order, such as sums.
    @inlinable
    public func forEachValue(_ body: (Value) throws -> Void) rethrows {
        for value in values { if let value { try body(value) } }
    }

    /// Calls `body` with every key and its value, in an order that follows the table's
    /// history; use it only where the result does not depend on order (it is sorted
    /// afterwards, or summed).
    @inlinable
    public func forEach(_ body: (Hash256, Value) throws -> Void) rethrows {
        for index in values.indices { if let value = values[index] { try body(keys[index], value) } }
    }

    @inlinable
    mutating func insert(_ value: Value, for key: Hash256) {
        let (index, found) = probe(key)
        if found {
            values[index] = value
        } else {
            _ = insertNew(value, for: key, at: index)
        }
    }

    /// Stores a key known to be absent, whose probe ended at `index`; returns where it went.
    @inlinable
    mutating func insertNew(_ value: Value, for key: Hash256, at index: Int) -> Int {
        if (count + 1) * 4 > keys.count * 3 {
            resize(to: max(Self.minimumCapacity, keys.count * 2))
            let moved = probe(key).index
            keys[moved] = key
            values[moved] = value
            storedCount += 1
            return moved
        }
        keys[index] = key
        values[index] = value
        storedCount += 1
        return index
    }

    /// Removes `key` and returns its value, if it was there.
    @inlinable @discardableResult
    public mutating func removeValue(forKey key: Hash256) -> Value? {
        let (index, found) = probe(key)
        guard found else { return nil }
        let removed = values[index].take()
        storedCount -= 1
        // Shift back every following entry of the run whose home bucket does not lie
        // strictly after the hole (cyclically), so no probe sequence is broken.
        let mask = keys.count - 1
        var hole = index
        var next = (index + 1) & mask
        while values[next] != nil {
            let home = bucket(keys[next])
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                keys[hole] = keys[next]
                values[hole] = values[next].take()
                hole = next
            }
            next = (next + 1) & mask
        }
        if keys.count > Self.minimumCapacity && count * 8 < keys.count {
            resize(to: keys.count / 2)
        }
        return removed
    }

    /// Makes room for `minimumCount` keys at once, so that filling the map up to that many
    /// does not grow it step by step.
    @inlinable
    public mutating func reserveCapacity(_ minimumCount: Int) {
        var size = max(Self.minimumCapacity, keys.count)
        while minimumCount * 4 > size * 3 { size *= 2 }
        if size > keys.count { resize(to: size) }
    }

    /// Removes every key and keeps the table, for a map reused as scratch space.
    @inlinable
    public mutating func removeAllKeepingCapacity() {
        guard storedCount > 0 else { return }
        for index in values.indices { values[index] = nil }
        storedCount = 0
    }

    /// Removes every key and releases the table.
    @inlinable
    public mutating func removeAll() {
        keys = []
        values = []
        shift = 0
        storedCount = 0
    }

    @inlinable
    mutating func resize(to size: Int) {
        let oldKeys = keys
        var oldValues = values
        keys = Array(repeating: .zero, count: size)
        values = Array(repeating: nil, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        let mask = size - 1
        for index in oldValues.indices where oldValues[index] != nil {
            var target = bucket(oldKeys[index])
            while values[target] != nil { target = (target + 1) & mask }
            keys[target] = oldKeys[index]
            values[target] = oldValues[index].take()
        }
    }
}

extension Hash256Map: Sendable where Value: Sendable {}
