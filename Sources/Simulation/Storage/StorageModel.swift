import Histogram

/// Every node's disk and store, and what the run measures of them.
///
/// The simulator tells it what each node writes and reads; it answers when the write is
/// durable or the read is back. Per-event work is a handful of arithmetic operations; the
/// store's flushes and compactions run only when a memtable fills.
struct StorageModel {
    /// A node's device queue and the store on it.
    struct NodeDisk {
        var queue = DiskQueue()
        var store: LogStructuredStore
    }

    let options: DiskOptions
    let costs: DiskCosts
    private(set) var disks: [NodeDisk]
    /// Each node's `queue.durableAt`, kept apart as well: the simulator reads it at every
    /// message a node sends, and reading it from the node's disk record (some 200 bytes,
    /// one per node) missed the cache nearly every time. Every call of a queue's methods
    /// goes through `changeQueue`, which keeps it up to date (only the interval counters are
    /// written directly).
    private var durable: [Int64]
    /// Waits of foreground operations for the device after the warm-up, microseconds.
    private(set) var waits = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    private let warmupEnd: Int64
    /// Longest wait of any foreground operation in the current series interval, nanoseconds.
    private(set) var intervalWaitMax: Int64 = 0

    // Totals over the run and all nodes.
    /// Bytes the nodes asked their stores to keep (records and delete markers).
    private(set) var storedBytes: Int64 = 0
    /// Bytes the devices wrote and read: the write-ahead log, flushes and compactions.
    private(set) var deviceWrittenBytes: Int64 = 0
    private(set) var deviceReadBytes: Int64 = 0
    private(set) var compactions = 0
    private(set) var reclaimedBytes: Int64 = 0

    init(options: DiskOptions, nodes: Int, warmupEnd: SimInstant) {
        precondition(options.problem == nil, options.problem ?? "")
        self.options = options
        costs = DiskCosts(options)
        disks = Array(repeating: NodeDisk(store: LogStructuredStore(options: options)), count: nodes)
        durable = Array(repeating: 0, count: nodes)
        self.warmupEnd = warmupEnd.nanoseconds
    }

    /// When everything `node` has written so far is durable.
    @inline(__always)
    func durableAt(_ node: Int) -> Int64 { durable[node] }

    /// Bytes `node`'s store occupies on disk.
    func storeBytes(_ node: Int) -> Int64 { disks[node].store.bytes }

    /// `node` writes `records` records of `bytes` bytes in all, issued at `time`.
    mutating func write(_ node: Int, bytes: Int64, records: Int, at time: Int64) {
        note(wait: changeQueue(node) { [costs] in $0.write(bytes, at: time, costs) }, at: time)
        storedBytes += bytes
        let work = disks[node].store.put(bytes: bytes, records: records, at: time)
        if !work.isEmpty { absorb(work, node, at: time) }
    }

    /// `node` reads `records` records of `bytes` bytes in all, issued at `time`; returns when
    /// the data is back.
    mutating func read(_ node: Int, bytes: Int64, records: Int, at time: Int64) -> Int64 {
        let (done, wait) = changeQueue(node) { [costs] in $0.read(bytes, records: records, at: time, costs) }
        note(wait: wait, at: time)
        return done
    }

    /// Deletes `node`'s history older than the retention window, if the options keep one.
    mutating func expire(_ node: Int, at time: Int64) {
        guard let retention = options.retention else { return }
        let (markers, work) = disks[node].store.expire(before: time - retention.nanoseconds)
        guard markers > 0 else { return }
        note(wait: changeQueue(node) { [costs] in $0.write(markers, at: time, costs) }, at: time)
        storedBytes += markers
        if !work.isEmpty { absorb(work, node, at: time) }
    }

    /// `node` stopped at `time`: its unfinished foreground work is lost.
    mutating func stop(_ node: Int, at time: Int64) { changeQueue(node) { $0.stop(at: time) } }

    /// `node` restarts from its store at `time`: it reads its write-ahead log back (the
    /// memtable it had not flushed) before it acts.
    mutating func recover(_ node: Int, at time: Int64) {
        let log = disks[node].store.memtable.bytes
        guard log > 0 else { return }
        let done = read(node, bytes: log, records: 1, at: time)
        changeQueue(node) { $0.holdUntil(done) }
    }

    /// `node`'s disk failed: it restarts at `time` on an empty one.
    mutating func replace(_ node: Int, at time: Int64) {
        changeQueue(node) { $0.replace(at: time) }
        disks[node].store = LogStructuredStore(options: options)
    }

    /// Closes a series interval of `width` nanoseconds ending at `time` for `node`: the
    /// device time it was busy and the bytes it wrote and read in it. Work booked beyond the
    /// interval (a queue running ahead) is left for the next ones, bytes with device time.
    mutating func takeInterval(_ node: Int, at time: Int64, width: Int64) -> (busyNs: Int64, written: Int64, read: Int64) {
        changeQueue(node) { [costs] in $0.advance(to: time, costs) }
        let booked = disks[node].queue.busyNs
        let busy = min(booked, width)
        disks[node].queue.busyNs -= busy
        let share = booked > busy ? Double(busy) / Double(booked) : 1
        let written = Int64((Double(disks[node].queue.writtenBytes) * share).rounded())
        let read = Int64((Double(disks[node].queue.readBytes) * share).rounded())
        disks[node].queue.writtenBytes -= written
        disks[node].queue.readBytes -= read
        deviceWrittenBytes += written
        deviceReadBytes += read
        return (busy, written, read)
    }

    /// Starts a new series interval for the longest-wait figure.
    mutating func resetIntervalWait() { intervalWaitMax = 0 }

    /// Takes what every device did since the last interval closed, up to `time` (the end of
    /// the run); what it had queued beyond is not done and not counted.
    mutating func settle(at time: Int64) {
        for node in disks.indices { _ = takeInterval(node, at: time, width: 0) }
    }

    /// Adds what another copy of the model measured to this one's run figures: in a
    /// sharded run each shard's copy works the disks of its own nodes.
    mutating func absorbFigures(of other: StorageModel) {
        waits.add(other.waits)
        intervalWaitMax = max(intervalWaitMax, other.intervalWaitMax)
        storedBytes += other.storedBytes
        deviceWrittenBytes += other.deviceWrittenBytes
        deviceReadBytes += other.deviceReadBytes
        compactions += other.compactions
        reclaimedBytes += other.reclaimedBytes
    }

    private mutating func note(wait: Int64, at time: Int64) {
        if wait > intervalWaitMax { intervalWaitMax = wait }
        if time >= warmupEnd { _ = waits.record(UInt64(max(0, wait) / 1_000)) }
    }

    private mutating func absorb(_ work: BackgroundWork, _ node: Int, at time: Int64) {
        compactions += work.compactions
        reclaimedBytes += work.reclaimedBytes
        changeQueue(node) { [costs] in $0.addBackground(work, at: time, costs) }
    }

    /// Changes `node`'s device queue through `change`, then copies its durable instant.
    @inline(__always)
    private mutating func changeQueue<Result>(_ node: Int, _ change: (inout DiskQueue) -> Result) -> Result {
        defer { durable[node] = disks[node].queue.durableAt }
        return change(&disks[node].queue)
    }
}
