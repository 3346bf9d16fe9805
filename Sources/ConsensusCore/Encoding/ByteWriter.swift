/// Appends little-endian integers and length-prefixed fields to a byte buffer.
///
/// Every encoding in the consensus core is built with this writer, so the byte
/// order and the prefix widths are decided in one place.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a 32-bit unsigned integer, little-endian.
    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a 64-bit unsigned integer, little-endian.
    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a 64-bit signed integer, little-endian two's complement.
    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    /// Appends the 32 bytes of a hash.
    public mutating func write(_ hash: Hash256) {
        write(hash.w0); write(hash.w1); write(hash.w2); write(hash.w3)
    }

    /// Appends the bytes as they are.
    mutating func append(_ field: [UInt8]) { bytes.append(contentsOf: field) }

    /// Appends a 32-bit length followed by the bytes.
    public mutating func writeLengthPrefixed(_ field: [UInt8]) {
        precondition(field.count <= Int(UInt32.max), "field too long for a 32-bit length prefix")
        write(UInt32(field.count))
        bytes.append(contentsOf: field)
    }

    /// Appends a domain-separation tag: a one-byte length and the tag's UTF-8 bytes.
    public mutating func writeTag(_ tag: StaticString) {
        precondition(tag.utf8CodeUnitCount < 256, "domain tags are at most 255 bytes")
        write(UInt8(tag.utf8CodeUnitCount))
        tag.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}
