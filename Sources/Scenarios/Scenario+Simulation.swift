import ConsensusCore
import Simulation

extension ScenarioDuration {
    /// The same span as simulated time.
    public var simDuration: SimDuration { SimDuration(nanoseconds: nanoseconds) }
}

extension Scenario {
    /// The simulator's options for this scenario: every field carried over, nothing invented.
    public func simulationOptions() -> SimulationOptions {
        var options = SimulationOptions(nodes: nodes)
        options.seed = seed
        options.duration = duration.simDuration
        options.warmup = warmup.simDuration
        options.consensus = ConsensusParameters(
            k: consensus.k, alphaPreference: consensus.alphaPreference, alphaConfidence: consensus.alphaConfidence,
            beta: consensus.beta, concurrentRepolls: consensus.concurrentRepolls)
        options.parents = consensus.parents
        options.batchSize = consensus.batchSize
        options.batchInterval = consensus.batchInterval.simDuration
        options.optimalProcessing = consensus.optimalProcessing
        options.answerAtOnce = consensus.answerAtOnce
        options.pollOnIssue = consensus.pollOnIssue
        options.pollTimeout = consensus.pollTimeout.simDuration
        options.pruning = consensus.pruning
        options.virtuousParents = consensus.virtuousParents
        options.signatureScheme = consensus.signature == .mlDSA87 ? .mlDSA87 : .mlDSA65

        var net = NetworkOptions(profile: NetworkProfile(rawValue: network.profile.rawValue)!)
        net.lossRate = network.lossRate
        net.uploadMbps = network.uploadMbps
        net.minLatency = network.minLatency.simDuration
        net.maxLatency = network.maxLatency.simDuration
        net.regions = network.regions
        options.network = net
        options.cpuSpeed = node.cpuSpeed
        options.disk = node.disk.diskOptions

        options.workload.tps = workload.tps
        options.workload.payloadBytes = workload.payloadBytes
        options.workload.conflictRate = workload.conflictRate
        let peak = workload.peakTps ?? workload.tps
        switch workload.pattern {
        case .constant: options.workload.pattern = .constant
        case .ramp: options.workload.pattern = .ramp(peak: peak)
        case .burst: options.workload.pattern = .burst(peak: peak, period: workload.period.simDuration,
                                                       burst: workload.burstDuration.simDuration)
        case .sine: options.workload.pattern = .sine(peak: peak, period: workload.period.simDuration)
        case .random: options.workload.pattern = .random(peak: peak, period: workload.period.simDuration)
        }
        options.seriesInterval = series.interval.simDuration
        options.memoryLimitMB = node.memoryLimitMB
        options.faults = faults.map(\.faultSpec)
        options.byzantine.fraction = byzantine.fraction
        options.byzantine.behavior = byzantine.behavior
        options.byzantine.sybilIdentities = byzantine.sybilIdentities
        options.byzantine.stakeWeighted = byzantine.stakeWeighted
        options.detection.enabled = detection.enabled
        options.detection.threshold = detection.threshold
        options.detection.excludeBelowThreshold = detection.excludeBelowThreshold
        return options
    }
}

extension Scenario.Disk {
    /// The simulator's form of this disk.
    var diskOptions: DiskOptions {
        var options = DiskOptions()
        options.writeMBps = writeMBps
        options.readMBps = readMBps
        options.writeLatency = writeLatency.simDuration
        options.readLatency = readLatency.simDuration
        options.iops = iops
        options.memtableMB = memtableMB
        options.level0Files = level0Files
        options.levelBaseMB = levelBaseMB
        options.levelMultiplier = levelMultiplier
        options.level0BacklogMB = level0BacklogMB
        options.retention = retention?.simDuration
        return options
    }
}

extension Scenario.Fault {
    /// The simulator's form of this fault. Validation has made sure the kind's required
    /// keys are present (the variant rules of `ScenarioFormat.fault`).
    var faultSpec: FaultSpec {
        let action: FaultSpec.Action
        var length = duration?.simDuration
        switch kind {
        case .crash, .churn: action = .crash(wipesStorage: false)
        case .restart:
            action = .crash(wipesStorage: false)
            length = length ?? .zero                  // a restart without `for` comes straight back
        case .diskFailure:
            action = .crash(wipesStorage: true)
            length = length ?? .zero
        case .partition: action = .partition(groups: groups, oneWay: oneWay)
        case .latencySpike: action = .latencySpike(factor: factor ?? 1)
        case .packetLoss: action = .packetLoss(rate: rate ?? 0)
        case .cpuThrottle: action = .cpuThrottle(speed: speed ?? 1)
        case .memoryPressure: action = .memoryPressure(limitMB: limitMB ?? 0)
        case .clockSkew: action = .clockSkew(offset: offset?.simDuration ?? .zero, driftPPM: drift ?? 0)
        }
        let target: FaultSpec.Target
        switch self.target {
        case .all: target = .all
        case let .count(count): target = .count(count)
        case let .nodes(list): target = .nodes(list)
        }
        return FaultSpec(action, target: target, start: at.simDuration, length: length,
                         every: every?.simDuration, until: until?.simDuration)
    }
}
