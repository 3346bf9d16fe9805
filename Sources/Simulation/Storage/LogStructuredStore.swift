/// Bytes a piece of background work reads from and writes to the device.
struct DeviceBytes: Equatable {
    var read: Int64 = 0
    var write: Int64 = 0
}

/// Device work that keeping a store in shape costs: memtable flushes and compactions.
struct BackgroundWork: Equatable {
    /// Memtable flushes and level-0 compactions: the work that must keep up for writes to flow.
    var level0 = DeviceBytes()
    /// Compactions of the deeper levels.
    var deeper = DeviceBytes()
    /// Compactions that rewrote data (a level moved without rewriting is not one).
    var compactions = 0
    /// Bytes of deleted records and delete markers dropped.
    var reclaimedBytes: Int64 = 0

    /// Bytes to read from the device (compaction inputs).
    var readBytes: Int64 { level0.read + deeper.read }
    /// Bytes to write to the device (flushed memtables, compaction outputs).
    var writeBytes: Int64 { level0.write + deeper.write }
    var isEmpty: Bool { readBytes == 0 && writeBytes == 0 && compactions == 0 && reclaimedBytes == 0 }
}

/// The bytes one node's log-structured store holds, level by level, and the compactions
/// that keep it in shape, as a RocksDB-like store with leveled compaction works.
///
/// Records go to the write-ahead log and the memtable; a full memtable is flushed to level 0
/// as one file; `level0Files` files are merged into level 1; a level above its size limit is
/// merged into the next. A merge reads both levels and writes them back without the records
/// deleted since (and, when nothing older lies below, without their delete markers), so write
/// amplification and the store's size are what these rewrites add up to.
///
/// Simplifications, each on the side of less detail rather than a different outcome:
/// a compaction merges a whole level (RocksDB merges a few files at a time, which spreads
/// the same work more evenly); levels therefore hold disjoint spans of the write history,
/// youngest on top, and a deleted record is found by the position at which it was written.
/// Its bytes are reclaimed the next time a merge rewrites the level that holds it. A level
/// moved into an empty one without anything to drop costs nothing (RocksDB's trivial move).
/// Store-internal metadata (indexes, filters, manifests) is not counted.
struct LogStructuredStore {
    /// One level (or the memtable): its bytes and the span of the write history it holds.
    struct Level: Equatable {
        /// Bytes on disk, deleted records and delete markers included.
        var bytes: Int64 = 0
        /// Bytes of records deleted since they were written here.
        var garbage: Int64 = 0
        /// Bytes of delete markers.
        var tombstones: Int64 = 0
        /// Write position of the oldest record here (meaningful when `bytes` > 0).
        var oldest: Int64 = 0
    }

    /// History written during one slice of time, deleted together when it leaves the retention window.
    struct Slice {
        /// When the slice began, nanoseconds.
        var since: Int64
        /// Write position of its first byte.
        var start: Int64
        /// Bytes of records written in it (delete markers excluded).
        var recordBytes: Int64
        /// Records written in it.
        var records: Int
    }

    /// Bytes of one delete marker: a 32-byte key and the record header.
    static let tombstoneBytes: Int64 = 32 + 16

    private let memtableLimit: Int64
    private let level0Trigger: Int
    /// Size limit of each level (index 0 unused: level 0 is limited by its file count).
    private let levelLimits: [Int64]
    /// Width of a retention slice, nanoseconds; 0 without retention.
    private let sliceWidth: Int64

    /// The memtable, whose records are also in the write-ahead log on disk.
    private(set) var memtable = Level()
    private(set) var levels: [Level]
    private(set) var level0FileCount = 0
    /// Bytes written to the store so far (records and delete markers): the write position.
    private(set) var position: Int64 = 0
    /// Slices of history still on disk, oldest first from `firstSlice` (only with retention).
    private var slices: [Slice] = []
    private var firstSlice = 0

    /// An empty store with the layout of `options`.
    init(options: DiskOptions) {
        let megabyte = 1_048_576.0
        memtableLimit = max(1, Int64((options.memtableMB * megabyte).rounded()))
        level0Trigger = options.level0Files
        var limits: [Int64] = [0]
        var limit = options.levelBaseMB * megabyte
        for _ in 1..<DiskOptions.levels {
            limits.append(Int64(min(limit, 9e18).rounded()))
            limit *= options.levelMultiplier
        }
        levelLimits = limits
        levels = Array(repeating: Level(), count: DiskOptions.levels)
        if let retention = options.retention {
            // 64 slices per window: the store keeps at most 1/64 of the window more than asked.
            sliceWidth = max(1_000_000, retention.nanoseconds / 64)
        } else {
            sliceWidth = 0
        }
    }

    /// Bytes the store occupies on disk: the write-ahead log of the memtable and every level.
    var bytes: Int64 {
        var total = memtable.bytes
        for level in levels { total += level.bytes }
        return total
    }

    // MARK: - Writing

    /// Stores `records` records of `bytes` bytes in all, written at `time` (nanoseconds).
    mutating func put(bytes: Int64, records: Int, at time: Int64) -> BackgroundWork {
        if sliceWidth > 0 {
            if slices.count == firstSlice || time >= slices[slices.count - 1].since + sliceWidth {
                slices.append(Slice(since: time - time % sliceWidth, start: position, recordBytes: 0, records: 0))
            }
            slices[slices.count - 1].recordBytes += bytes
            slices[slices.count - 1].records += records
        }
        return append(bytes, tombstones: 0)
    }

    /// Deletes the history written before `horizon` (nanoseconds), in whole slices: its bytes
    /// become garbage where they lie, and one delete marker per record is written. Returns the
    /// bytes of delete markers written (zero when nothing expired) and the work they caused.
    mutating func expire(before horizon: Int64) -> (markerBytes: Int64, work: BackgroundWork) {
        guard sliceWidth > 0 else { return (0, BackgroundWork()) }
        var records = 0
        while firstSlice < slices.count && slices[firstSlice].since + sliceWidth <= horizon {
            let end = firstSlice + 1 < slices.count ? slices[firstSlice + 1].start : position
            markGarbage(slices[firstSlice].recordBytes, from: slices[firstSlice].start, to: end)
            records += slices[firstSlice].records
            firstSlice += 1
        }
        if firstSlice > 64 && firstSlice * 2 > slices.count {
            slices.removeFirst(firstSlice)
            firstSlice = 0
        }
        guard records > 0 else { return (0, BackgroundWork()) }
        let markers = Int64(records) * Self.tombstoneBytes
        return (markers, append(markers, tombstones: markers))
    }

    private mutating func append(_ bytes: Int64, tombstones: Int64) -> BackgroundWork {
        if memtable.bytes == 0 { memtable.oldest = position }
        memtable.bytes += bytes
        memtable.tombstones += tombstones
        position += bytes
        var work = BackgroundWork()
        if memtable.bytes >= memtableLimit { flush(&work) }
        return work
    }

    /// Spreads `bytes` of deleted records written in positions `from..<to` over the memtable
    /// and levels in proportion to how much of that span each holds.
    private mutating func markGarbage(_ bytes: Int64, from: Int64, to: Int64) {
        guard bytes > 0 else { return }
        let span = max(1, to - from)
        var left = bytes
        var upper = position
        func share(_ level: inout Level) {
            let low = max(from, level.oldest), high = min(to, upper)
            guard high > low, left > 0 else { return }
            let proportional = Int64(Double(bytes) * Double(high - low) / Double(span))
            let part = min(left, proportional, level.bytes - level.garbage - level.tombstones)
            guard part > 0 else { return }
            level.garbage += part
            left -= part
        }
        if memtable.bytes > 0 {
            share(&memtable)
            upper = memtable.oldest
        }
        var oldestLevel = -1
        for index in levels.indices where levels[index].bytes > 0 {
            share(&levels[index])
            upper = levels[index].oldest
            oldestLevel = index
        }
        // What rounding left over lies, by the order of the history, in the oldest data.
        if left > 0 && oldestLevel >= 0 {
            let room = levels[oldestLevel].bytes - levels[oldestLevel].garbage - levels[oldestLevel].tombstones
            levels[oldestLevel].garbage += min(left, max(0, room))
        }
    }

    // MARK: - Flushes and compactions

    /// Writes the memtable to level 0 as one file, without the records deleted while it was
    /// in memory; compacts level 0 when it has reached its file count.
    private mutating func flush(_ work: inout BackgroundWork) {
        let kept = memtable.bytes - memtable.garbage
        work.level0.write += kept
        work.reclaimedBytes += memtable.garbage
        if levels[0].bytes == 0 { levels[0].oldest = memtable.oldest }
        levels[0].bytes += kept
        levels[0].tombstones += memtable.tombstones
        level0FileCount += 1
        memtable = Level(oldest: position)
        if level0FileCount >= level0Trigger { compact(0, &work) }
    }

    /// Merges level `index` into the next one, then the next into its own when that
    /// pushed it over its limit.
    private mutating func compact(_ index: Int, _ work: inout BackgroundWork) {
        var index = index
        while index + 1 < levels.count {
            let upper = levels[index], lower = levels[index + 1]
            if index == 0 { level0FileCount = 0 }
            levels[index] = Level()
            if lower.bytes == 0 && upper.garbage == 0 {
                levels[index + 1] = upper                            // moved, not rewritten
            } else {
                let bottom = levels[(index + 2)...].allSatisfy { $0.bytes == 0 }
                let markers = upper.tombstones + lower.tombstones
                let dropped = upper.garbage + lower.garbage + (bottom ? markers : 0)
                let input = upper.bytes + lower.bytes
                if index == 0 {
                    work.level0.read += input
                    work.level0.write += input - dropped
                } else {
                    work.deeper.read += input
                    work.deeper.write += input - dropped
                }
                work.reclaimedBytes += dropped
                work.compactions += 1
                levels[index + 1] = Level(bytes: input - dropped, garbage: 0, tombstones: bottom ? 0 : markers,
                                          oldest: lower.bytes > 0 ? lower.oldest : upper.oldest)
            }
            index += 1
            guard index + 1 < levels.count, levels[index].bytes > levelLimits[index] else { return }
        }
    }
}
