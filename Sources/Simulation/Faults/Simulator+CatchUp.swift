import ConsensusCore

/// Catching up after a restart, and the measurements of agreement that faults need.
///
/// A restarted node polls its peers at once; their chits name their preferred frontiers,
/// and the node fetches what it lacks with get-ancestors (as avalanchego's bootstrapping
/// does): one request returns the named vertex and its ancestors, oldest first, up to a
/// size limit, so a node that missed minutes of history does not fetch it one vertex per
/// round trip. Its polls then accept the history like any other vertices.
extension Simulator {
    /// Most vertices in one ancestors answer (avalanchego's limit on containers per answer).
    static let maxAncestorsPerAnswer = 2_000
    /// Most bytes in one ancestors answer (avalanchego's 2 MiB message limit).
    static let maxAncestorsBytes = 2 << 20

    /// Whether `node` fetches missing vertices with their ancestors.
    @inline(__always)
    func isCatchingUp(_ node: Int) -> Bool { !faults.catchingUp.isEmpty && faults.catchingUp[node] }

    // MARK: - Get-ancestors

    /// Answers a get-ancestors: each named vertex the node has stored and its ancestors
    /// (which it necessarily once held: a vertex is added only after its parents), newest
    /// first up to the limits, sent oldest first. The bodies come from memory or the node's
    /// disk, read in one request, and the answer leaves when they are back.
    func serveAncestors(at node: Int, to asker: Int, naming ids: [Hash256]) {
        var frontier = ids.filter { hasOnDisk($0, at: node) }
        var seen = Set<Hash256>()             // membership only: the walk order is the array's
        var found: [(order: Int, vertex: Vertex)] = []
        var bytes = 0
        var readCount = 0, readBytes = 0
        var next = 0
        while next < frontier.count && found.count < Self.maxAncestorsPerAnswer && bytes < Self.maxAncestorsBytes {
            let id = frontier[next]
            next += 1
            guard seen.insert(id).inserted else { continue }
            let vertex: Vertex
            if let held = nodes[node].engine.storedVertexInPlace(id) {
                vertex = held
            } else if let archived = archive[id], retainedOnDisk(archived) {
                readCount += 1
                readBytes += vertexWireBytes(archived)
                vertex = archived
            } else {
                continue                          // genesis is not in the archive: everyone has it
            }
            found.append((found.count, vertex))
            bytes += vertexWireBytes(vertex)
            frontier.append(contentsOf: vertex.parents)
        }
        guard !found.isEmpty else { return }
        found.sort { ($0.vertex.height, $0.order) < ($1.vertex.height, $1.order) }
        let ready = readCount > 0 ? readFromDisk(node, vertices: readCount, bytes: readBytes) : .zero
        send(Message(kind: .ancestors, from: Int32(node), to: Int32(asker), poll: 0, vertex: nil,
                     ids: IdList(found.map(\.vertex.id), numbering: archive.numbering)),
             bytes: messageHeaderBytes + 4 + bytes, notBefore: ready)
    }

    /// Whether `node` has vertex `id` in memory or on its disk. The engine forgets the oldest
    /// tombstones of pruned vertices, not the disk: a vertex made since the node's storage
    /// began (at the start, or at its restart after a disk failure) that the archive holds is
    /// one it added, since it accepted everything accepted before it could name newer vertices;
    /// the disk keeps it unless it has left the retention window.
    private func hasOnDisk(_ id: Hash256, at node: Int) -> Bool {
        if nodes[node].engine.holdsInPlace(id) { return true }
        guard let vertex = archive[id] else { return false }
        return vertex.timestamp >= faults.storageSince[node] && retainedOnDisk(vertex)
    }

    /// Takes an ancestors answer: adds its vertices oldest first.
    ///
    /// The message carries the bodies (its size counts them); the simulation looks them up
    /// in the archive by id rather than copying them into the message.
    func receiveAncestors(at node: Int, from: Int, ids: [Hash256]) {
        for id in ids {
            guard let vertex = archive[id] else { continue }
            receive(vertex, at: node, from: from)
        }
    }

    // MARK: - Rejoin

    /// Starts measuring a restarted node's catch-up: it has caught up when it has accepted
    /// every transaction first accepted by some node from a liveness deadline before it went
    /// down until its restart. (Anything older it had accepted before going down, or it
    /// would have counted as stalled; after a disk failure it cannot accept these without
    /// first accepting their whole ancestry.)
    func beginRejoin(_ node: Int, downSince: Int64, wiped: Bool) {
        let from = faults.log.firstPosition(atOrAfter: downSince - options.livenessDeadline.nanoseconds)
        var missing = Set<UInt64>()
        for position in from..<faults.log.end {
            let entry = faults.log[position]
            if wiped || nodes[node].engine.decision(for: entry.input) != entry.transaction {
                missing.insert(entry.nonce)
            }
        }
        faults.catchingUp[node] = true
        if missing.isEmpty {
            faults.rejoinSeconds.append(0)
            faults.catchingUp[node] = false
            return
        }
        faults.rejoinMissing[node] = missing
        faults.rejoinStart[node] = now.nanoseconds
    }

    // MARK: - Observing decisions

    /// Books a node's acceptances for the fault measurements: the acceptance log, catch-up,
    /// agreement after a fault, and whether each side of a partition kept deciding.
    /// `now` is when the node decided; `decidedAt` when its decision counts (its records durable).
    func observeForFaults(_ accepted: [Transaction], at node: Int, now: SimInstant, decidedAt: SimInstant) {
        let live = Int32(metrics.liveNodes)
        for tx in accepted {
            var position = faults.log.position(of: tx.nonce)
            if let known = position {
                faults.log[known].acceptedBy += 1
            } else if let i = ledger.index(tx.nonce), ledger[i].acceptedBy == 1 {
                position = faults.log.append(tx, at: now.nanoseconds)
            }
            if let position, faults.log[position].acceptedBy == live {
                for w in faults.recoveries.indices
                    where faults.recoveries[w].low <= position && position < faults.recoveries[w].high {
                    faults.recoveries[w].remaining -= 1
                }
            }
            if faults.partitionStart >= 0 && Int(tx.origin) == node && tx.submitTime >= faults.partitionStart {
                faults.acceptedInGroup[Int(faults.partitionGroup[node])] += 1
            }
            if faults.rejoinStart[node] >= 0, faults.rejoinMissing[node].remove(tx.nonce) != nil,
               faults.rejoinMissing[node].isEmpty {
                faults.rejoinSeconds.append(Double(decidedAt.nanoseconds - faults.rejoinStart[node]) / 1e9)
                faults.rejoinStart[node] = -1
                faults.catchingUp[node] = false
                faultsChanged = true
            }
        }
        finishRecoveries(at: decidedAt)
    }

    // MARK: - Agreement after a fault

    /// Starts measuring agreement: from now until every transaction first accepted from a
    /// liveness deadline before `since` until now is accepted by every live node.
    func watchRecovery(since: Int64) {
        let low = faults.log.firstPosition(atOrAfter: since - options.livenessDeadline.nanoseconds)
        var watch = RecoveryWatch(start: now, low: low, high: faults.log.end, remaining: 0)
        watch.remaining = waitingCount(watch)
        faults.recoveries.append(watch)
        finishRecoveries(at: now)
    }

    private func finishRecoveries(at time: SimInstant) {
        var w = 0
        while w < faults.recoveries.count {
            // The running count can be short when the live node count rose since it was
            // taken: count again before calling the agreement complete.
            if faults.recoveries[w].remaining <= 0 { faults.recoveries[w].remaining = waitingCount(faults.recoveries[w]) }
            if faults.recoveries[w].remaining <= 0 {
                faults.recoverySeconds.append(Double((max(time, faults.recoveries[w].start) - faults.recoveries[w].start).nanoseconds) / 1e9)
                faults.recoveries.remove(at: w)
            } else {
                w += 1
            }
        }
    }

    /// Counts again what each watch waits for (the live node count may have changed).
    func recheckRecoveries() {
        guard !faults.recoveries.isEmpty else { return }
        for w in faults.recoveries.indices { faults.recoveries[w].remaining = waitingCount(faults.recoveries[w]) }
        finishRecoveries(at: now)
    }

    /// Transactions of a watch not yet accepted by as many nodes as are live.
    private func waitingCount(_ watch: RecoveryWatch) -> Int {
        let live = Int32(metrics.liveNodes)
        var remaining = 0
        for position in watch.low..<watch.high where faults.log[position].acceptedBy < live { remaining += 1 }
        return remaining
    }

    /// Forgets log entries no measurement can need: older than a liveness deadline before
    /// now, before any down node went down, and before every open agreement watch.
    func trimAcceptanceLog() {
        var keepFrom = now.nanoseconds - options.livenessDeadline.nanoseconds
        for node in nodes.indices where faults.downSince[node] >= 0 {
            keepFrom = min(keepFrom, faults.downSince[node] - options.livenessDeadline.nanoseconds)
        }
        if faults.partitionStart >= 0 {
            keepFrom = min(keepFrom, faults.partitionStart - options.livenessDeadline.nanoseconds)
        }
        var position = faults.log.firstPosition(atOrAfter: keepFrom)
        for watch in faults.recoveries { position = min(position, watch.low) }
        faults.log.trim(before: position)
    }

    // MARK: - Figures

    /// The fault figures of the run, named as in the catalogue.
    func faultMetrics() -> [(String, Double)] {
        let end = SimInstant.zero + options.duration
        var values: [(String, Double)] = []
        var downtime = faults.downtimeTotal
        if faults.enabled {
            for node in nodes.indices where faults.downSince[node] >= 0 { downtime += end.nanoseconds - faults.downSince[node] }
        }
        let total = Double(options.duration.nanoseconds) * Double(nodes.count)
        values.append(("uptime.percent", total > 0 ? (1 - Double(downtime) / total) * 100 : 100))
        values.append(("node.crashes", Double(faults.oomKills)))
        values.append(("node.oom", Double(faults.oomKills)))
        guard faults.enabled else { return values }
        values.append(("faults.crashes", Double(faults.injectedCrashes)))
        values.append(("faults.storageLosses", Double(faults.storageLosses)))
        let rejoins = faults.rejoinSeconds.sorted()
        if !rejoins.isEmpty {
            values.append(("rejoin.p95", percentile(rejoins, 95)))
            values.append(("rejoin.max", rejoins.last!))
        }
        values.append(("rejoin.count", Double(rejoins.count)))
        let unfinishedRejoins = faults.rejoinStart.filter { $0 >= 0 }.count + faults.rejoinsAbandoned
        values.append(("rejoin.incomplete", Double(unfinishedRejoins)))
        var recoveries = faults.recoverySeconds
        // A watch still open at the end counts with the time it has waited: at least that long.
        for watch in faults.recoveries { recoveries.append(Double((end - watch.start).nanoseconds) / 1e9) }
        if let worst = recoveries.max() { values.append(("recovery.seconds", worst)) }
        if !recoveries.isEmpty { values.append(("recovery.incomplete", Double(faults.recoveries.count))) }
        if let sides = faults.fewestSidesDeciding { values.append(("partition.sidesDeciding", Double(sides))) }
        if !faults.clockOffset.isEmpty {
            values.append(("clock.timestampError.max", Double(faults.largestTimestampError) / 1e6))
        }
        return values
    }

    /// The `p`-th percentile of sorted values, nearest rank.
    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
