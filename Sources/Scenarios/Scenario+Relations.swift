extension Scenario {
    /// Checks the rules that relate the scenario to its size, its length and the simulator.
    ///
    /// These are the rules a command-line override of `nodes`, `duration` or `seed` can
    /// break, so they run again after overrides. Values reported bad earlier are skipped.
    func checkRelations(capabilities: SimulatorCapabilities, _ diagnostics: Diagnostics) {
        checkSizeAndLength(diagnostics)
        for (index, fault) in faults.enumerated() {
            check(fault, at: FieldPath.root.appending("faults").appending(index: index), diagnostics)
        }
        checkSupport(capabilities, diagnostics)
    }

    private func checkSizeAndLength(_ d: Diagnostics) {
        let nodesPath = FieldPath.root.appending("nodes")
        let durationPath = FieldPath.root.appending("duration")
        let kPath = FieldPath.root.appending("consensus").appending("k")
        // A node samples k peers other than itself, so k must stay below the node count.
        if d.areValid(nodesPath, kPath), consensus.k >= nodes {
            d.note(kPath, "\(consensus.k) must be smaller than the node count (\(nodes)): a node polls k peers other than itself")
        }
        let warmupPath = FieldPath.root.appending("warmup")
        if d.areValid(warmupPath, durationPath), warmup >= duration {
            d.note(warmupPath, "\(warmup) must be shorter than duration (\(duration))")
        }
        let intervalPath = FieldPath.root.appending("series").appending("interval")
        if d.areValid(intervalPath, durationPath), series.interval > duration {
            d.note(intervalPath, "\(series.interval) must be ≤ duration (\(duration))")
        }
        let retentionPath = FieldPath.root.appending("node").appending("disk").appending("retention")
        if node.disk.retention != nil, d.isValid(retentionPath),
           let failure = faults.firstIndex(where: { $0.kind == .diskFailure }) {
            d.note(retentionPath, "cannot be combined with a disk-failure fault (faults[\(failure)]): a node on a new disk "
                   + "fetches the whole DAG from its peers, who keep only the retention window (no state sync is modelled)")
        }
        let fractionPath = FieldPath.root.appending("byzantine").appending("fraction")
        if d.areValid(fractionPath, nodesPath), byzantine.fraction > 0,
           byzantine.fraction * Double(nodes) < 1 {
            d.note(fractionPath, "\(formatNumber(byzantine.fraction)) of \(nodes) nodes is less than one node")
        }
    }

    private func check(_ fault: Fault, at path: FieldPath, _ d: Diagnostics) {
        guard d.isValid(path) else { return }
        let nodesPath = FieldPath.root.appending("nodes")
        let durationPath = FieldPath.root.appending("duration")
        if d.areValid(path.appending("at"), durationPath), fault.at >= duration {
            d.note(path.appending("at"), "\(fault.at) is not before the end of the run (duration \(duration))")
        }
        if let until = fault.until, d.areValid(path.appending("until"), durationPath), until > duration {
            d.note(path.appending("until"), "\(until) is after the end of the run (duration \(duration))")
        }
        guard d.isValid(nodesPath) else { return }
        switch fault.target {
        case .all: break
        case .count(let count):
            if d.isValid(path.appending("count")), count > nodes {
                d.note(path.appending("count"), "\(count) is larger than the node count (\(nodes))")
            }
        case .nodes(let indices):
            if d.isValid(path.appending("nodes")), let last = indices.last, last >= nodes {
                d.note(path.appending("nodes"), "node \(last) does not exist; indices run from 0 to \(nodes - 1)")
            }
        }
        if d.isValid(path.appending("groups")) {
            for (index, fraction) in fault.groups.enumerated() where fraction * Double(nodes) < 1 {
                d.note(
                    path.appending("groups").appending(index: index),
                    "\(formatNumber(fraction)) of \(nodes) nodes is less than one node")
            }
        }
    }

    private func checkSupport(_ capabilities: SimulatorCapabilities, _ d: Diagnostics) {
        let notYet = "is not supported by this simulator yet"
        for (index, fault) in faults.enumerated() {
            let kindPath = FieldPath.root.appending("faults").appending(index: index).appending("kind")
            if d.isValid(kindPath), !capabilities.faultKinds.contains(fault.kind) {
                d.note(kindPath, "\(JSONWriter.quote(fault.kind.rawValue)) \(notYet)")
            }
        }
        let byzantinePath = FieldPath.root.appending("byzantine")
        if byzantine.fraction > 0, d.isValid(byzantinePath.appending("fraction")) {
            if d.isValid(byzantinePath.appending("behavior")),
               !capabilities.byzantineBehaviors.contains(byzantine.behavior) {
                let advice = capabilities.byzantineBehaviors.isEmpty
                    ? "; set byzantine.fraction to 0" : ""
                d.note(byzantinePath.appending("behavior"),
                       "\(JSONWriter.quote(byzantine.behavior.rawValue)) \(notYet)\(advice)")
            }
            if byzantine.stakeWeighted, !capabilities.stakeWeightedByzantine {
                d.note(byzantinePath.appending("stakeWeighted"),
                       "stake-weighted Byzantine shares are not supported by this simulator yet")
            }
        }
        let detectionPath = FieldPath.root.appending("detection").appending("enabled")
        if detection.enabled, !capabilities.detection {
            d.note(detectionPath, "Byzantine detection \(notYet)")
        }
        let patternPath = FieldPath.root.appending("workload").appending("pattern")
        if d.isValid(patternPath), !capabilities.workloadPatterns.contains(workload.pattern) {
            d.note(patternPath, "\(JSONWriter.quote(workload.pattern.rawValue)) \(notYet)")
        }
        if node.memoryLimitMB != nil, !capabilities.memoryLimit {
            d.note(FieldPath.root.appending("node").appending("memoryLimitMB"), "a memory limit \(notYet)")
        }
        if node.disk != .defaults, !capabilities.diskModel {
            d.note(FieldPath.root.appending("node").appending("disk"), "a disk model \(notYet)")
        }
    }

    // MARK: - Overrides

    /// Values given on the command line that replace the scenario's own.
    public struct Overrides: Sendable, Equatable {
        /// Replaces `nodes` (`--nodes`).
        public var nodes: Int?
        /// Replaces `duration` (`--duration`).
        public var duration: ScenarioDuration?
        /// Replaces `seed` (`--seed`).
        public var seed: UInt64?
        /// Replaces `warmup` (`--warmup`).
        public var warmup: ScenarioDuration?

        /// Creates a set of overrides; nil leaves the scenario's value.
        public init(nodes: Int? = nil, duration: ScenarioDuration? = nil, seed: UInt64? = nil,
                    warmup: ScenarioDuration? = nil) {
            self.nodes = nodes
            self.duration = duration
            self.seed = seed
            self.warmup = warmup
        }
    }

    /// The scenario with `overrides` applied, validated again (`consensus.k` against the
    /// new node count, `warmup` and fault times against the new duration, …).
    public func applying(
        _ overrides: Overrides, file: String? = nil, capabilities: SimulatorCapabilities = .current
    ) throws(ScenarioError) -> Scenario {
        let diagnostics = Diagnostics()
        var result = self
        if let nodes = overrides.nodes {
            let limit = ScenarioFormat.maximumNodes
            if nodes < 1 || Int64(nodes) > limit {
                diagnostics.report(FieldPath.root.appending("nodes"), "must be between 1 and \(limit) (got \(nodes))")
            }
            result.nodes = nodes
        }
        if let duration = overrides.duration {
            if duration.nanoseconds <= 0 {
                diagnostics.report(FieldPath.root.appending("duration"), "must be > 0 (got \"\(duration)\")")
            }
            result.duration = duration
        }
        if let seed = overrides.seed {
            result.seed = seed
        }
        if let warmup = overrides.warmup {
            if warmup.nanoseconds < 0 {
                diagnostics.report(FieldPath.root.appending("warmup"), "must be >= 0 (got \"\(warmup)\")")
            }
            result.warmup = warmup
        }
        result.checkRelations(capabilities: capabilities, diagnostics)
        let issues = diagnostics.sortedIssues()
        guard issues.isEmpty else { throw ScenarioError(file: file, issues: issues) }
        return result
    }
}
