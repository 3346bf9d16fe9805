/// Writes little-endian integers and fixed fields into memory set aside beforehand, in
/// the same layout as ``ByteWriter``.
///
/// For encodings whose exact size is known up front: they are built without a growing
/// array, in temporary storage (the stack when it fits) or straight into the storage of
/// the array that returns them. Every write checks that it stays inside the buffer.
public struct BufferWriter {
    private let start: UnsafeMutableRawPointer?
    private let capacity: Int
    /// The number of bytes written so far.
    public private(set) var count = 0

    /// Creates a writer that fills `buffer` from its start; the buffer must outlive the writer.
    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        start = buffer.baseAddress
        capacity = buffer.count
    }

    /// Whether every byte of the buffer has been written.
    public var isFull: Bool { count == capacity }

    /// The address of the next `byteCount` (> 0) bytes, which the caller then writes.
    @inline(__always)
    private mutating func claim(_ byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount <= capacity &- count, "encoding overruns its buffer")
        let at = start.unsafelyUnwrapped + count
        count &+= byteCount
        return at
    }

    /// Writes one byte.
    @inline(__always)
    public mutating func write(_ value: UInt8) {
        claim(1).storeBytes(of: value, as: UInt8.self)
    }

    /// Writes a 32-bit unsigned integer, little-endian.
    @inline(__always)
    public mutating func write(_ value: UInt32) {
        claim(4).storeBytes(of: value.littleEndian, as: UInt32.self)
    }

    /// Writes a 64-bit unsigned integer, little-endian.
    @inline(__always)
    public mutating func write(_ value: UInt64) {
        claim(8).storeBytes(of: value.littleEndian, as: UInt64.self)
    }

    /// Writes a 64-bit signed integer, little-endian two's complement.
    @inline(__always)
    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    /// Writes the 32 bytes of a hash.
    @inline(__always)
    public mutating func write(_ hash: Hash256) {
        let at = claim(Hash256.byteCount)
        at.storeBytes(of: hash.w0.littleEndian, toByteOffset: 0, as: UInt64.self)
        at.storeBytes(of: hash.w1.littleEndian, toByteOffset: 8, as: UInt64.self)
        at.storeBytes(of: hash.w2.littleEndian, toByteOffset: 16, as: UInt64.self)
        at.storeBytes(of: hash.w3.littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Writes the bytes of `field` as they are.
    public mutating func write(contentsOf field: UnsafeRawBufferPointer) {
        guard let source = field.baseAddress, field.count > 0 else { return }
        claim(field.count).copyMemory(from: source, byteCount: field.count)
    }

    /// Writes a 32-bit length followed by the bytes.
    public mutating func writeLengthPrefixed(_ field: [UInt8]) {
        precondition(field.count <= Int(UInt32.max), "field too long for a 32-bit length prefix")
        write(UInt32(field.count))
        field.withUnsafeBytes { write(contentsOf: $0) }
    }

    /// Writes a domain-separation tag: a one-byte length and the tag's UTF-8 bytes.
    @inline(__always)
    public mutating func writeTag(_ tag: StaticString) {
        precondition(tag.utf8CodeUnitCount < 256, "domain tags are at most 255 bytes")
        write(UInt8(tag.utf8CodeUnitCount))
        write(contentsOf: UnsafeRawBufferPointer(start: tag.utf8Start, count: tag.utf8CodeUnitCount))
    }
}

extension BufferWriter {
    /// An array of exactly `count` bytes, written by `fill`, which must write all of them.
    @inline(__always)
    static func bytes(count: Int, _ fill: (inout BufferWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var writer = BufferWriter(UnsafeMutableRawBufferPointer(buffer))
            fill(&writer)
            precondition(writer.isFull, "encoding shorter than its computed size")
            initialized = count
        }
    }

    /// Calls `body` with a temporary buffer (on the stack when it fits) that holds the
    /// `count` bytes written by `fill` (which must write all of them) followed by zeros
    /// to a multiple of `block` bytes, at least one block: for hashing the bytes as
    /// padded blocks without copying the last one.
    @inline(__always)
    static func withZeroPaddedBytes<R>(
        count: Int, block: Int, _ fill: (inout BufferWriter) -> Void, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        precondition(block > 0 && block % 16 == 0, "blocks are whole 16-byte words")
        let padded = max(block, (count + block - 1) / block * block)
        return withUnsafeTemporaryAllocation(byteCount: padded, alignment: 16) { buffer in
            // Zero the last block whole, before the encoding overwrites its start.
            let last = buffer.baseAddress! + (padded - block)
            for offset in stride(from: 0, to: block, by: 16) {
                last.storeBytes(of: SIMD4<UInt32>.zero, toByteOffset: offset, as: SIMD4<UInt32>.self)
            }
            var writer = BufferWriter(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
            fill(&writer)
            precondition(writer.isFull, "encoding shorter than its computed size")
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Calls `body` with exactly `count` bytes written by `fill` (which must write all of
    /// them) in temporary storage: on the stack when it fits, so nothing is allocated.
    @inline(__always)
    static func withBytes<R>(
        count: Int, _ fill: (inout BufferWriter) -> Void, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(byteCount: count, alignment: 8) { buffer in
            var writer = BufferWriter(buffer)
            fill(&writer)
            precondition(writer.isFull, "encoding shorter than its computed size")
            return body(UnsafeRawBufferPointer(buffer))
        }
    }
}
