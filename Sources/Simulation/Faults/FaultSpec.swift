/// One fault the simulator injects: what goes wrong, to which nodes, and when.
///
/// Occurrences start at `start`, then every `every` (when set) while before `until`
/// (or the end of the run); each lasts `length` (nil: to the end of the run).
public struct FaultSpec: Sendable, Equatable {
    /// What goes wrong during an occurrence.
    public enum Action: Sendable, Equatable {
        /// The nodes stop; when the occurrence ends they restart and catch up from peers.
        /// With `wipesStorage` they also lose their storage and restart empty (disk failure).
        case crash(wipesStorage: Bool)
        /// The network splits into groups of these sizes (fractions of the nodes, summing
        /// to 1); `oneWay` blocks only messages from the first group to the others.
        case partition(groups: [Double], oneWay: Bool)
        /// Latency of every link touching a target node is multiplied by `factor`.
        case latencySpike(factor: Double)
        /// Messages from or to a target node are additionally lost with probability `rate`.
        case packetLoss(rate: Double)
        /// The target nodes' CPUs run at `speed` (0 < speed < 1) of their normal speed.
        case cpuThrottle(speed: Double)
        /// The target nodes may hold at most `limitMB` megabytes; a node over it is killed (OOM).
        case memoryPressure(limitMB: Int)
        /// The target nodes' clocks read `offset` off and run `driftPPM` parts per million fast
        /// (negative: slow), which stretches or shrinks their timers and shifts their timestamps.
        case clockSkew(offset: SimDuration, driftPPM: Double)
    }

    /// Which nodes an occurrence hits.
    public enum Target: Sendable, Equatable {
        /// Every node.
        case all
        /// This many nodes, drawn from the fault's own random stream at each occurrence.
        case count(Int)
        /// These node indices.
        case nodes([Int])
    }

    /// What goes wrong.
    public var action: Action
    /// The nodes hit (a partition always splits the whole network).
    public var target: Target
    /// When the first occurrence starts.
    public var start: SimDuration
    /// How long each occurrence lasts; nil: to the end of the run.
    public var length: SimDuration?
    /// Time between the starts of occurrences; nil: once.
    public var every: SimDuration?
    /// No occurrence starts at or after this; nil: the end of the run.
    public var until: SimDuration?

    /// A fault with its timing.
    public init(_ action: Action, target: Target = .all, start: SimDuration, length: SimDuration? = nil,
                every: SimDuration? = nil, until: SimDuration? = nil) {
        self.action = action
        self.target = target
        self.start = start
        self.length = length
        self.every = every
        self.until = until
    }
}
