import ConsensusCore
import Simulation

/// The consensus-core benchmarks, mirroring the original implementation's regression
/// table (its figures are the baselines), plus signatures, Snowball and a poll, and what
/// the simulator's storage model costs per disk operation, and its event queue.
enum CoreBenchmarks {
    /// Every benchmark, in report order.
    static func all() throws -> [MicroBenchmark] {
        let fixtures = try Fixtures()
        return [
            MicroBenchmark(name: "vertex.create.genesis", baselineNs: 176) { n in
                var acc: UInt64 = 0
                for i in 0..<n {
                    let v = try! Vertex(creator: 1, height: 0, timestamp: Int64(i), parents: [], transactions: [], signer: nil)
                    acc &+= v.id.w0
                }
                return acc
            },
            MicroBenchmark(name: "vertex.create.parents", baselineNs: 1_900) { n in
                var acc: UInt64 = 0
                for i in 0..<n {
                    let v = try! Vertex(creator: 1, height: 1, timestamp: Int64(i), parents: fixtures.fiveParents,
                                        transactions: [fixtures.smallTransaction], signer: nil)
                    acc &+= v.id.w0
                }
                return acc
            },
            MicroBenchmark(name: "vertex.create.10kb", baselineNs: 12_500) { n in
                var acc: UInt64 = 0
                for i in 0..<n {
                    let tx = Transaction(inputs: [UInt64(i)], payload: fixtures.tenKilobytes, origin: 1,
                                         submitTime: Int64(i), nonce: UInt64(i))
                    let v = try! Vertex(creator: 1, height: 1, timestamp: Int64(i), parents: fixtures.fiveParents,
                                        transactions: [tx], signer: nil)
                    acc &+= v.id.w0
                }
                return acc
            },
            dagAdd(count: 100, baselineNs: 54_000, fixtures),
            dagAdd(count: 1_000, baselineNs: 612_000, fixtures),
            MicroBenchmark(name: "dag.get", baselineNs: 128) { n in
                var acc: UInt64 = 0
                let ids = fixtures.dagIDs
                for i in 0..<n { acc &+= fixtures.dag.vertex(ids[i % ids.count])!.height }
                return acc
            },
            MicroBenchmark(name: "dag.topoSort.1000", baselineNs: 35_000) { n in
                var acc: UInt64 = 0
                for _ in 0..<n { acc &+= fixtures.dag.topologicalOrder()[500].w0 }
                return acc
            },
            blake3(bytes: 100, baselineNs: 202),
            blake3(bytes: 1_024, baselineNs: 1_420),
            blake3(bytes: 10_240, baselineNs: 10_660),
            MicroBenchmark(name: "vertex.sign", baselineNs: nil) { n in
                var acc: UInt64 = 0
                for _ in 0..<n { acc &+= UInt64(try! fixtures.key.sign(fixtures.dagIDs[1])[0]) }
                return acc
            },
            MicroBenchmark(name: "vertex.verify", baselineNs: nil) { n in
                var acc: UInt64 = 0
                for _ in 0..<n { acc &+= fixtures.signedVertex.hasValidSignature(for: fixtures.key.verifyingKey) ? 1 : 0 }
                return acc
            },
            MicroBenchmark(name: "snowball.recordPoll", baselineNs: nil) { n in
                var snowball = Snowball(initial: fixtures.dagIDs[1])
                let never = ConsensusParameters(k: 20, alphaPreference: 15, alphaConfidence: 15, beta: Int.max, concurrentRepolls: 4)
                for i in 0..<n {
                    snowball.recordPoll(votes: 14 + (i & 3), choice: fixtures.dagIDs[1 + (i & 1)], parameters: never)
                }
                return UInt64(snowball.confidence)
            },
            MicroBenchmark(name: "avalanche.poll.1000", baselineNs: nil) { n in
                var engine = fixtures.pollEngine
                var acc: UInt64 = 0
                for _ in 0..<n { acc &+= UInt64(engine.recordPoll(fixtures.pollChits).acceptedVertices.count) }
                return acc &+ UInt64(engine.processingVertexCount)
            },
            // One vertex of the reference size (a 256-byte payload, ML-DSA-87) per write; flushes
            // and compactions of the default layout are included as they fall due.
            MicroBenchmark(name: "storage.write", baselineNs: nil) { n in
                var storage = StorageBenchmark()
                var acc: Int64 = 0
                for _ in 0..<n { acc &+= storage.writeVertex(bytes: 5_200) }
                return UInt64(truncatingIfNeeded: acc) &+ UInt64(storage.compactions)
            },
            MicroBenchmark(name: "storage.read", baselineNs: nil) { n in
                var storage = StorageBenchmark()
                var acc: Int64 = 0
                for _ in 0..<n { acc &+= storage.readVertex(bytes: 5_200) }
                return UInt64(truncatingIfNeeded: acc)
            },
            // The simulator's calendar queue against a 4-ary heap, with as many events pending
            // as a 10,000-node WAN run holds (about 800,000): one pop and one push each.
            queueHold(.calendarQueue),
            queueHold(.quaternaryHeap),
        ]
    }

    /// Pending events of the queue benchmarks.
    static let queuePending = 800_000

    /// A hold benchmark on a queue of `kind`, filled before timing (about a second) and kept
    /// at its steady state across samples; only when selected, so other runs do not pay for it.
    private static func queueHold(_ kind: EventQueueHoldLoad.Kind) -> MicroBenchmark {
        final class Holder { var load: EventQueueHoldLoad? }
        let holder = Holder()
        return MicroBenchmark(name: "queue.hold.\(kind.rawValue)", baselineNs: nil,
                              body: { n in holder.load!.hold(operations: n) },
                              prepare: { holder.load = EventQueueHoldLoad(kind: kind, pending: queuePending, seed: 1) })
    }

    private static func dagAdd(count: Int, baselineNs: Double, _ fixtures: Fixtures) -> MicroBenchmark {
        let vertices = Array(fixtures.dagVertices.prefix(count))
        return MicroBenchmark(name: "dag.add.\(count)", baselineNs: baselineNs) { n in
            var acc: UInt64 = 0
            for _ in 0..<n {
                var dag = DAG()
                dag.insert(fixtures.genesis, status: .accepted)
                for v in vertices { try! dag.add(v) }
                acc &+= UInt64(dag.count)
            }
            return acc
        }
    }

    private static func blake3(bytes: Int, baselineNs: Double) -> MicroBenchmark {
        let input = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let label = bytes >= 1_024 ? "\(bytes / 1_024)kb" : "\(bytes)b"
        return MicroBenchmark(name: "blake3.\(label)", baselineNs: baselineNs) { n in
            var acc: UInt64 = 0
            input.withUnsafeBytes { raw in
                for _ in 0..<n { acc &+= BLAKE3.hash(raw).w0 }
            }
            return acc
        }
    }
}

/// Inputs built once, outside the timed loops.
private struct Fixtures {
    let genesis: Vertex
    let fiveParents: [Hash256]
    let smallTransaction: Transaction
    let tenKilobytes: [UInt8]
    /// 1,000 vertices over genesis, each on up to 5 earlier ones, one transaction each.
    let dagVertices: [Vertex]
    let dag: DAG
    let dagIDs: [Hash256]
    let key: SigningKey
    let signedVertex: Vertex
    /// An engine holding the 1,000 vertices as processing, and a poll of 20 chits on its frontier.
    let pollEngine: AvalancheEngine
    let pollChits: [[Hash256]]

    init() throws {
        genesis = try Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        smallTransaction = Transaction(inputs: [1], payload: [UInt8](repeating: 7, count: 256), origin: 1, submitTime: 0, nonce: 0)
        tenKilobytes = [UInt8](repeating: 0xAB, count: 10_240)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {         // xorshift64: fixture layout only
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var vertices: [Vertex] = []
        var dag = DAG()
        dag.insert(genesis, status: .accepted)
        var all = [genesis]
        for i in 0..<1_000 {
            var parents: [Vertex] = []
            for _ in 0..<5 { parents.append(all[max(0, all.count - 1 - next(8))]) }
            let height = parents.map(\.height).max()! + 1
            let tx = Transaction(inputs: [UInt64(i + 10)], payloadSize: 256, payloadDigest: .zero, origin: 1,
                                 submitTime: Int64(i), nonce: UInt64(i))
            let v = try Vertex(creator: 1, height: height, timestamp: Int64(i), parents: parents.map(\.id),
                               transactions: [tx], signer: nil)
            try dag.add(v)
            vertices.append(v)
            all.append(v)
        }
        dagVertices = vertices
        self.dag = dag
        dagIDs = all.map(\.id)
        fiveParents = Array(dagIDs[1...5])
        key = try SigningKey(scheme: .mlDSA87, seed: Hash256(w0: 1, w1: 2, w2: 3, w3: 4))
        signedVertex = try Vertex(creator: 1, height: 1, timestamp: 0, parents: [genesis.id],
                                  transactions: [smallTransaction], signer: key)
        let slow = ConsensusParameters(k: 20, alphaPreference: 15, alphaConfidence: 15, beta: 1 << 30, concurrentRepolls: 4)
        var engine = try AvalancheEngine(parameters: slow, genesis: genesis)
        for v in vertices { try engine.add(v) }
        pollEngine = engine
        // Twenty different chits, each reaching almost all 1,000 processing vertices:
        // no two are alike, so none of the walks can be shared.
        pollChits = (0..<20).map { [vertices[vertices.count - 1 - $0].id] }
    }
}
