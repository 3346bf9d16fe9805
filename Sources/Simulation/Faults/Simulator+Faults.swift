import ConsensusCore

/// The fault injector: schedules each fault's occurrences and applies them to the
/// network, the nodes' CPUs, memory and clocks, and to the nodes themselves (crash,
/// restart, loss of storage).
extension Simulator {
    /// How often memory limits are checked and catch-up and agreement are looked at.
    static let faultTickInterval = SimDuration.seconds(1)

    /// Schedules the first occurrence of every fault, and the periodic checks.
    func startFaults() {
        guard faults.enabled else { return }
        for (index, spec) in faults.specs.enumerated() where spec.start < options.duration {
            scheduleFault(.begin(Int32(index)), at: SimInstant.zero + spec.start)
        }
        scheduleFault(.tick, at: SimInstant.zero + Self.faultTickInterval)
    }

    func handleFault(_ event: FaultEvent) {
        switch event {
        case let .begin(index): beginOccurrence(Int(index))
        case let .end(index): endOccurrence(Int(index))
        case let .restartAfterOOM(node):
            if !nodes[Int(node)].alive { restart(Int(node), wipingStorage: false) }
        case .tick: faultTick()
        }
    }

    /// Schedules a fault event: in the event queue, or in a sharded run in the queue of
    /// events taken between windows.
    func scheduleFault(_ event: FaultEvent, at time: SimInstant) {
        if sharded { controlQueue.schedule(event, at: time) } else { queue.schedule(.fault(event), at: time) }
    }

    // MARK: - Occurrences

    private func beginOccurrence(_ index: Int) {
        let spec = faults.specs[index]
        faults.occurrences[index] += 1
        // The end first: with `for` equal to `every` it must come before the next start.
        if let length = spec.length { scheduleFault(.end(Int32(index)), at: now + length) }
        if let every = spec.every {
            let next = now + every
            let stop = SimInstant.zero + min(spec.until ?? options.duration, options.duration)
            if next < stop { scheduleFault(.begin(Int32(index)), at: next) }
        }
        switch spec.action {
        case let .crash(wipesStorage):
            let targets = chooseTargets(index, amongLiveNodes: true)
            faults.hit[index] = targets
            for node in targets { crash(node) }
            if wipesStorage {
                // The disk is lost now: the engine (standing for its storage) is rebuilt empty at restart.
                for node in targets { faults.wipeAtRestart[node] = true }
            }
        case let .partition(groups, oneWay): beginPartition(index, groups: groups, oneWay: oneWay)
        case let .latencySpike(factor):
            faults.hit[index] = chooseTargets(index, amongLiveNodes: false)
            if network.nodeLatencyFactor.isEmpty { network.nodeLatencyFactor = Array(repeating: 1, count: nodes.count) }
            for node in faults.hit[index] { network.nodeLatencyFactor[node] *= factor }
        case let .packetLoss(rate):
            faults.hit[index] = chooseTargets(index, amongLiveNodes: false)
            if network.nodeExtraLoss.isEmpty { network.nodeExtraLoss = Array(repeating: 0, count: nodes.count) }
            for node in faults.hit[index] { network.nodeExtraLoss[node] += rate }
        case let .cpuThrottle(speed):
            faults.hit[index] = chooseTargets(index, amongLiveNodes: false)
            for node in faults.hit[index] { faults.cpuScale[node] /= speed }
        case let .memoryPressure(limitMB):
            faults.hit[index] = chooseTargets(index, amongLiveNodes: false)
            for node in faults.hit[index] { faults.pressureLimit[node] = limitMB * 1_048_576 }
        case let .clockSkew(offset, driftPPM):
            faults.hit[index] = chooseTargets(index, amongLiveNodes: false)
            for node in faults.hit[index] {
                faults.clockOffset[node] = offset.nanoseconds
                faults.clockDrift[node] = driftPPM
                faults.clockSince[node] = now.nanoseconds
            }
        }
    }

    private func endOccurrence(_ index: Int) {
        let spec = faults.specs[index]
        let targets = faults.hit[index]
        faults.hit[index] = []
        switch spec.action {
        case .crash:
            for node in targets where !nodes[node].alive {
                restart(node, wipingStorage: faults.wipeAtRestart[node])
            }
        case .partition: endPartition()
        case let .latencySpike(factor):
            for node in targets {
                network.nodeLatencyFactor[node] /= factor
                if abs(network.nodeLatencyFactor[node] - 1) < 1e-9 { network.nodeLatencyFactor[node] = 1 }
            }
        case let .packetLoss(rate):
            for node in targets {
                network.nodeExtraLoss[node] -= rate
                if network.nodeExtraLoss[node] < 1e-12 { network.nodeExtraLoss[node] = 0 }
            }
        case let .cpuThrottle(speed):
            for node in targets {
                faults.cpuScale[node] *= speed
                if abs(faults.cpuScale[node] - 1) < 1e-9 { faults.cpuScale[node] = 1 }
            }
        case .memoryPressure:
            for node in targets { faults.pressureLimit[node] = 0 }
        case .clockSkew:
            for node in targets {
                faults.clockOffset[node] = 0
                faults.clockDrift[node] = 0
            }
        }
    }

    /// The nodes an occurrence hits: all, the listed ones, or `count` drawn from the fault's
    /// own stream (among live nodes for crashes), in ascending order.
    private func chooseTargets(_ index: Int, amongLiveNodes: Bool) -> [Int] {
        let candidates = amongLiveNodes ? nodes.indices.filter { nodes[$0].alive } : Array(nodes.indices)
        switch faults.specs[index].target {
        case .all: return candidates
        case let .nodes(list): return list.filter { $0 < nodes.count && (!amongLiveNodes || nodes[$0].alive) }
        case let .count(count):
            var picks: [Int] = []
            faults.random[index].sample(min(count, candidates.count), from: candidates.count, into: &picks)
            return picks.map { candidates[$0] }.sorted()
        }
    }

    // MARK: - Crash and restart

    /// Stops `node`: it loses what it held only in memory (polls, fetches, queued CPU work);
    /// messages to it are dropped until it restarts.
    func crash(_ node: Int, injected: Bool = true) {
        guard nodes[node].alive else { return }
        let state = nodes[node]
        state.alive = false
        if !adversary.isByzantine[node] { metrics.liveNodes -= 1 }     // live honest nodes
        if injected { faults.injectedCrashes += 1 }
        faults.downSince[node] = now.nanoseconds
        if faults.rejoinStart[node] >= 0 {       // crashed again before catching up: that catch-up never ends
            faults.rejoinStart[node] = -1
            faults.rejoinsAbandoned += 1
        }
        faults.catchingUp[node] = false
        faults.rejoinMissing[node] = []
        let home = home(of: node)
        _ = state.removeAllPolls()      // and the timeout armed for them, which `pollTimedOut` then ignores
        state.pending.removeAll()
        state.waitingOn.removeAll()
        state.requested.removeAll()
        state.deferred = []
        state.blockedVotes = []
        let unfinished = max(.zero, state.cpuFreeAt - now)
        state.cpuBacklogNs = max(0, state.cpuBacklogNs - unfinished.nanoseconds)
        state.cpuFreeAt = now
        home.storage.stop(node, at: now.nanoseconds)
    }

    /// Brings `node` back: from its storage (the engine releases what a restarted node would
    /// not load into memory, the accepted prefix, and the node reads its write-ahead log back
    /// before it acts), or empty on a new disk after a disk failure. It then catches up from
    /// peers, writing what it fetches like any vertex it adds.
    func restart(_ node: Int, wipingStorage: Bool) {
        guard !nodes[node].alive else { return }
        let state = nodes[node]
        let home = home(of: node)
        let downSince = faults.downSince[node]
        faults.downIntervals[node].append((start: downSince, end: now.nanoseconds))
        faults.downtimeTotal += now.nanoseconds - downSince
        faults.downSince[node] = -1
        faults.wipeAtRestart[node] = false
        if wipingStorage {
            var keys: [NodeID: VerifyingKey] = [:]
            for (index, key) in signingKeys.enumerated() { keys[NodeID(index)] = key.verifyingKey }
            guard let engine = try? makeEngine(keys: keys) else { preconditionFailure("an engine that was built once builds again") }
            state.replaceEngine(with: engine)
            state.acceptedSincePrune = 0
            faults.storageLosses += 1
            faults.storageSince[node] = now.nanoseconds
            home.storage.replace(node, at: now.nanoseconds)
        } else {
            _ = state.engine.prune()
            home.storage.recover(node, at: now.nanoseconds)
        }
        state.alive = true
        if !adversary.isByzantine[node] { metrics.liveNodes += 1 }
        beginRejoin(node, downSince: downSince, wiped: wipingStorage)
        if !state.batch.isEmpty && !state.batchTimerArmed {
            state.batchTimerArmed = true
            home.queue.schedule(.batchDue(node: Int32(node)), at: now + timer(node, options.batchInterval))
        }
        home.startPoll(node, pushing: nil)
    }

    // MARK: - Partitions

    private func beginPartition(_ index: Int, groups: [Double], oneWay: Bool) {
        let n = nodes.count
        var order: [Int] = []
        faults.random[index].sample(n, from: n, into: &order)
        var group = [UInt8](repeating: 0, count: n)
        var cumulative = 0.0
        var position = 0
        for (g, share) in groups.enumerated() {
            cumulative += share
            let boundary = g == groups.count - 1 ? n : min(n, Int((cumulative * Double(n)).rounded()))
            while position < boundary {
                group[order[position]] = UInt8(g)
                position += 1
            }
        }
        network.partition(groups: group, oneWay: oneWay)
        faults.partitionGroup = group
        faults.partitionStart = now.nanoseconds
        faults.acceptedInGroup = Array(repeating: 0, count: groups.count)
    }

    private func endPartition() {
        guard faults.partitionStart >= 0 else { return }
        network.heal()
        let deciding = faults.acceptedInGroup.filter { $0 > 0 }.count
        faults.fewestSidesDeciding = min(faults.fewestSidesDeciding ?? deciding, deciding)
        watchRecovery(since: faults.partitionStart)
        faults.partitionStart = -1
        faults.partitionGroup = []
    }

    // MARK: - CPU and clocks

    /// `ns` of work on `node`'s CPU, stretched when the node is throttled.
    @inline(__always)
    func throttled(_ node: Int, _ ns: Int64) -> Int64 {
        if faults.cpuScale.isEmpty { return ns }
        let scale = faults.cpuScale[node]
        return scale == 1 ? ns : Int64((Double(ns) * scale).rounded())
    }

    /// The simulated time a timer of `duration` on `node`'s clock takes: shorter when its
    /// clock runs fast, longer when it runs slow.
    @inline(__always)
    func timer(_ node: Int, _ duration: SimDuration) -> SimDuration {
        if faults.clockDrift.isEmpty { return duration }
        let drift = faults.clockDrift[node]
        if drift == 0 { return duration }
        return SimDuration(nanoseconds: Int64((Double(duration.nanoseconds) / (1 + drift * 1e-6)).rounded()))
    }

    /// What `node`'s clock reads when it next acts: the simulated time, shifted by its
    /// skew's offset and the drift accumulated since the skew began.
    func clockReading(_ node: Int) -> Int64 {
        let time = localTime(node).nanoseconds
        if faults.clockOffset.isEmpty { return time }
        let drift = Int64((faults.clockDrift[node] * 1e-6 * Double(time - faults.clockSince[node])).rounded())
        let reading = max(0, time + faults.clockOffset[node] + drift)
        faults.largestTimestampError = max(faults.largestTimestampError, abs(reading - time))
        return reading
    }

    // MARK: - Periodic checks

    private func faultTick() {
        scheduleFault(.tick, at: now + Self.faultTickInterval)
        if faults.baseMemoryLimit > 0 || !faults.pressureLimit.isEmpty {
            for node in nodes.indices where nodes[node].alive {
                let limit = faults.memoryLimit(of: node)
                guard limit > 0 else { continue }
                let held = nodes[node].engine.heldBytesInPlace() + nodes[node].protocolBytes
                if held > limit {
                    faults.oomKills += 1
                    crash(node, injected: false)
                    scheduleFault(.restartAfterOOM(Int32(node)), at: now + options.restartAfterOOM)
                }
            }
        }
        // A node still catching up with nothing to poll asks again (its first answers may have been lost).
        for node in nodes.indices where faults.catchingUp[node] && nodes[node].alive && nodes[node].polls.isEmpty {
            home(of: node).startPoll(node, pushing: nil)
        }
        recheckRecoveries()
        trimAcceptanceLog()
    }
}
