/// Drives one node's disk and store with a synthetic stream of vertex writes and reads, so
/// that `cretoscale bench` can time what the storage model costs the simulator per operation.
///
/// The stream is what a node of a busy cluster does: a vertex (a few KiB) every 10 µs of
/// simulated time, a batch of decision records after every second vertex, a read of an
/// older vertex now and then; memtable flushes and compactions happen as they fall due.
public struct StorageBenchmark {
    private var model: StorageModel
    private var time: Int64 = 0
    private var operations = 0

    /// A node with the disk and store layout of `options` (RocksDB's layout on an NVMe SSD by default).
    public init(options: DiskOptions = DiskOptions()) {
        model = StorageModel(options: options, nodes: 1, warmupEnd: .zero)
    }

    /// Writes one vertex of `bytes` bytes (and, every second one, the records of a decision);
    /// returns when the node's writes are durable.
    public mutating func writeVertex(bytes: Int) -> Int64 {
        time += 10_000
        operations += 1
        model.write(0, bytes: Int64(bytes), records: 1, at: time)
        if operations & 1 == 0 { model.write(0, bytes: 154, records: 3, at: time) }
        return model.durableAt(0)
    }

    /// Reads one vertex of `bytes` bytes back; returns when its data is back.
    public mutating func readVertex(bytes: Int) -> Int64 {
        time += 10_000
        return model.read(0, bytes: Int64(bytes), records: 1, at: time)
    }

    /// Bytes the store occupies on disk.
    public var storeBytes: Int64 { model.storeBytes(0) }

    /// Compactions so far.
    public var compactions: Int { model.compactions }
}
