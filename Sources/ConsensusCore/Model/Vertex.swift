/// A vertex of the DAG: a signed batch of transactions on top of its parents.
///
/// Immutable and shared: every simulated node that holds the vertex holds the same
/// instance. Its id is the BLAKE3 hash of the canonical unsigned encoding, which
/// covers every field — creator, height, timestamp, parents and each transaction —
/// behind a domain tag and length prefixes. The signature signs the id.
public final class Vertex: Sendable, CustomStringConvertible {
    /// BLAKE3 of `encoded(includingSignature: false)`.
    public let id: Hash256
    /// The node that created and signed the vertex.
    public let creator: NodeID
    /// 0 for a genesis vertex, else one more than the highest parent.
    public let height: UInt64
    /// The creator's clock when it built the vertex, in nanoseconds.
    public let timestamp: Int64
    /// Parent ids, sorted ascending and distinct.
    public let parents: [Hash256]
    /// The batch of transactions.
    public let transactions: [Transaction]
    /// The ML-DSA signature over `id` (empty for an unsigned vertex).
    public let signature: [UInt8]
    /// Length of the unsigned canonical encoding.
    public let unsignedSize: Int

    static let domainTag: StaticString = "cretoscale.vertex.v1"

    /// Builds a vertex, computing its id and signing it with `signer` when one is given.
    public convenience init(creator: NodeID, height: UInt64, timestamp: Int64, parents: [Hash256],
                            transactions: [Transaction], signer: SigningKey?) throws {
        let canonical = parents.sortedAndDistinct()
        let size = Self.unsignedSize(parentCount: canonical.count, transactions: transactions)
        let id = Self.unsignedID(creator: creator, height: height, timestamp: timestamp, parents: canonical,
                                 transactions: transactions, size: size)
        let signature = try signer?.sign(id) ?? []
        self.init(id: id, creator: creator, height: height, timestamp: timestamp, parents: canonical,
                  transactions: transactions, signature: signature, unsignedSize: size)
    }

    /// Builds a vertex carrying a given signature without signing: for simulations that
    /// charge the cost of signing instead of paying it, with a placeholder of the
    /// scheme's size (shared by every such vertex, so it costs no memory per vertex).
    public convenience init(creator: NodeID, height: UInt64, timestamp: Int64, parents: [Hash256],
                            transactions: [Transaction], placeholderSignature: [UInt8]) {
        let canonical = parents.sortedAndDistinct()
        let size = Self.unsignedSize(parentCount: canonical.count, transactions: transactions)
        let id = Self.unsignedID(creator: creator, height: height, timestamp: timestamp, parents: canonical,
                                 transactions: transactions, size: size)
        self.init(id: id, creator: creator, height: height, timestamp: timestamp, parents: canonical,
                  transactions: transactions, signature: placeholderSignature, unsignedSize: size)
    }

    /// Assembles a vertex from parts without computing anything; `decode` and tests use it.
    init(id: Hash256, creator: NodeID, height: UInt64, timestamp: Int64, parents: [Hash256],
                 transactions: [Transaction], signature: [UInt8], unsignedSize: Int) {
        self.id = id
        self.creator = creator
        self.height = height
        self.timestamp = timestamp
        self.parents = parents
        self.transactions = transactions
        self.signature = signature
        self.unsignedSize = unsignedSize
    }

    /// Bytes on the wire: the signed encoding plus the payloads that travel beside it.
    public var wireSize: Int {
        var payload = 0
        for tx in transactions { payload += Int(tx.payloadSize) }
        return unsignedSize + 4 + signature.count + payload
    }

    /// The canonical encoding; with the signature appended (length-prefixed) by default.
    public func encoded(includingSignature: Bool = true) -> [UInt8] {
        BufferWriter.bytes(count: unsignedSize + (includingSignature ? 4 + signature.count : 0)) { writer in
            Self.encodeUnsigned(into: &writer, creator: creator, height: height, timestamp: timestamp,
                                parents: parents, transactions: transactions)
            if includingSignature { writer.writeLengthPrefixed(signature) }
        }
    }

    /// Recomputes the id from the fields; equals `id` for every vertex built by this type.
    public func computeID() -> Hash256 {
        Self.unsignedID(creator: creator, height: height, timestamp: timestamp, parents: parents,
                        transactions: transactions, size: unsignedSize)
    }

    /// Whether the signature is valid for `id` under `key`.
    public func hasValidSignature(for key: VerifyingKey) -> Bool {
        key.isValidSignature(signature, for: id)
    }

    /// Decodes a signed encoding, rejecting truncated input, trailing bytes and non-canonical fields.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Vertex {
        var reader = ByteReader(bytes)
        try reader.expectTag(domainTag)
        let creator = try reader.readUInt32()
        let height = try reader.readUInt64()
        let timestamp = try reader.readInt64()
        let parentCount = Int(try reader.readUInt32())
        guard parentCount * 32 <= reader.remaining else {
            throw .truncated(offset: reader.offset, needed: parentCount * 32 - reader.remaining)
        }
        var parents: [Hash256] = []
        parents.reserveCapacity(parentCount)
        for _ in 0..<parentCount {
            let parent = try reader.readHash()
            if let last = parents.last, parent <= last { throw .invalidField("vertex parents not sorted and distinct") }
            parents.append(parent)
        }
        if height == 0, !parents.isEmpty { throw .invalidField("a height-0 vertex has no parents") }
        if height > 0, parents.isEmpty { throw .invalidField("a vertex above height 0 needs parents") }
        let txCount = Int(try reader.readUInt32())
        guard txCount <= reader.remaining else { throw .truncated(offset: reader.offset, needed: txCount - reader.remaining) }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(txCount)
        for _ in 0..<txCount {
            var txReader = ByteReader(try reader.readLengthPrefixed())
            transactions.append(try Transaction.decode(from: &txReader))
            try txReader.expectEnd()
        }
        let unsignedSize = reader.offset
        let signature = try reader.readLengthPrefixed()
        try reader.expectEnd()
        let id = bytes.withUnsafeBytes { BLAKE3.hash(UnsafeRawBufferPointer(rebasing: $0[0..<unsignedSize])) }
        return Vertex(id: id, creator: creator, height: height, timestamp: timestamp, parents: parents,
                      transactions: transactions, signature: signature, unsignedSize: unsignedSize)
    }

    /// Length of the unsigned encoding of a vertex with `parentCount` parents and `transactions`.
    @inline(__always)
    static func unsignedSize(parentCount: Int, transactions: [Transaction]) -> Int {
        var size = 1 + domainTag.utf8CodeUnitCount + 4 + 8 + 8 + 4 + 32 * parentCount + 4
        for tx in transactions { size += 4 + tx.encodedSize }
        return size
    }

    /// BLAKE3 of the unsigned encoding (`size` bytes), built in temporary storage padded
    /// to whole blocks, which the hash reads in place.
    @inline(__always)
    static func unsignedID(creator: NodeID, height: UInt64, timestamp: Int64, parents: [Hash256],
                           transactions: [Transaction], size: Int) -> Hash256 {
        BufferWriter.withZeroPaddedBytes(count: size, block: BLAKE3.blockLength) { writer in
            encodeUnsigned(into: &writer, creator: creator, height: height, timestamp: timestamp,
                           parents: parents, transactions: transactions)
        } _: { BLAKE3.hash(zeroPadded: $0, count: size) }
    }

    /// Writes the unsigned canonical encoding: domain tag, creator, height, timestamp, the
    /// parents (count, then ids), the transactions (count, then each length-prefixed).
    @inline(__always)
    static func encodeUnsigned(into writer: inout BufferWriter, creator: NodeID, height: UInt64, timestamp: Int64,
                               parents: [Hash256], transactions: [Transaction]) {
        writer.writeTag(domainTag)
        writer.write(creator)
        writer.write(height)
        writer.write(timestamp)
        writer.write(UInt32(parents.count))
        for parent in parents { writer.write(parent) }
        writer.write(UInt32(transactions.count))
        for tx in transactions {
            writer.write(UInt32(tx.encodedSize))
            tx.encode(into: &writer)
        }
    }

    public var description: String { "Vertex(\(id.hex.prefix(12)) h=\(height) by \(creator), \(transactions.count) tx)" }
}
