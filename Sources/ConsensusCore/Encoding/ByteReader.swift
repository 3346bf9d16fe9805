/// Why a byte string could not be decoded.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended `needed` bytes before the field at `offset` was complete.
    case truncated(offset: Int, needed: Int)
    /// The input held `count` bytes after the end of the encoded value.
    case trailingBytes(count: Int)
    /// The domain tag at the start is not the expected one.
    case wrongTag(expected: String)
    /// A field holds a value the format does not allow.
    case invalidField(String)

    public var description: String {
        switch self {
        case let .truncated(offset, needed): "truncated input: \(needed) more byte(s) needed at offset \(offset)"
        case let .trailingBytes(count): "\(count) trailing byte(s) after the encoded value"
        case let .wrongTag(expected): "wrong domain tag (expected \"\(expected)\")"
        case let .invalidField(what): "invalid field: \(what)"
        }
    }
}

/// Reads the fields that `ByteWriter` writes, failing on short input.
public struct ByteReader {
    private let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int

    /// Creates a reader positioned at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    /// The number of unread bytes.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated(offset: offset, needed: count - max(remaining, 0)) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Reads one byte.
    public mutating func readUInt8() throws(DecodingError) -> UInt8 { try take(1).first! }

    /// Reads a little-endian 32-bit unsigned integer.
    public mutating func readUInt32() throws(DecodingError) -> UInt32 {
        var value: UInt32 = 0
        for (shift, byte) in try take(4).enumerated() { value |= UInt32(byte) << (8 * UInt32(shift)) }
        return value
    }

    /// Reads a little-endian 64-bit unsigned integer.
    public mutating func readUInt64() throws(DecodingError) -> UInt64 {
        var value: UInt64 = 0
        for (shift, byte) in try take(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        return value
    }

    /// Reads a little-endian 64-bit signed integer.
    public mutating func readInt64() throws(DecodingError) -> Int64 { Int64(bitPattern: try readUInt64()) }

    /// Reads a 32-byte hash.
    public mutating func readHash() throws(DecodingError) -> Hash256 {
        Hash256(w0: try readUInt64(), w1: try readUInt64(), w2: try readUInt64(), w3: try readUInt64())
    }

    /// Reads a 32-bit length and that many bytes.
    public mutating func readLengthPrefixed() throws(DecodingError) -> [UInt8] {
        let count = Int(try readUInt32())
        return Array(try take(count))
    }

    /// Reads a domain tag and checks that it is `expected`.
    public mutating func expectTag(_ expected: StaticString) throws(DecodingError) {
        let length = Int(try readUInt8())
        let found = try take(length)
        let matches = expected.withUTF8Buffer { $0.elementsEqual(found) }
        guard matches else { throw .wrongTag(expected: "\(expected)") }
    }

    /// Fails unless every byte has been read.
    public func expectEnd() throws(DecodingError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }
}
