/// The network model: per-link latency and jitter, loss, per-node upload bandwidth
/// as a serialising queue, and link filters for partitions.
///
/// A message's arrival is computed when it is sent: it waits for the sender's uplink
/// to finish what it is already sending, takes `bytes × 8 / bandwidth` to leave, and
/// then the link's latency (plus jitter) to arrive. So a bandwidth cap below the
/// offered traffic turns into real, growing queueing delay.
public struct Network: Sendable {
    /// The options in force.
    public let options: NetworkOptions
    private var random: Xoshiro256StarStar
    private let linkSalt: UInt64
    /// Region of each node.
    public let regionOf: [UInt8]
    private let regionLatency: [SimDuration]   // regions × regions, already mapped to the profile's range
    private let regionCount: Int
    private var uploadFreeAt: [SimInstant]
    /// Nanoseconds to send one byte, or 0 when unlimited.
    private let nanosPerByte: Double
    /// `nanosPerByte` when it is a whole number (every profile's bandwidth divides 8,000),
    /// else 0: a message's time on the uplink is then a product of integers, the same
    /// number as the rounded-up product in floating point, which it is exactly (far below
    /// 2^53), without the conversions.
    private let wholeNanosPerByte: Int64
    /// The profile's latency range, maximum less minimum, in nanoseconds.
    private let latencySpan: UInt64
    /// The jitter fraction in units of 2^-32: latencies are worked out in integers, without
    /// the checked conversions from floating point (three a message).
    private let jitterScale: UInt64
    /// ln(1 − rate) for the profile's loss rate (0 without loss): the scale of the gaps
    /// between losses.
    private let logDeliveryRate: Double
    /// Messages at the profile's loss rate still to arrive before the next one is lost.
    ///
    /// Losing each message independently with probability p is the same process as drawing,
    /// at each loss, how many messages arrive before the next (geometrically distributed),
    /// and it takes a draw per loss instead of one per message: on a LAN (p = 0.0001) one
    /// in ten thousand. Messages to or from a node with extra loss (a fault) draw on their
    /// own and do not count here.
    private var deliveriesBeforeLoss: UInt64 = 0

    /// Partition group of each node while a partition is in force.
    private var partitionGroup: [UInt8]?
    private var oneWayPartition = false
    /// Latency multiplier per node (latency-spike faults on some nodes): a message is slowed
    /// by the larger factor of its two ends. Empty when no such fault exists.
    public var nodeLatencyFactor: [Double] = []
    /// Loss added per node (packet-loss faults on some nodes): a message suffers the larger
    /// of its two ends'. Empty when no such fault exists.
    public var nodeExtraLoss: [Double] = []

    /// Creates the network for `nodeCount` nodes, spreading them over the regions.
    public init(options: NetworkOptions, nodeCount: Int, streams: RandomStreams) {
        self.options = options
        random = streams.stream(.network)
        var topology = streams.stream(.topology)
        linkSalt = topology.next()
        let regions = max(1, min(options.regions, WorldRegions.names.count))
        regionCount = regions
        let shares = Array(WorldRegions.shares.prefix(regions))
        let total = shares.reduce(0, +)
        regionOf = (0..<nodeCount).map { _ in
            guard regions > 1 else { return 0 }
            var draw = topology.nextDouble() * total
            for (region, share) in shares.enumerated() {
                draw -= share
                if draw < 0 { return UInt8(region) }
            }
            return UInt8(regions - 1)
        }
        var matrix: [SimDuration] = []
        if regions > 1 {
            let used = WorldRegions.latencyMs.prefix(regions).map { Array($0.prefix(regions)) }
            let values = used.flatMap { $0 }
            let low = values.min()!, high = values.max()!
            let span = Double((options.maxLatency - options.minLatency).nanoseconds)
            for row in used {
                for ms in row {
                    let fraction = high > low ? (ms - low) / (high - low) : 0
                    matrix.append(options.minLatency + SimDuration(nanoseconds: Int64(fraction * span)))
                }
            }
        }
        regionLatency = matrix
        latencySpan = UInt64(max(0, (options.maxLatency - options.minLatency).nanoseconds))
        precondition(options.jitter >= 0 && options.jitter < 0x1p31, "jitter must lie in [0, 2^31)")
        jitterScale = UInt64((options.jitter * 0x1p32).rounded())
        uploadFreeAt = Array(repeating: .zero, count: nodeCount)
        nanosPerByte = options.uploadMbps.map { 8_000 / $0 } ?? 0
        wholeNanosPerByte = nanosPerByte > 0 && nanosPerByte < 0x1p31 && nanosPerByte == nanosPerByte.rounded(.down)
            ? Int64(nanosPerByte) : 0
        logDeliveryRate = options.lossRate > 0 ? DeterministicMath.log(1 - options.lossRate) : 0
        deliveriesBeforeLoss = Self.deliveriesBeforeLoss(drawingFrom: &random, logDeliveryRate: logDeliveryRate)
    }

    /// How many messages arrive before the next loss (none without loss).
    private static func deliveriesBeforeLoss(drawingFrom random: inout Xoshiro256StarStar,
                                             logDeliveryRate: Double) -> UInt64 {
        logDeliveryRate < 0 ? random.nextGeometric(logFailure: logDeliveryRate) : 0
    }

    /// The same network for shard `index` of a sharded run: the same links, its own
    /// random stream (shard 0 keeps the run's). Each shard sends only from its own
    /// nodes, so each copy's upload queues are its own nodes'.
    func forShard(_ index: Int, streams: RandomStreams) -> Network {
        var copy = self
        copy.random = streams.stream(.network, index: index)
        copy.deliveriesBeforeLoss = Self.deliveriesBeforeLoss(drawingFrom: &copy.random, logDeliveryRate: logDeliveryRate)
        return copy
    }

    /// Takes `other`'s link state (partitions, latency factors, extra loss), keeping this
    /// copy's upload queues and random stream: a shard's copy after a fault changed the run's.
    mutating func adoptLinks(of other: Network) {
        partitionGroup = other.partitionGroup
        oneWayPartition = other.oneWayPartition
        nodeLatencyFactor = other.nodeLatencyFactor
        nodeExtraLoss = other.nodeExtraLoss
    }

    /// A lower bound of every message's delay, loss aside, while no fault slows or cuts
    /// links: the shortest base latency of any link (jitter and upload queues only add).
    public var shortestLatency: SimDuration {
        guard regionCount > 1 else { return options.minLatency }
        // Links differ from their region pair's latency by a factor of 0.9 to 1.1.
        let shortest = regionLatency.min() ?? options.minLatency
        return SimDuration(nanoseconds: max(0, Int64(Double(shortest.nanoseconds) * 0.9) - 1))
    }

    /// The base one-way latency of the link between `a` and `b` (the same both ways).
    @inline(__always)
    public func baseLatency(_ a: Int, _ b: Int) -> SimDuration {
        if regionCount > 1 {
            let base = UInt64(regionLatency[Int(regionOf[a]) * regionCount + Int(regionOf[b])].nanoseconds)
            // Within the region's latency, links differ a little: ±10 %, fixed per link
            // (0.9 of it, plus up to 0.2 of it by the link's fraction).
            let spread = (base / 5).multipliedFullWidth(by: linkFraction(a, b)).high
            return SimDuration(nanoseconds: Int64(truncatingIfNeeded: base * 9 / 10 + spread))
        }
        let offset = latencySpan.multipliedFullWidth(by: linkFraction(a, b)).high
        return options.minLatency + SimDuration(nanoseconds: Int64(truncatingIfNeeded: offset))
    }

    /// A fraction in [0, 1), in units of 2^-64, fixed for the unordered pair (a, b) and the seed.
    @inline(__always)
    private func linkFraction(_ a: Int, _ b: Int) -> UInt64 {
        let low = UInt64(min(a, b)), high = UInt64(max(a, b))
        return SplitMix64.mix(linkSalt ^ (low << 32 | high))
    }

    /// Whether a partition currently cuts `from → to`.
    @inline(__always)
    public func isCut(from: Int, to: Int) -> Bool {
        guard let groups = partitionGroup else { return false }
        let a = groups[from], b = groups[to]
        if a == b { return false }
        return oneWayPartition ? a == 0 : true
    }

    /// Sends `bytes` from `from` to `to` at `now`: the arrival instant, or nil when the
    /// message is lost or the link is cut. The sender's uplink is occupied either way
    /// (a lost packet was still sent).
    @inline(__always)
    public mutating func send(from: Int, to: Int, bytes: Int, at now: SimInstant) -> SimInstant? {
        var uplink = uploadFreeAt[from]
        defer { uploadFreeAt[from] = uplink }
        return send(from: from, to: to, bytes: bytes, at: now, uplinkFreeAt: &uplink)
    }

    /// `send(from:to:bytes:at:)` with the sender's uplink kept by the caller: `uplinkFreeAt`
    /// is when `from`'s uplink finishes what it has been given, and is moved on by this
    /// message. The simulator keeps it in the node's state, where writing it checks
    /// nothing; written in this network's list, each message checked that the list was not
    /// shared, a call of its own.
    @inline(__always)
    mutating func send(from: Int, to: Int, bytes: Int, at now: SimInstant, uplinkFreeAt: inout SimInstant) -> SimInstant? {
        var departure = now
        if nanosPerByte > 0 {
            let start = max(now, uplinkFreeAt)
            let sending = wholeNanosPerByte > 0 ? Int64(bytes) * wholeNanosPerByte
                : Self.roundedUp(Double(bytes) * nanosPerByte)
            departure = start + SimDuration(nanoseconds: sending)
            uplinkFreeAt = departure
        }
        if isLost(from: from, to: to) || isCut(from: from, to: to) { return nil }
        let base = UInt64(baseLatency(from, to).nanoseconds)
        // Jitter: uniform in [0, jitter × base), the draw's 64 bits as a fraction.
        let scaled = base.multipliedFullWidth(by: jitterScale)
        let jitterRange = scaled.high << 32 | scaled.low >> 32
        var latency = Int64(truncatingIfNeeded: base + jitterRange.multipliedFullWidth(by: random.next()).high)
        if !nodeLatencyFactor.isEmpty { latency = Int64(Double(latency) * max(nodeLatencyFactor[from], nodeLatencyFactor[to])) }
        return departure + SimDuration(nanoseconds: latency)
    }

    /// Whether the message `from → to` is lost: at the profile's rate (see
    /// `deliveriesBeforeLoss`), or, when one of its ends has extra loss (a fault), by a draw
    /// of its own at the profile's rate plus the larger extra loss of its two ends.
    @inline(__always)
    private mutating func isLost(from: Int, to: Int) -> Bool {
        if !nodeExtraLoss.isEmpty {
            let extra = max(nodeExtraLoss[from], nodeExtraLoss[to])
            if extra > 0 { return random.nextDouble() < options.lossRate + extra }
        }
        guard logDeliveryRate < 0 else { return false }
        if deliveriesBeforeLoss > 0 {
            deliveriesBeforeLoss &-= 1
            return false
        }
        deliveriesBeforeLoss = Self.deliveriesBeforeLoss(drawingFrom: &random, logDeliveryRate: logDeliveryRate)
        return true
    }

    /// `x` rounded up, for `0 ≤ x < 2^53`: what `x.rounded(.up)` gives, without the
    /// library call it becomes on processors older than SSE4.1 (the baseline builds for those).
    @inline(__always)
    static func roundedUp(_ x: Double) -> Int64 {
        let whole = Int64(x)
        return Double(whole) < x ? whole + 1 : whole
    }

    /// How far `node`'s uplink is booked past `now`: its queueing delay (of the sends made
    /// through `send(from:to:bytes:at:)`).
    public func uploadBacklog(of node: Int, at now: SimInstant) -> SimDuration {
        max(.zero, uploadFreeAt[node] - now)
    }

    /// Splits the nodes into groups (index per node); `oneWay` cuts only messages from group 0 to the others.
    public mutating func partition(groups: [UInt8], oneWay: Bool) {
        precondition(groups.count == uploadFreeAt.count, "one partition group per node")
        partitionGroup = groups
        oneWayPartition = oneWay
    }

    /// Restores every link.
    public mutating func heal() { partitionGroup = nil }
}
