import ConsensusCore

/// CPU service times of a node's operations, in nanoseconds at `cpuSpeed` 1.
///
/// The figures are medians of `cretoscale bench` on the real code of this project,
/// release build, on the reference machine (2-core x86-64): re-measure with
/// `cretoscale bench --json` and update this one table when the code or the machine
/// class changes. Where no benchmark measures an operation, the line says what the
/// estimate rests on.
public struct CPUCostTable: Sendable, Equatable {
    /// Receiving and dispatching any message: framing, decoding, bookkeeping.
    /// Estimate: decoding a vertex (bench `vertex.create.parents` re-hashes a vertex of the
    /// same size) rounded up for queue handling.
    public var messageNs: Int64
    /// BLAKE3 per KiB hashed (bench `blake3.10kb` ÷ 10): vertex ids and payload digests.
    public var hashPerKiBNs: Int64
    /// Verifying one ML-DSA-87 signature (bench `vertex.verify`).
    public var verifyMLDSA87Ns: Int64
    /// Verifying one ML-DSA-65 signature (ML-DSA-65 verifies in about 55 % of ML-DSA-87's time).
    public var verifyMLDSA65Ns: Int64
    /// Signing one vertex id with ML-DSA-87 (bench `vertex.sign`).
    public var signMLDSA87Ns: Int64
    /// Signing one vertex id with ML-DSA-65 (about 85 % of ML-DSA-87's time).
    public var signMLDSA65Ns: Int64
    /// Recording one poll, per processing vertex the node holds (bench `avalanche.poll.1000` ÷ 1,000).
    public var pollPerProcessingVertexNs: Int64
    /// Adding one vertex to the DAG and engine (bench `dag.add.1000` ÷ 1,000).
    /// (Disk reads and writes are the storage model's: `DiskOptions`.)
    public var addVertexNs: Int64

    /// The calibrated table.
    public static let calibrated = CPUCostTable(
        messageNs: 2_000,
        hashPerKiBNs: 1_000,
        verifyMLDSA87Ns: 430_000,
        verifyMLDSA65Ns: 240_000,
        signMLDSA87Ns: 900_000,
        signMLDSA65Ns: 800_000,
        pollPerProcessingVertexNs: 100,
        addVertexNs: 2_000
    )

    /// A table in which every operation is free: for model checks of the protocol alone.
    public static let instant = CPUCostTable(messageNs: 0, hashPerKiBNs: 0, verifyMLDSA87Ns: 0, verifyMLDSA65Ns: 0,
                                             signMLDSA87Ns: 0, signMLDSA65Ns: 0, pollPerProcessingVertexNs: 0,
                                             addVertexNs: 0)

    /// Every cost multiplied by `factor` (a node `1 / factor` times as fast).
    public func scaled(by factor: Double) -> CPUCostTable {
        func scale(_ ns: Int64) -> Int64 { Int64(Double(ns) * factor) }
        return CPUCostTable(
            messageNs: scale(messageNs), hashPerKiBNs: scale(hashPerKiBNs),
            verifyMLDSA87Ns: scale(verifyMLDSA87Ns), verifyMLDSA65Ns: scale(verifyMLDSA65Ns),
            signMLDSA87Ns: scale(signMLDSA87Ns), signMLDSA65Ns: scale(signMLDSA65Ns),
            pollPerProcessingVertexNs: scale(pollPerProcessingVertexNs), addVertexNs: scale(addVertexNs))
    }

    /// Verifying one signature of `scheme`.
    public func verifyNs(_ scheme: SignatureScheme) -> Int64 {
        scheme == .mlDSA87 ? verifyMLDSA87Ns : verifyMLDSA65Ns
    }

    /// Signing one vertex id with `scheme`.
    public func signNs(_ scheme: SignatureScheme) -> Int64 {
        scheme == .mlDSA87 ? signMLDSA87Ns : signMLDSA65Ns
    }

    /// Hashing `bytes` bytes.
    public func hashNs(bytes: Int) -> Int64 { Int64(bytes) * hashPerKiBNs / 1_024 }
}
