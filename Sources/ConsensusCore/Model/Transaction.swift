/// The identity of a simulated or real node inside the protocol.
public typealias NodeID = UInt32

/// An input a transaction spends (a UTXO reference); two transactions that spend
/// the same input conflict.
public typealias InputID = UInt64

/// A transaction: what it spends, a commitment to its payload, and where it came from.
///
/// The payload travels beside the transaction; the encoding commits to it by its
/// BLAKE3 digest and size, so the transaction id covers the payload without the
/// consensus state having to hold payload bytes. Identity (equality and hashing)
/// is the id.
public struct Transaction: Hashable, Sendable {
    /// BLAKE3 of the canonical encoding.
    public let id: Hash256
    /// The inputs spent, sorted ascending and distinct.
    public let inputs: [InputID]
    /// The payload's length in bytes.
    public let payloadSize: UInt32
    /// BLAKE3 of the payload bytes.
    public let payloadDigest: Hash256
    /// The node the transaction was submitted to.
    public let origin: NodeID
    /// When it was submitted, in nanoseconds of the submitter's clock.
    public let submitTime: Int64
    /// Distinguishes otherwise identical transactions.
    public let nonce: UInt64

    static let domainTag: StaticString = "cretoscale.transaction.v1"

    /// Creates a transaction committing to `payloadDigest`; `inputs` are sorted and deduplicated.
    public init(inputs: [InputID], payloadSize: UInt32, payloadDigest: Hash256,
                origin: NodeID, submitTime: Int64, nonce: UInt64) {
        let canonical = inputs.sortedAndDistinct()
        precondition(!canonical.isEmpty, "a transaction spends at least one input")
        self.inputs = canonical
        self.payloadSize = payloadSize
        self.payloadDigest = payloadDigest
        self.origin = origin
        self.submitTime = submitTime
        self.nonce = nonce
        let size = Self.fixedEncodedSize + 8 * canonical.count
        id = BufferWriter.withZeroPaddedBytes(count: size, block: BLAKE3.blockLength) { writer in
            Self.encodeFields(into: &writer, inputs: canonical, payloadSize: payloadSize, payloadDigest: payloadDigest,
                              origin: origin, submitTime: submitTime, nonce: nonce)
        } _: { BLAKE3.hash(zeroPadded: $0, count: size) }
    }

    /// Creates a transaction carrying `payload`, hashing it for the commitment.
    public init(inputs: [InputID], payload: [UInt8], origin: NodeID, submitTime: Int64, nonce: UInt64) {
        precondition(payload.count <= Int(UInt32.max), "payload too large")
        self.init(inputs: inputs, payloadSize: UInt32(payload.count), payloadDigest: BLAKE3.hash(payload),
                  origin: origin, submitTime: submitTime, nonce: nonce)
    }

    /// Encoded size without inputs: tag, origin, time, nonce, input count, payload size and digest.
    static let fixedEncodedSize = 1 + domainTag.utf8CodeUnitCount + 4 + 8 + 8 + 4 + 4 + 32

    /// The length of the canonical encoding in bytes.
    public var encodedSize: Int { Self.fixedEncodedSize + 8 * inputs.count }

    /// The canonical encoding; its BLAKE3 hash is the id.
    public func encoded() -> [UInt8] {
        BufferWriter.bytes(count: encodedSize) { encode(into: &$0) }
    }

    /// Appends the canonical encoding to `writer`.
    public func encode(into writer: inout ByteWriter) {
        writer.append(encoded())
    }

    /// Writes the canonical encoding (``encodedSize`` bytes) to `writer`.
    @inline(__always)
    public func encode(into writer: inout BufferWriter) {
        Self.encodeFields(into: &writer, inputs: inputs, payloadSize: payloadSize, payloadDigest: payloadDigest,
                          origin: origin, submitTime: submitTime, nonce: nonce)
    }

    @inline(__always)
    private static func encodeFields(into writer: inout BufferWriter, inputs: [InputID], payloadSize: UInt32,
                                     payloadDigest: Hash256, origin: NodeID, submitTime: Int64, nonce: UInt64) {
        writer.writeTag(domainTag)
        writer.write(origin)
        writer.write(submitTime)
        writer.write(nonce)
        writer.write(UInt32(inputs.count))
        for input in inputs { writer.write(input) }
        writer.write(payloadSize)
        writer.write(payloadDigest)
    }

    /// Decodes one transaction from `reader`, recomputing its id.
    public static func decode(from reader: inout ByteReader) throws(DecodingError) -> Transaction {
        try reader.expectTag(domainTag)
        let origin = try reader.readUInt32()
        let submitTime = try reader.readInt64()
        let nonce = try reader.readUInt64()
        let inputCount = Int(try reader.readUInt32())
        guard inputCount > 0 else { throw .invalidField("transaction without inputs") }
        guard inputCount * 8 <= reader.remaining else { throw .truncated(offset: reader.offset, needed: inputCount * 8 - reader.remaining) }
        var inputs: [InputID] = []
        inputs.reserveCapacity(inputCount)
        for _ in 0..<inputCount {
            let input = try reader.readUInt64()
            if let last = inputs.last, input <= last { throw .invalidField("transaction inputs not sorted and distinct") }
            inputs.append(input)
        }
        let payloadSize = try reader.readUInt32()
        let payloadDigest = try reader.readHash()
        return Transaction(inputs: inputs, payloadSize: payloadSize, payloadDigest: payloadDigest,
                           origin: origin, submitTime: submitTime, nonce: nonce)
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

extension Array where Element: Comparable {
    /// The elements sorted ascending without duplicates; `self` as it is (no copy) when
    /// it already is, as callers usually pass it. Inlined, so that the array passed in
    /// is handed on without a retain and a release.
    @inline(__always)
    func sortedAndDistinct() -> [Element] {
        var index = 1
        while index < count && self[index - 1] < self[index] { index += 1 }
        return index >= count ? self : sortedDistinctCopy()
    }

    /// A sorted copy without duplicates.
    @inline(never)
    private func sortedDistinctCopy() -> [Element] {
        var canonical = sorted()
        canonical.removeDuplicatesInSortedOrder()
        return canonical
    }
}

extension Array where Element: Equatable {
    /// Removes adjacent duplicates; on a sorted array this leaves distinct elements.
    mutating func removeDuplicatesInSortedOrder() {
        guard count > 1 else { return }
        var write = 1
        for read in 1..<count where self[read] != self[write - 1] {
            self[write] = self[read]
            write += 1
        }
        removeLast(count - write)
    }
}
