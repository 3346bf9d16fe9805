@testable import ConsensusCore

/// A small seeded generator for tests (splitmix64), so that test data is reproducible.
struct TestGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func choice(_ n: UInt64) -> Hash256 { Hash256(w0: n, w1: 0, w2: 0, w3: 0) }

let genesis = try! Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)

func tx(spending inputs: [InputID], nonce: UInt64 = 0, origin: NodeID = 1) -> Transaction {
    Transaction(inputs: inputs, payload: [UInt8](repeating: UInt8(truncatingIfNeeded: nonce), count: 16),
                origin: origin, submitTime: Int64(nonce), nonce: nonce)
}

func vertex(on parents: [Vertex], _ transactions: [Transaction], creator: NodeID = 1, timestamp: Int64 = 1) -> Vertex {
    let height = parents.map(\.height).max().map { $0 + 1 } ?? 0
    return try! Vertex(creator: creator, height: height, timestamp: timestamp, parents: parents.map(\.id),
                       transactions: transactions, signer: nil)
}

/// Small parameters that keep tests short: k 5, αPref 3, αConf 4, β 3.
let smallParameters = ConsensusParameters(k: 5, alphaPreference: 3, alphaConfidence: 4, beta: 3, concurrentRepolls: 1)
