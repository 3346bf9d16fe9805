/// The device times of a disk, derived once from its options.
struct DiskCosts {
    /// Nanoseconds to write one byte; 0 for unlimited bandwidth.
    let writeNsPerByte: Double
    /// Nanoseconds to read one byte; 0 for unlimited bandwidth.
    let readNsPerByte: Double
    /// Device time one operation takes besides its bytes (1 ÷ iops).
    let operationNs: Int64
    /// Time from a write's end on the device until it is durable.
    let writeLatencyNs: Int64
    /// Time from a read's end on the device until its data is back.
    let readLatencyNs: Int64
    /// Level-0 output still to write above which writes wait for background work.
    let level0LimitBytes: Int64

    init(_ options: DiskOptions) {
        let megabyte = 1_048_576.0
        writeNsPerByte = options.writeMBps.isFinite ? 1e9 / (options.writeMBps * megabyte) : 0
        readNsPerByte = options.readMBps.isFinite ? 1e9 / (options.readMBps * megabyte) : 0
        operationNs = options.iops.isFinite ? Int64((1e9 / options.iops).rounded()) : 0
        writeLatencyNs = options.writeLatency.nanoseconds
        readLatencyNs = options.readLatency.nanoseconds
        level0LimitBytes = Int64((options.level0BacklogMB * megabyte).rounded())
    }

    @inline(__always)
    func writeNs(_ bytes: Int64) -> Int64 { Int64((Double(bytes) * writeNsPerByte).rounded(.up)) }

    @inline(__always)
    func readNs(_ bytes: Int64) -> Int64 { Int64((Double(bytes) * readNsPerByte).rounded(.up)) }
}

/// Background work of one kind still owed: device time and the bytes it will read and write.
struct Backlog {
    var ns: Int64 = 0
    var read: Int64 = 0
    var write: Int64 = 0

    mutating func add(_ bytes: DeviceBytes, _ costs: DiskCosts) {
        ns += costs.readNs(bytes.read) + costs.writeNs(bytes.write)
        read += bytes.read
        write += bytes.write
    }

    /// Does `time` nanoseconds of it (at most all); returns the bytes read and written.
    mutating func take(_ time: Int64) -> DeviceBytes {
        guard time > 0 && ns > 0 else { return DeviceBytes() }
        if time >= ns {
            let done = DeviceBytes(read: read, write: write)
            self = Backlog()
            return done
        }
        let share = Double(time) / Double(ns)
        let done = DeviceBytes(read: Int64((Double(read) * share).rounded()), write: Int64((Double(write) * share).rounded()))
        ns -= time
        read -= done.read
        write -= done.write
        return done
    }

    /// Device time after which at most `limit` bytes are left to write.
    func time(toWriteDownTo limit: Int64) -> Int64 {
        guard write > limit, write > 0 else { return 0 }
        return min(ns, Int64((Double(ns) * Double(write - limit) / Double(write)).rounded(.up)))
    }
}

/// One node's disk as a serialising queue, computed arithmetically as the network's upload
/// queue is: an operation starts when the device has finished what was queued before it,
/// occupies it for its bytes ÷ bandwidth plus 1 ÷ iops, and completes a fixed latency later.
/// A write load above the device's bandwidth therefore becomes a growing queue.
///
/// Writes that wait behind the write at the tail of the queue join it (group commit of the
/// write-ahead log): one operation, the bytes of all. Background work (memtable flushes and
/// compactions, level-0 work before deeper levels') shares the device with this foreground
/// work: it runs whenever no foreground operation is queued, and while both are waiting each
/// foreground operation lets as much background work through first as its own device time.
/// When the level-0 output still to write exceeds `level0BacklogMB`, a write waits until
/// background work has brought it back under (a write stall), so a store whose flushes and
/// level-0 compactions fall behind slows the writes that caused them. Deeper compactions that
/// fall behind do not stall writes: a level is merged whole here (see `LogStructuredStore`),
/// so their backlog comes in lumps that a limit would turn into stalls RocksDB does not have.
/// No event is scheduled: background progress is worked out when the next operation arrives
/// or an interval closes.
///
/// Times are nanoseconds since the start of the run.
struct DiskQueue {
    /// When the device has finished the foreground work queued so far.
    private(set) var freeAt: Int64 = 0
    /// When the last write queued is durable.
    private(set) var durableAt: Int64 = 0
    /// Start of the write group at the tail of the queue; -1 when the tail is not a write.
    private var groupStart: Int64 = -1
    /// Flushes and level-0 compactions still owed, done first.
    private(set) var level0 = Backlog()
    /// Compactions of deeper levels still owed.
    private(set) var deeper = Backlog()
    /// Background work has been given the device's idle time up to here.
    private var backgroundFrom: Int64 = 0

    /// Device time booked and not yet attributed to a series interval.
    var busyNs: Int64 = 0
    /// Bytes written to and read from the device since the counters were last taken.
    var writtenBytes: Int64 = 0
    var readBytes: Int64 = 0

    /// Device time still owed to background work.
    var backgroundNs: Int64 { level0.ns + deeper.ns }

    /// Queues a write of `bytes` issued at `time`; returns how long it waited for the device
    /// (until its own bytes begin to be written).
    mutating func write(_ bytes: Int64, at time: Int64, _ costs: DiskCosts) -> Int64 {
        advance(to: time, costs)
        let transfer = costs.writeNs(bytes)
        let wait: Int64
        let stall = stallForBacklog(costs)
        if groupStart >= time {
            // The write at the tail has not reached the device yet: commit with it.
            let shared = takeBackground(transfer)
            wait = freeAt + stall + shared - time
            freeAt += stall + transfer + shared
            busyNs += transfer
        } else {
            let occupancy = transfer + costs.operationNs
            let start = max(time, freeAt) + stall + takeBackground(occupancy)
            groupStart = start
            freeAt = start + occupancy
            busyNs += occupancy
            wait = start - time
        }
        durableAt = freeAt + costs.writeLatencyNs
        writtenBytes += bytes
        return wait
    }

    /// Queues a read of `count` records, `bytes` in all, issued at `time` (one request at
    /// queue depth: the records' device times add up, the latency is paid once). Returns when
    /// the data is back and how long the read waited for the device.
    mutating func read(_ bytes: Int64, records count: Int, at time: Int64, _ costs: DiskCosts) -> (done: Int64, wait: Int64) {
        advance(to: time, costs)
        let occupancy = costs.readNs(bytes) + Int64(count) * costs.operationNs
        let start = max(time, freeAt) + takeBackground(occupancy)
        groupStart = -1
        freeAt = start + occupancy
        busyNs += occupancy
        readBytes += bytes
        return (freeAt + costs.readLatencyNs, start - time)
    }

    /// Adds background work found at `time` (after the operation that caused it).
    mutating func addBackground(_ work: BackgroundWork, at time: Int64, _ costs: DiskCosts) {
        advance(to: time, costs)
        if costs.readNs(work.readBytes) + costs.writeNs(work.writeBytes) == 0 {
            readBytes += work.readBytes             // an unlimited device does it at once
            writtenBytes += work.writeBytes
            return
        }
        if backgroundNs == 0 { backgroundFrom = max(backgroundFrom, time) }
        level0.add(work.level0, costs)
        deeper.add(work.deeper, costs)
    }

    /// Gives background work the device's idle time up to `time`.
    mutating func advance(to time: Int64, _ costs: DiskCosts) {
        let from = max(freeAt, backgroundFrom)
        if backgroundNs > 0 && time > from { consume(min(time - from, backgroundNs)) }
        if time > backgroundFrom { backgroundFrom = time }
    }

    /// The node stopped: foreground work it had queued and not finished is lost (what it
    /// wrote and had not made durable is gone); background work resumes when it can.
    mutating func stop(at time: Int64) {
        if freeAt > time {
            busyNs = max(0, busyNs - (freeAt - time))
            freeAt = time
        }
        durableAt = min(durableAt, time)
        groupStart = -1
    }

    /// A new, empty device replaces this one: nothing is owed to the old store.
    mutating func replace(at time: Int64) {
        stop(at: time)
        level0 = Backlog()
        deeper = Backlog()
        backgroundFrom = max(backgroundFrom, time)
    }

    /// Holds the node's next actions until `time` (reading its log back after a restart).
    mutating func holdUntil(_ time: Int64) { durableAt = max(durableAt, time) }

    /// Runs the level-0 work that brings its output still to write under the limit, before
    /// the write being queued; returns how long that takes.
    private mutating func stallForBacklog(_ costs: DiskCosts) -> Int64 {
        let stall = level0.time(toWriteDownTo: costs.level0LimitBytes)
        consume(stall)                                   // level-0 work is done first
        return stall
    }

    /// Runs up to `ns` of background work before the foreground operation being queued.
    private mutating func takeBackground(_ ns: Int64) -> Int64 {
        guard backgroundNs > 0 else { return 0 }
        let shared = min(backgroundNs, ns)
        consume(shared)
        return shared
    }

    /// Does `ns` of background work, level 0's first.
    private mutating func consume(_ ns: Int64) {
        guard ns > 0 else { return }
        let first = min(ns, level0.ns)
        let second = min(ns - first, deeper.ns)
        for done in [level0.take(first), deeper.take(second)] {
            readBytes += done.read
            writtenBytes += done.write
        }
        busyNs += first + second
    }
}
