/// Every node's disk and the log-structured store on it: the one place where the storage
/// model's parameters and their defaults live.
///
/// The device defaults describe a data-centre NVMe SSD (TLC flash, power-loss protection).
/// They are estimates from the class of hardware, not measurements of one drive: sustained
/// writes past the drive's cache of about 1 GB/s, reads of about 3 GB/s, a flushed write
/// acknowledged in about 20 µs and a 4 KiB random read in about 80 µs, about 200,000
/// operations per second at queue depth. The store defaults are RocksDB's documented
/// defaults (`write_buffer_size` 64 MiB, `level0_file_num_compaction_trigger` 4,
/// `max_bytes_for_level_base` 256 MiB, `max_bytes_for_level_multiplier` 10, 7 levels, writes
/// slowed at `level0_slowdown_writes_trigger` 20 level-0 files of 64 MiB).
///
/// A megabyte is 2^20 bytes here, as in `node.memory`.
public struct DiskOptions: Sendable, Equatable {
    /// Sustained write bandwidth of the device, MB/s.
    public var writeMBps = 1_000.0
    /// Read bandwidth of the device, MB/s.
    public var readMBps = 3_000.0
    /// Time from a write reaching the device until it is durable. Pipelined: it delays the
    /// write's completion but does not occupy the device.
    public var writeLatency: SimDuration = .microseconds(20)
    /// Time from a read reaching the device until its data is back. Pipelined, as for writes.
    public var readLatency: SimDuration = .microseconds(80)
    /// Operations the device completes per second at most: each operation occupies it for
    /// 1 ÷ iops besides its bytes. Writes that queue behind one another are committed as one
    /// group (one operation), as a log-structured store's write-ahead log does.
    public var iops = 200_000.0
    /// Bytes a node's store gathers in memory (and in its write-ahead log) before flushing
    /// them to level 0 as one file, MB.
    public var memtableMB = 64.0
    /// Level-0 files that trigger their compaction into level 1.
    public var level0Files = 4
    /// Size above which level 1 is compacted into level 2, MB; each deeper level may hold
    /// `levelMultiplier` times the one above it.
    public var levelBaseMB = 256.0
    /// Growth factor from one level's size limit to the next.
    public var levelMultiplier = 10.0
    /// Output of memtable flushes and level-0 compactions still to be written, MB, above which
    /// the store holds new writes back until it is under again, as RocksDB slows writes when
    /// level 0 falls behind (20 files of 64 MiB, 1,280 MB, by default).
    public var level0BacklogMB = 1_280.0
    /// How long a node keeps a vertex and the records written with it on disk; nil keeps the
    /// whole history, as avalanchego keeps the DAG. Older history is deleted (a delete marker
    /// per record) and its bytes are reclaimed when a compaction rewrites them.
    public var retention: SimDuration?

    /// Levels of the store, level 0 included (RocksDB's `num_levels` default).
    public static let levels = 7

    /// The default disk: a data-centre NVMe SSD holding RocksDB's default layout.
    public init() {}

    /// A disk that costs nothing: no latency, unlimited bandwidth and operations. For model
    /// checks of the protocol alone, and as the reference a fast disk is compared with.
    public static var instant: DiskOptions {
        var disk = DiskOptions()
        disk.writeMBps = .infinity
        disk.readMBps = .infinity
        disk.writeLatency = .zero
        disk.readLatency = .zero
        disk.iops = .infinity
        return disk
    }

    /// Why these options cannot describe a disk, or nil when they can.
    public var problem: String? {
        if !(writeMBps > 0) { return "disk.writeMBps must be > 0" }
        if !(readMBps > 0) { return "disk.readMBps must be > 0" }
        if writeLatency < .zero || readLatency < .zero { return "disk latencies must be ≥ 0" }
        if !(iops > 0) { return "disk.iops must be > 0" }
        if !(memtableMB > 0) || !memtableMB.isFinite { return "disk.memtableMB must be > 0" }
        if level0Files < 1 { return "disk.level0Files must be ≥ 1" }
        if !(levelBaseMB > 0) || !levelBaseMB.isFinite { return "disk.levelBaseMB must be > 0" }
        if !(levelMultiplier > 1) || !levelMultiplier.isFinite { return "disk.levelMultiplier must be > 1" }
        if !(level0BacklogMB > 0) || !level0BacklogMB.isFinite { return "disk.level0BacklogMB must be > 0" }
        if let retention, retention <= .zero { return "disk.retention must be > 0" }
        return nil
    }
}
