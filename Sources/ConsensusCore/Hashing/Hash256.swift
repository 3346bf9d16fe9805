/// A 32-byte hash value; the identity type of vertices and transactions.
///
/// The bytes are stored as four 64-bit words: `w0` holds bytes 0–7, `w1` bytes 8–15,
/// `w2` bytes 16–23 and `w3` bytes 24–31, each word read little-endian (byte 0 is the
/// lowest byte of `w0`). This matches BLAKE3's own word order, so converting a
/// chaining value costs only shifts.
///
/// Ordering (`Comparable`) is lexicographic on ``bytes``: byte 0 first, byte 31 last,
/// the same order as comparing the ``hex`` strings.
public struct Hash256: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes 0–7, little-endian.
    public var w0: UInt64
    /// Bytes 8–15, little-endian.
    public var w1: UInt64
    /// Bytes 16–23, little-endian.
    public var w2: UInt64
    /// Bytes 24–31, little-endian.
    public var w3: UInt64

    /// Number of bytes in a hash.
    public static let byteCount = 32

    /// The all-zero hash.
    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    /// Creates a hash from its four little-endian words.
    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Creates a hash from exactly 32 bytes; traps on any other count.
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == Hash256.byteCount, "Hash256 needs exactly 32 bytes")
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var index = 0
        for byte in bytes {
            let shift = UInt64((index & 7) * 8)
            let value = UInt64(byte) << shift
            switch index >> 3 {
            case 0: words.0 |= value
            case 1: words.1 |= value
            case 2: words.2 |= value
            default: words.3 |= value
            }
            index += 1
        }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// Parses 64 hexadecimal digits (either case); `nil` for any other length or character.
    public init?(hex: String) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        var pending: UInt64 = 0
        for char in hex.utf8 {
            guard count < 64, let nibble = Hash256.nibble(char) else { return nil }
            if count & 1 == 0 {
                pending = UInt64(nibble) << 4
            } else {
                let byteIndex = count >> 1
                let value = (pending | UInt64(nibble)) << UInt64((byteIndex & 7) * 8)
                switch byteIndex >> 3 {
                case 0: words.0 |= value
                case 1: words.1 |= value
                case 2: words.2 |= value
                default: words.3 |= value
                }
            }
            count += 1
        }
        guard count == 64 else { return nil }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// The 32 bytes in order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The 64 lowercase hexadecimal digits of ``bytes``.
    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 64) { out in
            digits.withUTF8Buffer { table in
                withUnsafeBytes { raw in
                    for (index, byte) in raw.enumerated() {
                        out[2 * index] = table[Int(byte >> 4)]
                        out[2 * index + 1] = table[Int(byte & 0x0F)]
                    }
                }
            }
            return 64
        }
    }

    /// Same as ``hex``.
    public var description: String { hex }

    /// Calls `body` with the 32 bytes in order.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian)
        return try Swift.withUnsafeBytes(of: &words) { try body($0) }
    }

    /// Feeds only `w0` to the hasher: the words of a cryptographic hash are already
    /// uniformly distributed, and equal `w0` with different other words is vanishingly rare.
    @inlinable
    public func hash(into hasher: inout Swift.Hasher) {
        hasher.combine(w0)
    }

    /// The hash value `Set` and `Dictionary` use: `w0` mixed with the table's seed by one
    /// multiply, instead of a full SipHash of it (which took a third of the time of
    /// adding a vertex to a ``DAG``). `w0` of a cryptographic hash is already uniform;
    /// the multiply spreads hand-made values such as small integers over the buckets.
    @inlinable
    public func _rawHashValue(seed: Int) -> Int {
        let mixed = (w0 ^ UInt64(UInt(bitPattern: seed))) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 29))
    }

    /// Lexicographic order on ``bytes`` (byte 0 most significant).
    @inlinable
    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        // Byte-swapping a little-endian word makes its byte 0 the most significant.
        if lhs.w0 != rhs.w0 { return lhs.w0.byteSwapped < rhs.w0.byteSwapped }
        if lhs.w1 != rhs.w1 { return lhs.w1.byteSwapped < rhs.w1.byteSwapped }
        if lhs.w2 != rhs.w2 { return lhs.w2.byteSwapped < rhs.w2.byteSwapped }
        return lhs.w3.byteSwapped < rhs.w3.byteSwapped
    }

    /// Value of one ASCII hex digit, or `nil`.
    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}
