import Foundation

extension Scenario {
    /// Decodes and validates a scenario from the bytes of a JSON file.
    ///
    /// Every problem is collected, not just the first: the thrown error lists them all,
    /// sorted by path, each naming its path and the rule it breaks. `file` is only used
    /// in messages. Features outside `capabilities` are reported as not supported yet.
    public static func decode(
        _ data: Data, file: String? = nil, capabilities: SimulatorCapabilities = .current
    ) throws(ScenarioError) -> Scenario {
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            let issue = ScenarioError.Issue(
                path: "", message: "line \(error.line), column \(error.column): \(error.message)")
            throw ScenarioError(file: file, issues: [issue])
        }
        let diagnostics = Diagnostics()
        let scenario = read(document, diagnostics)
        if let scenario {
            scenario.checkRelations(capabilities: capabilities, diagnostics)
        }
        let issues = diagnostics.sortedIssues()
        guard issues.isEmpty, let scenario else {
            throw ScenarioError(file: file, issues: issues)
        }
        return scenario
    }

    /// Reads, decodes and validates the scenario file at `path`.
    public static func load(
        path: String, capabilities: SimulatorCapabilities = .current
    ) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot read the file: \(error.localizedDescription)"
                : "no such file"
            throw ScenarioError(file: path, issues: [ScenarioError.Issue(path: "", message: reason)])
        }
        return try decode(data, file: path, capabilities: capabilities)
    }

    // MARK: - Reading the document

    /// Builds the scenario from a parsed document, reporting every problem that lies
    /// within the file itself. Bad values are replaced by placeholders and marked
    /// invalid, so later rules skip them; nil only when the document is not an object.
    static func read(_ document: JSONValue, _ diagnostics: Diagnostics) -> Scenario? {
        guard let root = ObjectReader(document, spec: ScenarioFormat.root, at: .root, diagnostics) else {
            return nil
        }
        _ = root.text("$schema")
        _ = root.constant("version")
        let id = root.text("id") ?? ""
        let criteria = root.elements("acceptance")
        let acceptance = readCriteria(criteria ?? [], diagnostics)
        let expect = root.choice("expect", as: Expectation.self) ?? .pass
        // Criteria that failed to decode are reported on their own; judge only a complete list.
        if expect == .fail, let criteria, acceptance.count == criteria.count,
           !acceptance.contains(where: { ($0.expect ?? .fail) == .fail }) {
            diagnostics.report(
                root.path("expect"), "\"fail\" needs at least one acceptance criterion that the run is expected to break")
        }
        return Scenario(
            id: id,
            name: root.text("name") ?? id,
            description: root.text("description") ?? "",
            category: root.choice("category", as: Category.self) ?? .load,
            tags: root.textList("tags") ?? [],
            seed: root.unsigned64("seed") ?? 0,
            nodes: root.integer("nodes") ?? 1,
            duration: root.duration("duration") ?? .seconds(1),
            warmup: root.duration("warmup") ?? .seconds(0),
            consensus: readConsensus(root.object("consensus")),
            network: readNetwork(root.object("network")),
            node: readNode(root.object("node")),
            workload: readWorkload(root.object("workload")),
            byzantine: readByzantine(root.object("byzantine")),
            detection: readDetection(root.object("detection")),
            faults: readFaults(root),
            series: SeriesOptions(interval: root.object("series")?.duration("interval") ?? .seconds(1)),
            expect: expect,
            acceptance: acceptance)
    }

    private static func readConsensus(_ object: ObjectReader?) -> Consensus {
        let consensus = Consensus(
            k: object?.integer("k") ?? 1,
            alphaPreference: object?.integer("alphaPreference") ?? 1,
            alphaConfidence: object?.integer("alphaConfidence") ?? 1,
            beta: object?.integer("beta") ?? 1,
            concurrentRepolls: object?.integer("concurrentRepolls") ?? 1,
            parents: object?.integer("parents") ?? 1,
            batchSize: object?.integer("batchSize") ?? 1,
            batchInterval: object?.duration("batchInterval") ?? .seconds(1),
            optimalProcessing: object?.integer("optimalProcessing"),
            answerAtOnce: object?.boolean("answerAtOnce") ?? false,
            pollOnIssue: object?.boolean("pollOnIssue") ?? false,
            pollTimeout: object?.duration("pollTimeout") ?? .seconds(1),
            pruning: object?.boolean("pruning") ?? true,
            virtuousParents: object?.boolean("virtuousParents") ?? false,
            signature: object?.choice("signature", as: Consensus.Signature.self) ?? .mlDSA87)
        if let object { checkConsensus(consensus, object) }
        return consensus
    }

    /// avalanchego's parameter rules: K/2 < αPref ≤ αConf ≤ K and 0 < repolls ≤ β.
    private static func checkConsensus(_ c: Consensus, _ object: ObjectReader) {
        let d = object.diagnostics
        let valid = { (keys: String...) in keys.allSatisfy { d.isValid(object.path($0)) } }
        if valid("k", "alphaPreference"), c.alphaPreference <= c.k / 2 {
            d.note(object.path, "alphaPreference (\(c.alphaPreference)) must be > k/2 (\(c.k / 2))")
        }
        if valid("alphaPreference", "alphaConfidence"), c.alphaConfidence < c.alphaPreference {
            d.note(object.path, "alphaConfidence (\(c.alphaConfidence)) must be ≥ alphaPreference (\(c.alphaPreference))")
        }
        if valid("k", "alphaConfidence"), c.alphaConfidence > c.k {
            d.note(object.path, "alphaConfidence (\(c.alphaConfidence)) must be ≤ k (\(c.k))")
        }
        if valid("beta", "concurrentRepolls"), c.concurrentRepolls > c.beta {
            d.note(object.path, "concurrentRepolls (\(c.concurrentRepolls)) must be ≤ beta (\(c.beta))")
        }
    }

    private static func readNetwork(_ object: ObjectReader?) -> Network {
        let profile = object?.choice("profile", as: Network.Profile.self) ?? .lan
        var upload = profile.defaultUploadMbps
        if let object, object.has("uploadMbps") {
            upload = object.isNull("uploadMbps") ? nil : (object.number("uploadMbps") ?? upload)
        }
        let network = Network(
            profile: profile,
            lossRate: object?.number("lossRate") ?? profile.defaultLossRate,
            uploadMbps: upload,
            minLatency: object?.duration("minLatency") ?? profile.defaultMinLatency,
            maxLatency: object?.duration("maxLatency") ?? profile.defaultMaxLatency,
            regions: profile == .wan ? (object?.integer("regions") ?? profile.defaultRegions) : profile.defaultRegions)
        if let object, network.minLatency > network.maxLatency,
           object.diagnostics.areValid(object.path("profile"), object.path("minLatency"), object.path("maxLatency")) {
            let origin = object.has("maxLatency") ? "" : ", the \(profile.rawValue) profile's"
            let path = object.has("minLatency") ? object.path("minLatency") : object.path("maxLatency")
            let message = object.has("minLatency")
                ? "\(network.minLatency) must be ≤ maxLatency (\(network.maxLatency)\(origin))"
                : "\(network.maxLatency) must be ≥ minLatency (\(network.minLatency), the \(profile.rawValue) profile's)"
            object.diagnostics.note(path, message)
        }
        return network
    }

    private static func readNode(_ object: ObjectReader?) -> NodeModel {
        NodeModel(
            cpuSpeed: object?.number("cpuSpeed") ?? 1,
            memoryLimitMB: object?.integer("memoryLimitMB"),
            disk: readDisk(object?.object("disk")))
    }

    private static func readDisk(_ object: ObjectReader?) -> Disk {
        let defaults = Disk.defaults
        guard let object else { return defaults }
        return Disk(
            writeMBps: object.number("writeMBps") ?? defaults.writeMBps,
            readMBps: object.number("readMBps") ?? defaults.readMBps,
            writeLatency: object.duration("writeLatency") ?? defaults.writeLatency,
            readLatency: object.duration("readLatency") ?? defaults.readLatency,
            iops: object.number("iops") ?? defaults.iops,
            memtableMB: object.number("memtableMB") ?? defaults.memtableMB,
            level0Files: object.integer("level0Files") ?? defaults.level0Files,
            levelBaseMB: object.number("levelBaseMB") ?? defaults.levelBaseMB,
            levelMultiplier: object.number("levelMultiplier") ?? defaults.levelMultiplier,
            level0BacklogMB: object.number("level0BacklogMB") ?? defaults.level0BacklogMB,
            retention: object.duration("retention"))
    }

    private static func readWorkload(_ object: ObjectReader?) -> Workload {
        let workload = Workload(
            pattern: object?.choice("pattern", as: Workload.Pattern.self) ?? .constant,
            tps: object?.number("tps") ?? 1,
            peakTps: object?.number("peakTps"),
            period: object?.duration("period") ?? .seconds(1),
            burstDuration: object?.duration("burstDuration") ?? .seconds(1),
            payloadBytes: object?.integer("payloadBytes") ?? 1,
            conflictRate: object?.number("conflictRate") ?? 0)
        guard let object else { return workload }
        let d = object.diagnostics
        if let peak = workload.peakTps, peak < workload.tps, d.areValid(object.path("tps"), object.path("peakTps")) {
            d.note(object.path("peakTps"),
                   "\(formatNumber(peak)) must be ≥ tps (\(formatNumber(workload.tps)))")
        }
        if workload.pattern == .burst, workload.burstDuration > workload.period,
           d.areValid(object.path("burstDuration"), object.path("period")) {
            d.note(object.path("burstDuration"), "\(workload.burstDuration) must be ≤ period (\(workload.period))")
        }
        return workload
    }

    private static func readByzantine(_ object: ObjectReader?) -> Byzantine {
        Byzantine(
            fraction: object?.number("fraction") ?? 0,
            behavior: object?.choice("behavior", as: Byzantine.Behavior.self) ?? .randomVoting,
            sybilIdentities: object?.integer("sybilIdentities") ?? 1,
            stakeWeighted: object?.boolean("stakeWeighted") ?? false)
    }

    private static func readDetection(_ object: ObjectReader?) -> Detection {
        let detection = Detection(
            enabled: object?.boolean("enabled") ?? false,
            threshold: object?.number("threshold") ?? 0.5,
            excludeBelowThreshold: object?.boolean("excludeBelowThreshold") ?? false)
        if let object, detection.excludeBelowThreshold, !detection.enabled,
           object.diagnostics.areValid(object.path("enabled"), object.path("excludeBelowThreshold")) {
            object.diagnostics.note(object.path("excludeBelowThreshold"), "needs enabled: true")
        }
        return detection
    }

    private static func readFaults(_ root: ObjectReader) -> [Fault] {
        guard let items = root.elements("faults") else { return [] }
        return items.compactMap { item in
            ObjectReader(item.value, spec: ScenarioFormat.fault, at: item.path, root.diagnostics).map(readFault)
        }
    }

    private static func readFault(_ object: ObjectReader) -> Fault {
        let d = object.diagnostics
        let count = object.integer("count")
        let nodes = object.integerList("nodes")
        var target = FaultTarget.all
        if let count { target = .count(count) }
        if let nodes {
            let sorted = nodes.sorted()
            if let repeated = zip(sorted, sorted.dropFirst()).first(where: { $0 == $1 })?.0 {
                d.report(object.path("nodes"), "node \(repeated) is listed more than once")
            }
            target = .nodes(sorted)
        }
        let fault = Fault(
            kind: object.choice("kind", as: Fault.Kind.self) ?? .crash,
            at: object.duration("at") ?? .seconds(0),
            duration: object.duration("for"),
            every: object.duration("every"),
            until: object.duration("until"),
            target: target,
            groups: object.numberList("groups") ?? [],
            oneWay: object.boolean("oneWay") ?? false,
            factor: object.number("factor"),
            rate: object.number("rate"),
            speed: object.number("speed"),
            limitMB: object.integer("limitMB"),
            offset: object.duration("offset"),
            drift: object.number("drift"))
        checkFaultTiming(fault, object)
        if object.has("groups"), d.isValid(object.path("groups")) {
            let sum = fault.groups.reduce(0, +)
            if abs(sum - 1) > ScenarioFormat.groupSumTolerance {
                d.report(object.path("groups"), "fractions must sum to 1 (they sum to \(formatNumber(sum)))")
            }
        }
        return fault
    }

    private static func checkFaultTiming(_ fault: Fault, _ object: ObjectReader) {
        let d = object.diagnostics
        if let length = fault.duration, let every = fault.every, length > every,
           d.areValid(object.path("for"), object.path("every")) {
            d.note(object.path("for"), "\(length) must be ≤ every (\(every)) so that occurrences do not overlap")
        }
        if let until = fault.until {
            if fault.every == nil, d.isValid(object.path("every")) {
                d.note(object.path("until"), "needs every: until only ends a repeating fault")
            } else if until <= fault.at, d.areValid(object.path("until"), object.path("at")) {
                d.note(object.path("until"), "\(until) must be later than at (\(fault.at))")
            }
        }
    }

    private static func readCriteria(
        _ items: [(value: JSONValue, path: FieldPath)], _ diagnostics: Diagnostics
    ) -> [Criterion] {
        items.compactMap { item in
            guard let object = ObjectReader(item.value, spec: ScenarioFormat.criterion, at: item.path, diagnostics)
            else { return nil }
            let criterion = Criterion(
                metric: object.text("metric") ?? "", min: object.number("min"), max: object.number("max"),
                expect: object.choice("expect", as: Expectation.self))
            if let min = criterion.min, let max = criterion.max, min > max {
                object.diagnostics.note(item.path, "min (\(formatNumber(min))) must be ≤ max (\(formatNumber(max)))")
            }
            return criterion
        }
    }
}
