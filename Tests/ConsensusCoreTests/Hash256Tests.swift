import Testing

@testable import ConsensusCore

@Suite("Hash256")
struct Hash256Tests {
    static let sequential = Hash256(bytes: Array(UInt8(0)..<32))

    @Test("bytes map to little-endian words in order")
    func wordLayout() {
        let hash = Self.sequential
        #expect(hash.w0 == 0x0706_0504_0302_0100)
        #expect(hash.w1 == 0x0F0E_0D0C_0B0A_0908)
        #expect(hash.w2 == 0x1716_1514_1312_1110)
        #expect(hash.w3 == 0x1F1E_1D1C_1B1A_1918)
        #expect(hash.bytes == Array(UInt8(0)..<32))
        #expect(hash.withUnsafeBytes { Array($0) } == Array(UInt8(0)..<32))
    }

    @Test("hex round trip, either case")
    func hexRoundTrip() {
        let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        #expect(Self.sequential.hex == hex)
        #expect(Self.sequential.description == hex)
        #expect(Hash256(hex: hex) == Self.sequential)
        #expect(Hash256(hex: hex.uppercased()) == Self.sequential)
        let mixed = "Ff" + String(repeating: "0", count: 62)
        #expect(Hash256(hex: mixed)?.bytes.first == 0xFF)
    }

    @Test("malformed hex is rejected")
    func badHex() {
        let valid = String(repeating: "ab", count: 32)
        #expect(Hash256(hex: valid) != nil)
        #expect(Hash256(hex: String(valid.dropLast())) == nil)
        #expect(Hash256(hex: valid + "a") == nil)
        #expect(Hash256(hex: valid + "ab") == nil)
        #expect(Hash256(hex: "") == nil)
        #expect(Hash256(hex: "g" + String(valid.dropFirst())) == nil)
        #expect(Hash256(hex: " " + String(valid.dropFirst())) == nil)
    }

    @Test("zero")
    func zero() {
        #expect(Hash256.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(Hash256.zero.hex == String(repeating: "0", count: 64))
        #expect(Hash256.zero < Self.sequential)
    }

    @Test("order is lexicographic on bytes, byte 0 first")
    func ordering() {
        var random = BLAKE3TestRandom(state: 42)
        var hashes: [Hash256] = []
        for _ in 0..<200 {
            var bytes = random.bytes(32)
            // Many shared prefixes so that later words decide too.
            let shared = random.next(below: 33)
            for index in 0..<shared { bytes[index] = 0x5A }
            hashes.append(Hash256(bytes: bytes))
        }
        let sorted = hashes.sorted()
        let byBytes = hashes.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        #expect(sorted == byBytes)
        #expect(sorted.map(\.hex) == hashes.map(\.hex).sorted())
        // Byte 0 dominates even though it is the lowest byte of w0.
        let high0 = Hash256(w0: 0x02, w1: 0, w2: 0, w3: 0)
        let high7 = Hash256(w0: 0x0100_0000_0000_0000, w1: 0, w2: 0, w3: 0)
        #expect(high7 < high0)
        #expect(!(high0 < high0))
    }

    @Test("equal hashes hash equally; a Set keeps distinct ones")
    func hashable() {
        let a = BLAKE3.hash([1])
        let b = BLAKE3.hash([2])
        var set: Set<Hash256> = [a, b, Hash256(bytes: a.bytes)]
        #expect(set.count == 2)
        set.remove(a)
        #expect(set == [b])
    }

    @Test("hash tables hold many hand-made hashes: small w0, equal w0 with other words differing")
    func handMadeHashesInTables() {
        var table: [Hash256: Int] = [:]
        for n in 0..<5_000 { table[Hash256(w0: UInt64(n), w1: 0, w2: 0, w3: 0)] = n }
        for n in 0..<50 { table[Hash256(w0: 7, w1: UInt64(n + 1), w2: 0, w3: 0)] = -n }
        #expect(table.count == 5_050)
        #expect(table[Hash256(w0: 4_321, w1: 0, w2: 0, w3: 0)] == 4_321)
        #expect(table[Hash256(w0: 7, w1: 30, w2: 0, w3: 0)] == -29)
        #expect(table[Hash256(w0: 5_000, w1: 0, w2: 0, w3: 0)] == nil)
        let a = Hash256(w0: 99, w1: 1, w2: 2, w3: 3)
        #expect(a._rawHashValue(seed: 12) == Hash256(w0: 99, w1: 1, w2: 2, w3: 3)._rawHashValue(seed: 12))
        #expect(a._rawHashValue(seed: 12) != a._rawHashValue(seed: 13))
    }
}
