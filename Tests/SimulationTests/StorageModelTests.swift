import ConsensusCore
import Testing
@testable import Simulation

/// A store small enough to flush and compact within a few simulated seconds: 64 KiB
/// memtables, two level-0 files, 128 KiB in level 1, each level twice the one above.
func smallStore(retention: SimDuration? = nil) -> DiskOptions {
    var disk = DiskOptions()
    disk.memtableMB = 1.0 / 16
    disk.level0Files = 2
    disk.levelBaseMB = 1.0 / 8
    disk.levelMultiplier = 2
    disk.retention = retention
    return disk
}

@Suite("Storage: the log-structured store")
struct LogStructuredStoreTests {
    @Test func aFullMemtableIsFlushedAndLevelZeroIsCompactedAtItsFileCount() {
        var store = LogStructuredStore(options: smallStore())
        let memtable: Int64 = 65_536
        var work = BackgroundWork()
        // Just under one memtable: nothing reaches the levels yet.
        work = store.put(bytes: memtable - 1, records: 1, at: 0)
        #expect(work.isEmpty)
        #expect(store.memtable.bytes == memtable - 1)
        #expect(store.bytes == memtable - 1)
        // The byte that fills it flushes it: one level-0 file, written once.
        work = store.put(bytes: 1, records: 1, at: 1)
        #expect(work == BackgroundWork(level0: DeviceBytes(read: 0, write: memtable)))
        #expect(store.level0FileCount == 1 && store.levels[0].bytes == memtable && store.memtable.bytes == 0)
        // The second file triggers level 0's compaction into the empty level 1: a move, not a rewrite.
        work = store.put(bytes: memtable, records: 1, at: 2)
        #expect(work.writeBytes == memtable && work.readBytes == 0 && work.compactions == 0)
        #expect(store.level0FileCount == 0 && store.levels[0].bytes == 0 && store.levels[1].bytes == 2 * memtable)
        // The next two files merge into a non-empty level 1: both are read and written back.
        _ = store.put(bytes: memtable, records: 1, at: 3)
        work = store.put(bytes: memtable, records: 1, at: 4)
        #expect(work.compactions >= 1)
        #expect(work.readBytes >= 4 * memtable)
        #expect(store.bytes == 4 * memtable)           // nothing deleted: nothing shrinks
    }

    @Test func withoutRetentionTheStoreKeepsEverything() {
        var store = LogStructuredStore(options: smallStore())
        var written: Int64 = 0
        for second in 0..<200 {
            _ = store.put(bytes: 10_000, records: 2, at: Int64(second) * 1_000_000_000)
            written += 10_000
        }
        #expect(store.bytes == written)
        #expect(store.expire(before: 500 * 1_000_000_000).markerBytes == 0)
    }

    @Test func expiredHistoryIsReclaimedByCompaction() {
        let second: Int64 = 1_000_000_000
        var store = LogStructuredStore(options: smallStore(retention: .seconds(10)))
        var reclaimed: Int64 = 0, rewritten: Int64 = 0, stored: Int64 = 0
        var largest: Int64 = 0
        for t in 0..<400 {
            let work = store.put(bytes: 10_000, records: 2, at: Int64(t) * second)
            stored += 10_000
            let (markers, expiry) = store.expire(before: Int64(t - 10) * second)
            stored += markers
            for w in [work, expiry] {
                reclaimed += w.reclaimedBytes
                rewritten += w.writeBytes
            }
            if t >= 100 { largest = max(largest, store.bytes) }
        }
        // 400 s written, 10 s kept: the store holds a bounded multiple of the window, not the history.
        #expect(stored > 4_000_000)
        #expect(largest < 1_500_000, "largest store \(largest) bytes")
        #expect(reclaimed > 2_000_000, "reclaimed \(reclaimed) bytes")
        // What was written = what is left + what was dropped.
        #expect(stored == store.bytes + reclaimed)
        // Compaction rewrote more than the flushes alone would have written.
        #expect(rewritten > stored)
    }
}

@Suite("Storage: the disk queue")
struct DiskQueueTests {
    /// A 1 MB/s disk with a 1 ms operation cost and no latency.
    private var slow: DiskCosts {
        var disk = DiskOptions()
        disk.writeMBps = 1
        disk.readMBps = 1
        disk.iops = 1_000
        disk.writeLatency = .zero
        disk.readLatency = .zero
        return DiskCosts(disk)
    }

    @Test func writesAboveTheBandwidthQueue() {
        var queue = DiskQueue()
        let costs = slow
        // 100 KiB every 50 ms is 2 MB/s offered to a 1 MB/s disk: each write waits longer.
        var waits: [Int64] = []
        for i in 0..<20 {
            waits.append(queue.write(102_400, at: Int64(i) * 50_000_000, costs))
            _ = queue.read(1, records: 1, at: Int64(i) * 50_000_000, costs)     // keeps writes from merging
        }
        #expect(waits[0] == 0)
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 < $1 })
        // 20 writes of about 98 ms each against 950 ms of arrivals: the last waits about a second.
        #expect(waits[19] > 900_000_000 && waits[19] < 1_100_000_000, "\(waits[19])")
    }

    @Test func writesQueuedBehindOneAnotherCommitAsOneGroup() {
        var queue = DiskQueue()
        let costs = slow
        _ = queue.write(1_000, at: 0, costs)              // on the device at once
        let second = queue.write(1_000, at: 1, costs)     // waits: starts a group
        let third = queue.write(1_000, at: 2, costs)      // joins it: no second operation cost
        #expect(second > 0 && third > 0)
        let transfer = costs.writeNs(1_000)
        #expect(queue.freeAt == 2 * (costs.operationNs + transfer) + transfer)
        #expect(queue.durableAt == queue.freeAt)
    }

    @Test func backgroundWorkUsesIdleTimeAndSharesTheDeviceWhenBusy() {
        var queue = DiskQueue()
        let costs = slow
        // One second of compaction found at 0; a write at 2 s finds it done and waits for nothing.
        queue.addBackground(BackgroundWork(level0: DeviceBytes(read: 0, write: 1_048_576)), at: 0, costs)
        #expect(queue.backgroundNs > 999_000_000)
        #expect(queue.write(1_000, at: 2_000_000_000, costs) == 0)
        #expect(queue.backgroundNs == 0)
        #expect(queue.writtenBytes == 1_048_576 + 1_000)
        // A write arriving while compaction runs waits for as much of it as its own device time.
        queue.addBackground(BackgroundWork(level0: DeviceBytes(read: 0, write: 1_048_576)), at: 3_000_000_000, costs)
        let wait = queue.write(1_000, at: 3_100_000_000, costs)
        #expect(wait == costs.operationNs + costs.writeNs(1_000))
    }

    /// A 1 MB/s disk of 1,000 IOPS without latency, whose writes stall above 1 MB of level-0 backlog.
    private static var slowDiskWithSmallBacklog: DiskOptions {
        var disk = DiskOptions()
        disk.writeMBps = 1
        disk.iops = 1_000
        disk.writeLatency = .zero
        disk.level0BacklogMB = 1
        return disk
    }

    @Test func aCompactionBacklogAboveItsLimitStallsWrites() {
        let costs = DiskCosts(Self.slowDiskWithSmallBacklog)
        var queue = DiskQueue()
        // Three megabytes of compaction output found at 0, while writes keep the device busy.
        _ = queue.write(1_000, at: 0, costs)
        queue.addBackground(BackgroundWork(level0: DeviceBytes(read: 0, write: 3 * 1_048_576)), at: 0, costs)
        // The next write waits for two of them (down to the 1 MB limit) and a share of its own size.
        let wait = queue.write(1_000, at: 1, costs)
        let occupancy = costs.operationNs + costs.writeNs(1_000)
        #expect(wait > 1_990_000_000 && wait < 2_010_000_000 + occupancy, "\(wait)")
        // Under the limit again: the next write waits for its share only.
        let next = queue.write(1_000, at: queue.freeAt, costs)
        #expect(next == occupancy)
    }

    @Test func deeperCompactionsNeverStallWritesAndWaitBehindLevelZero() {
        let costs = DiskCosts(Self.slowDiskWithSmallBacklog)
        let occupancy = costs.operationNs + costs.writeNs(1_000)
        var queue = DiskQueue()
        _ = queue.write(1_000, at: 0, costs)
        // Ten megabytes of deeper compaction, far over the level-0 limit: writes wait for their share only.
        queue.addBackground(BackgroundWork(deeper: DeviceBytes(read: 0, write: 10 * 1_048_576)), at: 0, costs)
        let shared = queue.write(1_000, at: 1, costs)
        #expect(shared < 3 * occupancy, "\(shared)")
        // Level-0 work found later is done before the deeper work still owed.
        queue.addBackground(BackgroundWork(level0: DeviceBytes(read: 0, write: 1_048_576)), at: 2, costs)
        let level0 = queue.level0.ns, deeper = queue.deeper.ns
        _ = queue.write(1_000, at: queue.freeAt + 500_000_000, costs)       // half a second idle, then a share
        #expect(queue.level0.ns == level0 - 500_000_000 - occupancy)
        #expect(queue.deeper.ns == deeper)
    }

    @Test func aStoppedNodeLosesItsQueuedWrites() {
        var queue = DiskQueue()
        let costs = slow
        _ = queue.write(1_048_576, at: 0, costs)
        #expect(queue.durableAt > 1_000_000_000)
        queue.stop(at: 10_000_000)
        #expect(queue.freeAt == 10_000_000 && queue.durableAt == 10_000_000)
    }
}

@Suite("Storage: the benchmark stream")
struct StorageBenchmarkTests {
    @Test func theStreamFlushesAndCompactsAsTheStoreGrows() {
        var bench = StorageBenchmark()
        var durable: Int64 = 0
        // 150,000 vertices of 5,200 bytes: about 790 MB, a dozen 64 MiB memtables, three level-0 compactions.
        for _ in 0..<150_000 { durable = bench.writeVertex(bytes: 5_200) }
        #expect(bench.compactions >= 1)
        #expect(bench.storeBytes == 150_000 * 5_200 + 75_000 * 154)
        #expect(durable > 150_000 * 10_000)
        #expect(bench.readVertex(bytes: 5_200) > durable)
    }
}
