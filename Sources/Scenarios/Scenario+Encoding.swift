extension Scenario {
    /// The resolved scenario as a complete scenario file: every default written out,
    /// keys sorted, durations in their shortest exact form.
    ///
    /// Decoding this text gives back an equal scenario, so it is what a run records to
    /// say exactly what it simulated, whatever defaults a later version may choose.
    public func canonicalJSON() -> String {
        JSONWriter.render(jsonValue, sortKeys: true)
    }

    var jsonValue: JSONValue {
        .object([
            ("version", .integer(Scenario.formatVersion)),
            ("id", .string(id)),
            ("name", .string(name)),
            ("description", .string(description)),
            ("category", .string(category.rawValue)),
            ("tags", .array(tags.map { .string($0) })),
            ("seed", .integer(seed)),
            ("nodes", .integer(nodes)),
            ("duration", .string(duration.description)),
            ("warmup", .string(warmup.description)),
            ("consensus", consensus.jsonValue),
            ("network", network.jsonValue),
            ("node", node.jsonValue),
            ("workload", workload.jsonValue),
            ("byzantine", byzantine.jsonValue),
            ("detection", detection.jsonValue),
            ("faults", .array(faults.map(\.jsonValue))),
            ("series", .object([("interval", .string(series.interval.description))])),
            ("expect", .string(expect.rawValue)),
            ("acceptance", .array(acceptance.map(\.jsonValue))),
        ])
    }
}

extension Scenario.Consensus {
    var jsonValue: JSONValue {
        .object([
            ("k", .integer(k)),
            ("alphaPreference", .integer(alphaPreference)),
            ("alphaConfidence", .integer(alphaConfidence)),
            ("beta", .integer(beta)),
            ("concurrentRepolls", .integer(concurrentRepolls)),
            ("parents", .integer(parents)),
            ("batchSize", .integer(batchSize)),
            ("batchInterval", .string(batchInterval.description)),
            ("optimalProcessing", optimalProcessing.map { JSONValue.integer($0) } ?? .null),
            ("answerAtOnce", .bool(answerAtOnce)),
            ("pollOnIssue", .bool(pollOnIssue)),
            ("pollTimeout", .string(pollTimeout.description)),
            ("pruning", .bool(pruning)),
            ("signature", .string(signature.rawValue)),
            ("virtuousParents", .bool(virtuousParents)),
        ])
    }
}

extension Scenario.Network {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("profile", .string(profile.rawValue)),
            ("lossRate", .double(lossRate)),
            ("uploadMbps", uploadMbps.map(JSONValue.double) ?? .null),
            ("minLatency", .string(minLatency.description)),
            ("maxLatency", .string(maxLatency.description)),
        ]
        if profile == .wan { members.append(("regions", .integer(regions))) }
        return .object(members)
    }
}

extension Scenario.NodeModel {
    var jsonValue: JSONValue {
        .object([
            ("cpuSpeed", .double(cpuSpeed)),
            ("memoryLimitMB", memoryLimitMB.map { JSONValue.integer($0) } ?? .null),
            ("disk", disk.jsonValue),
        ])
    }
}

extension Scenario.Disk {
    var jsonValue: JSONValue {
        .object([
            ("writeMBps", .double(writeMBps)),
            ("readMBps", .double(readMBps)),
            ("writeLatency", .string(writeLatency.description)),
            ("readLatency", .string(readLatency.description)),
            ("iops", .double(iops)),
            ("memtableMB", .double(memtableMB)),
            ("level0Files", .integer(level0Files)),
            ("levelBaseMB", .double(levelBaseMB)),
            ("levelMultiplier", .double(levelMultiplier)),
            ("level0BacklogMB", .double(level0BacklogMB)),
            ("retention", retention.map { JSONValue.string($0.description) } ?? .null),
        ])
    }
}

extension Scenario.Workload {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("pattern", .string(pattern.rawValue)),
            ("tps", .double(tps)),
            ("payloadBytes", .integer(payloadBytes)),
            ("conflictRate", .double(conflictRate)),
        ]
        // Only the keys the pattern uses, so the text decodes again.
        let uses = ScenarioFormat.workload.variants?.variant(pattern.rawValue)?.uses ?? []
        if uses.contains("peakTps"), let peakTps { members.append(("peakTps", .double(peakTps))) }
        if uses.contains("period") { members.append(("period", .string(period.description))) }
        if uses.contains("burstDuration") { members.append(("burstDuration", .string(burstDuration.description))) }
        return .object(members)
    }
}

extension Scenario.Byzantine {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("fraction", .double(fraction)),
            ("behavior", .string(behavior.rawValue)),
            ("stakeWeighted", .bool(stakeWeighted)),
        ]
        if behavior == .sybil { members.append(("sybilIdentities", .integer(sybilIdentities))) }
        return .object(members)
    }
}

extension Scenario.Detection {
    var jsonValue: JSONValue {
        .object([
            ("enabled", .bool(enabled)),
            ("threshold", .double(threshold)),
            ("excludeBelowThreshold", .bool(excludeBelowThreshold)),
        ])
    }
}

extension Scenario.Fault {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(kind.rawValue)),
            ("at", .string(at.description)),
        ]
        if let duration { members.append(("for", .string(duration.description))) }
        if let every { members.append(("every", .string(every.description))) }
        if let until { members.append(("until", .string(until.description))) }
        switch target {
        case .all: break
        case .count(let count): members.append(("count", .integer(count)))
        case .nodes(let nodes): members.append(("nodes", .array(nodes.map { JSONValue.integer($0) })))
        }
        if kind == .partition {
            members.append(("groups", .array(groups.map(JSONValue.double))))
            members.append(("oneWay", .bool(oneWay)))
        }
        if let factor { members.append(("factor", .double(factor))) }
        if let rate { members.append(("rate", .double(rate))) }
        if let speed { members.append(("speed", .double(speed))) }
        if let limitMB { members.append(("limitMB", .integer(limitMB))) }
        if let offset { members.append(("offset", .string(offset.description))) }
        if let drift { members.append(("drift", .double(drift))) }
        return .object(members)
    }
}

extension Scenario.Criterion {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("metric", .string(metric))]
        if let min { members.append(("min", .double(min))) }
        if let max { members.append(("max", .double(max))) }
        if let expect { members.append(("expect", .string(expect.rawValue))) }
        return .object(members)
    }
}
