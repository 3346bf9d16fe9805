import Testing
@testable import ConsensusCore

@Suite("ML-DSA signatures")
struct SignatureTests {
    @Test(arguments: SignatureScheme.allCases)
    func signAndVerify(scheme: SignatureScheme) throws {
        let key = try SigningKey(scheme: scheme, seed: Hash256(w0: 1, w1: 2, w2: 3, w3: 4))
        let v = try Vertex(creator: 3, height: 1, timestamp: 10, parents: [genesis.id],
                           transactions: [tx(spending: [1])], signer: key)
        #expect(v.signature.count == scheme.signatureSize)
        #expect(key.verifyingKey.rawRepresentation.count == scheme.publicKeySize)
        #expect(v.hasValidSignature(for: key.verifyingKey))
        let other = try SigningKey(scheme: scheme, seed: Hash256(w0: 5, w1: 6, w2: 7, w3: 8))
        #expect(!v.hasValidSignature(for: other.verifyingKey))
        var flipped = v.signature
        flipped[10] ^= 1
        #expect(!key.verifyingKey.isValidSignature(flipped, for: v.id))
        #expect(!key.verifyingKey.isValidSignature(v.signature, for: genesis.id))
    }

    @Test func keysFromTheSameSeedAreTheSame() throws {
        let seed = Hash256(w0: 42, w1: 0, w2: 0, w3: 0)
        let a = try SigningKey(scheme: .mlDSA87, seed: seed).verifyingKey.rawRepresentation
        let b = try SigningKey(scheme: .mlDSA87, seed: seed).verifyingKey.rawRepresentation
        #expect(a == b)
        let parsed = try VerifyingKey(scheme: .mlDSA87, rawRepresentation: a)
        #expect(parsed.rawRepresentation == a)
    }

    @Test func signatureSurvivesEncoding() throws {
        let key = try SigningKey(scheme: .mlDSA65, seed: Hash256(w0: 9, w1: 9, w2: 9, w3: 9))
        let v = try Vertex(creator: 3, height: 1, timestamp: 10, parents: [genesis.id], transactions: [], signer: key)
        let decoded = try Vertex.decode(v.encoded())
        #expect(decoded.signature == v.signature)
        #expect(decoded.hasValidSignature(for: key.verifyingKey))
    }
}
