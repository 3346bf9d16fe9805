import Testing
@testable import ConsensusCore

@Suite("Transaction and vertex encoding")
struct EncodingTests {
    let parentA = vertex(on: [genesis], [tx(spending: [1], nonce: 1)])
    let parentB = vertex(on: [genesis], [tx(spending: [2], nonce: 2)])

    func sample() -> Vertex {
        vertex(on: [parentA, parentB], [tx(spending: [3, 4], nonce: 3), tx(spending: [5], nonce: 4)], creator: 7, timestamp: 99)
    }

    @Test func vertexRoundTrips() throws {
        let original = sample()
        let decoded = try Vertex.decode(original.encoded())
        #expect(decoded.id == original.id)
        #expect(decoded.creator == 7)
        #expect(decoded.height == 2)
        #expect(decoded.timestamp == 99)
        #expect(decoded.parents == original.parents)
        #expect(decoded.transactions.map(\.id) == original.transactions.map(\.id))
        #expect(decoded.transactions[0].inputs == [3, 4])
        #expect(decoded.encoded() == original.encoded())
    }

    @Test func everyTruncationIsRejected() {
        let bytes = sample().encoded()
        for length in 0..<bytes.count {
            #expect(throws: DecodingError.self, "prefix of \(length) bytes decoded") {
                _ = try Vertex.decode(Array(bytes[0..<length]))
            }
        }
    }

    @Test func trailingBytesAreRejected() {
        let bytes = sample().encoded() + [0]
        #expect(throws: DecodingError.trailingBytes(count: 1)) { _ = try Vertex.decode(bytes) }
    }

    @Test func wrongDomainTagIsRejected() {
        var bytes = sample().encoded()
        bytes[1] ^= 0x20
        #expect(throws: DecodingError.wrongTag(expected: "cretoscale.vertex.v1")) { _ = try Vertex.decode(bytes) }
    }

    @Test func idCoversEveryField() {
        let txs = [tx(spending: [9], nonce: 9)]
        let base = vertex(on: [parentA], txs, creator: 1, timestamp: 5)
        let variants = [
            vertex(on: [parentA], txs, creator: 2, timestamp: 5),                       // creator
            vertex(on: [parentA], txs, creator: 1, timestamp: 6),                       // timestamp
            vertex(on: [parentB], txs, creator: 1, timestamp: 5),                       // parents
            vertex(on: [parentA], [tx(spending: [9], nonce: 10)], creator: 1, timestamp: 5),  // transactions
            vertex(on: [parentA], [], creator: 1, timestamp: 5),
        ]
        for variant in variants { #expect(variant.id != base.id) }
        #expect(Set(variants.map(\.id)).count == variants.count)
    }

    @Test func transactionIdCoversPayloadAndOrigin() {
        let a = Transaction(inputs: [1], payload: [1, 2, 3], origin: 1, submitTime: 0, nonce: 0)
        #expect(a.id != Transaction(inputs: [1], payload: [1, 2, 4], origin: 1, submitTime: 0, nonce: 0).id)
        #expect(a.id != Transaction(inputs: [1], payload: [1, 2, 3], origin: 2, submitTime: 0, nonce: 0).id)
        #expect(a.id != Transaction(inputs: [2], payload: [1, 2, 3], origin: 1, submitTime: 0, nonce: 0).id)
        #expect(a.id == Transaction(inputs: [1, 1], payload: [1, 2, 3], origin: 1, submitTime: 0, nonce: 0).id)
    }

    @Test func unsortedParentsAreRejectedWhenDecoding() {
        var writer = ByteWriter()
        writer.writeTag("cretoscale.vertex.v1")
        writer.write(UInt32(1)); writer.write(UInt64(1)); writer.write(Int64(0))
        writer.write(UInt32(2)); writer.write(parentB.id.max(parentA.id)); writer.write(parentB.id.min(parentA.id))
        writer.write(UInt32(0)); writer.writeLengthPrefixed([])
        #expect(throws: DecodingError.invalidField("vertex parents not sorted and distinct")) {
            _ = try Vertex.decode(writer.bytes)
        }
    }

    @Test func bufferWriterWritesWhatByteWriterAppends() {
        var growing = ByteWriter()
        let expected = BufferWriter.bytes(count: 1 + 7 + 1 + 4 + 8 + 8 + 32 + 4 + 3) { writeEveryField(&$0) }
        writeEveryField(&growing)
        #expect(expected == growing.bytes)
        #expect(expected[0...8] == [7, 0x61, 0x2E, 0x74, 0x61, 0x67, 0x2E, 0x31, 0xA5])
        #expect(expected[9...12] == [4, 3, 2, 1])
    }

    @Test func parentsAndInputsInAnyOrderGiveTheSameIDs() {
        let ordered = vertex(on: [parentA, parentB], [tx(spending: [3, 4], nonce: 3)])
        let shuffled = try! Vertex(creator: 1, height: 2, timestamp: 1, parents: [parentB.id, parentA.id, parentB.id],
                                   transactions: [tx(spending: [4, 3, 4], nonce: 3)], signer: nil)
        #expect(shuffled.parents == [parentA.id, parentB.id].sorted())
        #expect(shuffled.transactions[0].inputs == [3, 4])
        #expect(shuffled.id == ordered.id)
        #expect(shuffled.computeID() == shuffled.id)
        #expect(shuffled.encoded(includingSignature: false).count == shuffled.unsignedSize)
        #expect([UInt64]([5, 5]).sortedAndDistinct() == [5])
        #expect([UInt64]([1, 2, 2, 3]).sortedAndDistinct() == [1, 2, 3])
        #expect([UInt64]([]).sortedAndDistinct() == [])
    }

    @Test func wireSizeCountsSignatureAndPayloads() {
        let v = sample()
        #expect(v.wireSize == v.encoded(includingSignature: false).count + 4 + 16 * 2)
    }
}

extension Hash256 {
    func max(_ other: Hash256) -> Hash256 { self < other ? other : self }
    func min(_ other: Hash256) -> Hash256 { self < other ? self : other }
}

@Suite("Golden encoding")
struct GoldenEncodingTests {
    /// A fixed vertex whose id must never change: a change here means the encoding changed,
    /// which invalidates every stored id and signature. The values were checked against an
    /// independent encoding hashed with the official BLAKE3 implementation.
    @Test func fixedVertexHasPinnedID() throws {
        let tx = Transaction(inputs: [42, 7], payload: Array("cretoscale".utf8), origin: 3,
                             submitTime: 1_000_000_000, nonce: 9)
        let parent = Hash256(w0: 1, w1: 2, w2: 3, w3: 4)
        let v = try Vertex(creator: 5, height: 1, timestamp: 2_000_000_000, parents: [parent],
                           transactions: [tx], signer: nil)
        #expect(tx.id.hex == "ec41708fff537da62598aa1db52ed9b08cab74cd1104c2dbc606487fa7765be3")
        #expect(v.id.hex == "56b60ba91992eed6efcb3f55d714a2be42b0baa67e215bef78cc61b4cd96166b")
        #expect(v.encoded(includingSignature: false).count == v.unsignedSize)
    }
}

/// What both writers offer, so that one sequence of writes can go to either.
private protocol FieldWriter {
    mutating func writeTag(_ tag: StaticString)
    mutating func write(_ value: UInt8)
    mutating func write(_ value: UInt32)
    mutating func write(_ value: UInt64)
    mutating func write(_ value: Int64)
    mutating func write(_ hash: Hash256)
    mutating func writeLengthPrefixed(_ field: [UInt8])
}

extension ByteWriter: FieldWriter {}
extension BufferWriter: FieldWriter {}

/// One field of every kind the writers write.
private func writeEveryField(_ writer: inout some FieldWriter) {
    writer.writeTag("a.tag.1")
    writer.write(UInt8(0xA5))
    writer.write(UInt32(0x0102_0304))
    writer.write(UInt64(0x0102_0304_0506_0708))
    writer.write(Int64(-2))
    writer.write(Hash256(w0: 1, w1: 2, w2: 3, w3: 0xFF00_0000_0000_0001))
    writer.writeLengthPrefixed([9, 8, 7])
}
