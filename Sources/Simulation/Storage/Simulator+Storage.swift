import ConsensusCore

/// What nodes keep on disk, and the write-ahead rule that ties their actions to it.
///
/// Every node writes each vertex it adds (its own or a peer's: the encoded vertex with its
/// signature and the payloads it commits to) and the decisions it makes (a status record per
/// decided vertex and transaction, a record per spent input of an accepted transaction). It
/// reads a vertex back when a peer fetches one it no longer holds in memory.
///
/// Write-ahead: a node sends nothing and counts no decision before every write it has issued
/// is durable. Its chits name vertices it has just added and its push queries carry the one
/// it has just made, so these wait for their writes; other messages wait too, in the order
/// the node produced them, as a node's replies leave in order behind its log. So a disk that
/// cannot keep up delays everything the node says, and consensus with it.
extension Simulator {
    /// Key and record header of a stored vertex besides its encoding.
    static let vertexRecordOverheadBytes = 32 + 16
    /// A status record: a 32-byte id, one status byte, the record header.
    static let statusRecordBytes = 32 + 1 + 16
    /// A spent input's record: the 8-byte input, the 32-byte id of the spending transaction, the header.
    static let inputRecordBytes = 8 + 32 + 16

    /// The instant `node`'s next message leaves, or its next decision counts: after its CPU
    /// has done the work queued so far and its writes are durable.
    @inline(__always)
    func outputTime(_ node: Int) -> SimInstant {
        let durable = storage.durableAt(node)
        let local = localTime(node)
        return durable > local.nanoseconds ? SimInstant(nanosecondsSinceStart: durable) : local
    }

    /// Writes a vertex `node` has just added.
    func persist(_ vertex: Vertex, at node: Int) {
        storage.write(node, bytes: Int64(vertex.wireSize + Self.vertexRecordOverheadBytes), records: 1,
                      at: localTime(node).nanoseconds)
    }

    /// Writes the records of `node`'s decisions, one batch.
    func persist(_ decisions: Decisions, at node: Int) {
        var records = decisions.acceptedVertices.count + decisions.rejectedVertices.count
            + decisions.acceptedTransactions.count + decisions.rejectedTransactions.count
        var bytes = records * Self.statusRecordBytes
        for tx in decisions.acceptedTransactions {
            records += tx.inputs.count
            bytes += tx.inputs.count * Self.inputRecordBytes
        }
        guard bytes > 0 else { return }
        storage.write(node, bytes: Int64(bytes), records: records, at: localTime(node).nanoseconds)
    }

    /// Reads `count` vertices of `bytes` bytes from `node`'s disk; returns when they are back.
    func readFromDisk(_ node: Int, vertices count: Int, bytes: Int) -> SimInstant {
        let done = storage.read(node, bytes: Int64(bytes + count * Self.vertexRecordOverheadBytes), records: count,
                                at: localTime(node).nanoseconds)
        return SimInstant(nanosecondsSinceStart: done)
    }

    /// Whether a node that once stored `vertex` still has it: always, unless the disk keeps
    /// history for a retention window that the vertex (by its timestamp) has left.
    @inline(__always)
    func retainedOnDisk(_ vertex: Vertex) -> Bool {
        guard let retention = options.disk.retention else { return true }
        return vertex.timestamp >= now.nanoseconds - retention.nanoseconds
    }

    // MARK: - Figures

    /// Closes a series interval for the disks: deletes history past the retention window,
    /// then takes each live node's device time, bytes written and read, and store size.
    /// Adds the interval's points to the series and, after the warm-up, to the run's figures.
    func storageTick(width: SimDuration, measured: Bool) {
        let widthNs = width.nanoseconds
        let seconds = Double(widthNs) / 1e9
        let megabyte = 1_048_576.0
        var writeSum = 0.0, writeMax = 0.0, readMax = 0.0, busySum = 0.0, busyMax = 0.0
        var sizeSum = 0.0, sizeMax = 0.0
        var live = 0
        for node in nodes.indices {
            let owner = home(of: node)
            if nodes[node].alive { owner.storage.expire(node, at: localTime(node).nanoseconds) }
            let interval = owner.storage.takeInterval(node, at: now.nanoseconds, width: widthNs)
            guard nodes[node].alive else { continue }
            live += 1
            let write = Double(interval.written) / megabyte / seconds
            let read = Double(interval.read) / megabyte / seconds
            let busy = Double(interval.busyNs) / Double(widthNs) * 100
            let size = Double(owner.storage.storeBytes(node)) / megabyte
            writeSum += write; writeMax = max(writeMax, write)
            readMax = max(readMax, read)
            busySum += busy; busyMax = max(busyMax, busy)
            sizeSum += size; sizeMax = max(sizeMax, size)
        }
        let n = Double(max(1, live))
        let second = Double(now.nanoseconds) / 1e9
        var waitMs = Double(storage.intervalWaitMax) / 1e6
        storage.resetIntervalWait()
        for other in shards.dropFirst() {
            waitMs = max(waitMs, Double(other.storage.intervalWaitMax) / 1e6)
            other.storage.resetIntervalWait()
        }
        metrics.series.append(SeriesSample(second: second, name: "disk.write.mean", value: writeSum / n))
        metrics.series.append(SeriesSample(second: second, name: "disk.utilization.max", value: busyMax))
        metrics.series.append(SeriesSample(second: second, name: "disk.wait.max", value: waitMs))
        metrics.series.append(SeriesSample(second: second, name: "storage.size.mean", value: sizeSum / n))
        guard measured else { return }
        metrics.disk.samples += 1
        metrics.disk.writeSum += writeSum / n
        metrics.disk.writeMax = max(metrics.disk.writeMax, writeMax)
        metrics.disk.readMax = max(metrics.disk.readMax, readMax)
        metrics.disk.utilizationSum += busySum / n
        metrics.disk.utilizationMax = max(metrics.disk.utilizationMax, busyMax)
        metrics.disk.sizeSum += sizeSum / n
        metrics.disk.sizeMax = max(metrics.disk.sizeMax, sizeMax)
        metrics.disk.sizeByInterval.append(sizeSum / n)
    }

    /// The storage figures of the run, named as in the catalogue.
    func storageMetrics() -> [(String, Double)] {
        storage.settle(at: (SimInstant.zero + options.duration).nanoseconds)
        var values: [(String, Double)] = []
        let disk = metrics.disk
        if disk.samples > 0 {
            let n = Double(disk.samples)
            values.append(("disk.write.mean", disk.writeSum / n))
            values.append(("disk.write.max", disk.writeMax))
            values.append(("disk.read.max", disk.readMax))
            values.append(("disk.utilization.mean", disk.utilizationSum / n))
            values.append(("disk.utilization.max", disk.utilizationMax))
            values.append(("storage.size.mean", disk.sizeSum / n))
            values.append(("storage.size.max", disk.sizeMax))
        }
        if storage.waits.totalCount > 0 {
            values.append(("disk.wait.p95", Double(storage.waits.valueAtPercentile(95)) / 1_000))
            values.append(("disk.wait.max", Double(storage.waits.max) / 1_000))
        }
        if disk.sizeByInterval.count >= 8 {
            // As for memory: the last quarter's mean against the first quarter's after the warm-up.
            let quarter = disk.sizeByInterval.count / 4
            let first = disk.sizeByInterval.prefix(quarter).reduce(0, +) / Double(quarter)
            let last = disk.sizeByInterval.suffix(quarter).reduce(0, +) / Double(quarter)
            values.append(("storage.growthPercent", first > 0 ? (last - first) / first * 100 : 0))
        }
        if storage.storedBytes > 0 {
            values.append(("storage.writeAmplification", Double(storage.deviceWrittenBytes) / Double(storage.storedBytes)))
        }
        values.append(("storage.compactions", Double(storage.compactions)))
        values.append(("storage.reclaimed", Double(storage.reclaimedBytes) / 1_048_576 / Double(max(1, nodes.count))))
        return values
    }
}

/// The storage figures gathered per series interval after the warm-up.
struct DiskFigures {
    var samples = 0
    var writeSum = 0.0, writeMax = 0.0, readMax = 0.0
    var utilizationSum = 0.0, utilizationMax = 0.0
    var sizeSum = 0.0, sizeMax = 0.0
    /// Mean store size (MB) per interval, for the growth figure.
    var sizeByInterval: [Double] = []
}
