import ConsensusCore
import Testing
@testable import Simulation

@Suite("Storage: the simulated cluster")
struct StorageSimulationTests {
    /// 16 nodes, LAN, 20 TPS: each node stores about 100 KB of vertices a second (every node
    /// stores every vertex, whatever the node count). Series points every half second.
    private func options(disk: DiskOptions, seconds: Int = 5, seed: UInt64 = 1) -> SimulationOptions {
        var options = quickOptions(nodes: 16, seconds: seconds, tps: 20, seed: seed)
        options.disk = disk
        options.seriesInterval = .milliseconds(500)
        return options
    }

    @Test func aDiskSlowerThanTheWritesDelaysAcceptanceAndItsQueueGrows() throws {
        var slow = DiskOptions()
        slow.writeMBps = 0.08                                 // below the ~0.1 MB/s the nodes write
        let fast = try run(options(disk: DiskOptions()))
        let slowed = try run(options(disk: slow))
        let p50 = try #require(fast.value("latency.p50")), slowP50 = try #require(slowed.value("latency.p50"))
        #expect(slowP50 > 2 * p50, "p50 \(p50) ms with the default disk, \(slowP50) ms with the slow one")
        #expect(slowed.value("disk.utilization.max")! > 95)
        #expect(slowed.value("disk.wait.max")! > 500, "longest wait \(slowed.value("disk.wait.max")!) ms")
        #expect(fast.value("disk.wait.max")! < 10)
        // The queue grows: the longest wait per interval rises through the run.
        let waits = slowed.series.filter { $0.name == "disk.wait.max" }.map(\.value)
        #expect(waits.count == 10)
        #expect(waits[9] > waits[3] && waits[3] > 0, "\(waits)")
        #expect(slowed.value("safety.violations") == 0)
    }

    @Test func aFastDiskLeavesLatencyAsWithoutOne() throws {
        let nvme = try run(options(disk: DiskOptions()))
        let none = try run(options(disk: .instant))
        let p50 = try #require(nvme.value("latency.p50")), free = try #require(none.value("latency.p50"))
        #expect(abs(p50 - free) / free < 0.05, "p50 \(p50) ms with an NVMe disk, \(free) ms with an instant one")
        #expect(abs(nvme.value("tps.mean")! - none.value("tps.mean")!) < 1)
        #expect(nvme.value("disk.utilization.max")! < 5)
        // An instant disk still stores: the figures that count bytes are the same model's.
        #expect(none.value("disk.write.mean")! > 0)
    }

    @Test func compactionReclaimsExpiredHistoryAndWriteAmplificationIsEarned() throws {
        let kept = try run(options(disk: smallStore(), seconds: 6))
        let pruned = try run(options(disk: smallStore(retention: .seconds(1)), seconds: 6))
        let keptGrowth = try #require(kept.value("storage.growthPercent"))
        let prunedGrowth = try #require(pruned.value("storage.growthPercent"))
        #expect(keptGrowth > 50, "growth \(keptGrowth) % keeping everything")
        // Growth compares the first quarter of the run with the last; in 6 seconds the store
        // is still filling in the first quarter even with retention: it grows far less, not 0.
        #expect(prunedGrowth < keptGrowth / 2, "growth \(prunedGrowth) % with 1 s of retention")
        // At the end the pruned store holds well under half of the whole history.
        func finalSize(_ result: RunResult) -> Double { result.series.last { $0.name == "storage.size.mean" }!.value }
        #expect(finalSize(pruned) < finalSize(kept) / 2, "\(finalSize(pruned)) MB against \(finalSize(kept)) MB")
        #expect(pruned.value("storage.size.max")! < kept.value("storage.size.max")!)
        #expect(pruned.value("storage.reclaimed")! > 0.1)
        #expect(kept.value("storage.reclaimed") == 0)
        #expect(kept.value("storage.compactions")! > 16)
        #expect(kept.value("storage.writeAmplification")! > 2)
        #expect(pruned.value("safety.violations") == 0)
    }

    @Test func aFailedDiskIsReplacedByAnEmptyOneThatTheResyncFills() throws {
        var opts = options(disk: DiskOptions(), seconds: 5)
        opts.faults = [FaultSpec(.crash(wipesStorage: true), target: .nodes([5]), start: .seconds(3), length: .zero)]
        // Stopped the instant the node is back: nothing fetched yet, the store is empty.
        var atRestart = opts
        atRestart.duration = .seconds(3) + .nanoseconds(1)
        let early = try Simulator(options: atRestart)
        _ = early.run()
        #expect(early.storage.storeBytes(5) == 0)
        #expect(early.storage.storeBytes(6) > 200_000)
        // Two seconds later it has written back the history it fetched.
        let late = try Simulator(options: opts)
        let result = late.run()
        #expect(result.value("rejoin.count") == 1)
        #expect(late.storage.storeBytes(5) > late.storage.storeBytes(6) / 2)
    }

    @Test func theSameSeedGivesTheSameRunWithTheStorageModel() throws {
        var slow = smallStore(retention: .seconds(2))
        slow.writeMBps = 0.2
        let first = try run(options(disk: slow, seconds: 4))
        let second = try run(options(disk: slow, seconds: 4))
        let other = try run(options(disk: slow, seconds: 4, seed: 2))
        #expect(first.digest == second.digest)
        #expect(first.metrics == second.metrics)
        #expect(first.series == second.series)
        #expect(first.digest != other.digest)
    }

    @Test func badDiskOptionsAreRefused() {
        var disk = DiskOptions()
        disk.writeMBps = 0
        #expect(throws: SimulationError.self) { try Simulator(options: options(disk: disk)) }
        disk = DiskOptions()
        disk.levelMultiplier = 1
        #expect(disk.problem != nil)
    }
}
