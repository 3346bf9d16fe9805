import Foundation
import Scenarios
import Testing

@Suite("Validation: document structure")
struct StructureValidationTests {
    @Test("Malformed JSON gives its line and column")
    func malformedJSON() {
        let found = issues("{\n  \"version\": 1,\n  \"id\": \"LT-001\"\n  \"nodes\": 100\n}")
        #expect(found == [
            ScenarioError.Issue(path: "", message: "line 4, column 3: expected ',' or '}' after the value of \"id\"")
        ])
    }

    @Test("Syntax errors are described", arguments: [
        ("", "line 1, column 1: the document is empty; expected a JSON object"),
        ("{ \"version\": 1, }", "line 1, column 17: trailing comma before '}' is not allowed"),
        ("{ // note\n}", "line 1, column 3: comments are not allowed in JSON"),
        ("{ \"a\": 01 }", "line 1, column 9: numbers must not have leading zeros"),
        ("{ \"a\": \"x }", "line 1, column 12: unterminated string"),
        ("{} []", "line 1, column 4: unexpected text after the end of the JSON value"),
    ])
    func syntaxErrors(text: String, message: String) {
        #expect(issues(text).map(\.description) == [message])
    }

    @Test("String escapes decode, surrogate pairs included")
    func stringEscapes() throws {
        let decoded = try decode(scenario(#""name": "caf\u00e9 \ud83d\ude80 \"q\"\n\t/\\""#)).get()
        #expect(decoded.name == "café 🚀 \"q\"\n\t/\\")
        #expect(issues(scenario(#""name": "\ud83d""#)).map(\.message).first?.contains("unpaired surrogate") == true)
    }

    @Test("Nesting is limited")
    func nestingLimit() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(issues(scenario(#""tags": \#(deep)"#)).map(\.message).first?.contains("nesting deeper than 64 levels") == true)
    }

    @Test("The top level must be an object")
    func topLevelObject() {
        #expect(issues("[1, 2]").map(\.description) == ["expected an object, got an array"])
    }

    @Test("An unknown key names the nearest known key")
    func unknownKeySuggestion() {
        expectSingleIssue(
            scenario(#""consensus": { "alphaPrefence": 15 }"#),
            path: "consensus.alphaPrefence", contains: #"unknown key (did you mean "alphaPreference"?)"#)
        expectSingleIssue(
            scenario(#""workload": { "TPS": 10 }"#), path: "workload.TPS", contains: #"did you mean "tps"?"#)
        expectSingleIssue(
            scenario(#""seeds": 3"#), path: "seeds", contains: #"did you mean "seed"?"#)
    }

    @Test("An unknown key with no near match lists the known keys")
    func unknownKeyWithoutSuggestion() {
        expectSingleIssue(
            scenario(#""series": { "frequency": "1s" }"#),
            path: "series.frequency", contains: "unknown key; known keys here: interval")
    }

    @Test("A duplicate key is refused")
    func duplicateKey() {
        expectSingleIssue(scenario(#""seed": 1, "seed": 2"#), path: "seed", contains: "duplicate key")
    }

    @Test("version, id and nodes are required")
    func requiredKeys() {
        let found = issues("{}")
        #expect(found == [
            ScenarioError.Issue(path: "id", message: "required key is missing"),
            ScenarioError.Issue(path: "nodes", message: "required key is missing"),
            ScenarioError.Issue(path: "version", message: "required key is missing"),
        ])
    }

    @Test("version must be 1")
    func versionMustBeOne() {
        expectSingleIssue(
            #"{ "version": 2, "id": "LT-001", "nodes": 100 }"#, path: "version", contains: "must be 1 (got 2)")
    }

    @Test("The id must follow the naming scheme", arguments: ["lt-001", "LT-1", "LT001", "LT-001-", "LTX-001"])
    func idPattern(id: String) {
        expectSingleIssue(
            #"{ "version": 1, "id": "\#(id)", "nodes": 100 }"#,
            path: "id", contains: "two capital letters, a dash, three digits")
    }

    @Test("Ids with suffixes are accepted", arguments: ["LT-001", "LT-003-10000", "CT-003-30-collusion"])
    func idSuffixes(id: String) {
        #expect(issues(#"{ "version": 1, "id": "\#(id)", "nodes": 100 }"#).isEmpty)
    }

    @Test("Wrong JSON types name what was expected")
    func wrongTypes() {
        expectSingleIssue(
            scenario(#""workload": { "tps": "100" }"#),
            path: "workload.tps", contains: #"expected a number, got "100"; remove the quotes"#)
        expectSingleIssue(
            scenario(#""consensus": { "pruning": "false" }"#),
            path: "consensus.pruning", contains: "expected true or false")
        expectSingleIssue(
            scenario(#""consensus": { "k": 20.5 }"#), path: "consensus.k", contains: "expected an integer, got 20.5")
        expectSingleIssue(scenario(#""network": "lan""#), path: "network", contains: #"expected an object, got "lan""#)
        expectSingleIssue(scenario(#""faults": {}"#), path: "faults", contains: "expected an array, got an object")
        expectSingleIssue(scenario(#""tags": ["ci", 3]"#), path: "tags[1]", contains: "expected a string, got 3")
    }

    @Test("Whole numbers written with a fraction or exponent count as integers")
    func exactIntegers() throws {
        let decoded = try decode(#"{ "version": 1.0, "id": "LT-001", "nodes": 1e3 }"#).get()
        #expect(decoded.nodes == 1000)
    }

    @Test("nodes must be 1…100000")
    func nodeRange() {
        expectSingleIssue(
            #"{ "version": 1, "id": "LT-001", "nodes": 0 }"#, path: "nodes", contains: "must be between 1 and 100000 (got 0)")
        expectSingleIssue(
            #"{ "version": 1, "id": "LT-001", "nodes": 100001 }"#, path: "nodes", contains: "(got 100001)")
        expectSingleIssue(
            #"{ "version": 1, "id": "LT-001", "nodes": 99999999999999999999 }"#, path: "nodes",
            contains: "must be between 1 and 100000")
    }

    @Test("seed must be an unsigned 64-bit integer")
    func seedRange() {
        expectSingleIssue(scenario(#""seed": -1"#), path: "seed", contains: "must be between 0 and 18446744073709551615")
        expectSingleIssue(scenario(#""seed": 18446744073709551616"#), path: "seed", contains: "(got 18446744073709551616)")
    }

    @Test("Choices list the allowed values")
    func choices() {
        expectSingleIssue(
            scenario(#""network": { "profile": "lann" }"#),
            path: "network.profile", contains: #"must be one of local, lan, wan, degraded (got "lann")"#)
        expectSingleIssue(
            scenario(#""category": "speed""#), path: "category",
            contains: "must be one of load, stress, soak, chaos, byzantine, performance, infrastructure")
        expectSingleIssue(
            scenario(#""consensus": { "signature": "ed25519" }"#), path: "consensus.signature",
            contains: "must be one of ml-dsa-87, ml-dsa-65")
        expectSingleIssue(scenario(#""expect": "maybe""#), path: "expect", contains: "must be one of pass, fail")
    }

    @Test("Tags are single words")
    func tags() {
        expectSingleIssue(scenario(#""tags": ["nightly run"]"#), path: "tags[0]", contains: "a single word without spaces")
    }
}

@Suite("Validation: durations in scenarios")
struct DurationValidationTests {
    @Test("A bare number says to add a unit")
    func bareNumber() {
        expectSingleIssue(
            scenario(#""duration": 60"#), path: "duration", contains: #"must be a string with a unit (ns, us, ms, s, m, h, d), e.g. "60s" (got 60)"#)
    }

    @Test("Text without a unit says to add one")
    func textWithoutUnit() {
        expectSingleIssue(scenario(#""duration": "60""#), path: "duration", contains: #""60" has no unit; add one of"#)
    }

    @Test("Text that is not a duration explains the format")
    func notADuration() {
        expectSingleIssue(
            scenario(#""duration": "one hour""#), path: "duration", contains: #""one hour" is not a duration"#)
    }

    @Test("A fraction of a nanosecond is refused")
    func subNanosecond() {
        expectSingleIssue(
            scenario(#""consensus": { "batchInterval": "1.5ns" }"#), path: "consensus.batchInterval",
            contains: "is not a whole number of nanoseconds")
    }

    @Test("Zero and negative durations are refused where they make no sense")
    func zeroAndNegative() {
        expectSingleIssue(scenario(#""duration": "0s""#), path: "duration", contains: #"must be > 0 (got "0s")"#)
        expectSingleIssue(scenario(#""warmup": "-5s""#), path: "warmup", contains: "is negative")
    }

    @Test("warmup must be shorter than duration")
    func warmupShorterThanDuration() {
        expectSingleIssue(
            scenario(#""duration": "30s", "warmup": "30s""#),
            path: "warmup", contains: "30s must be shorter than duration (30s)")
        expectSingleIssue(
            scenario(#""duration": "5s""#), path: "warmup", contains: "10s must be shorter than duration (5s)")
    }
}

@Suite("Validation: consensus parameters")
struct ConsensusValidationTests {
    @Test("alphaPreference must be more than k/2")
    func alphaPreferenceMajority() {
        expectSingleIssue(
            scenario(#""consensus": { "alphaPreference": 10, "alphaConfidence": 15 }"#),
            path: "consensus", contains: "alphaPreference (10) must be > k/2 (10)")
    }

    @Test("alphaConfidence must be at least alphaPreference")
    func alphaOrder() {
        expectSingleIssue(
            scenario(#""consensus": { "alphaPreference": 16, "alphaConfidence": 15 }"#),
            path: "consensus", contains: "alphaConfidence (15) must be ≥ alphaPreference (16)")
    }

    @Test("alphaConfidence must be at most k")
    func alphaConfidenceAtMostK() {
        expectSingleIssue(
            scenario(#""consensus": { "alphaConfidence": 21 }"#),
            path: "consensus", contains: "alphaConfidence (21) must be ≤ k (20)")
    }

    @Test("concurrentRepolls must be 1…beta")
    func repolls() {
        expectSingleIssue(
            scenario(#""consensus": { "concurrentRepolls": 21 }"#),
            path: "consensus", contains: "concurrentRepolls (21) must be ≤ beta (20)")
        expectSingleIssue(
            scenario(#""consensus": { "concurrentRepolls": 0 }"#),
            path: "consensus.concurrentRepolls", contains: "must be between 1 and 10000 (got 0)")
    }

    @Test("k may not exceed the node count")
    func kAgainstNodes() {
        expectSingleIssue(
            #"{ "version": 1, "id": "LT-001", "nodes": 10 }"#,
            path: "consensus.k", contains: "20 must be smaller than the node count (10)")
    }

    @Test("k must stay below the node count: a node polls peers other than itself")
    func kEqualToNodes() {
        expectSingleIssue(
            #"{ "version": 1, "id": "LT-001", "nodes": 20 }"#,
            path: "consensus.k", contains: "20 must be smaller than the node count (20)")
    }

    @Test("The specification's parameter sets are accepted")
    func specificationParameterSets() {
        #expect(issues(scenario(#""consensus": { "k": 30, "alphaPreference": 24, "alphaConfidence": 24, "beta": 20 }"#)).isEmpty)
        #expect(issues(#"""
            { "version": 1, "id": "LT-003-10000", "nodes": 10000,
              "consensus": { "k": 100, "alphaPreference": 80, "alphaConfidence": 80, "beta": 10 } }
            """#).isEmpty)
    }
}

@Suite("Validation: network, node and workload")
struct ModelValidationTests {
    @Test("Rates and fractions must lie in [0, 1]")
    func fractions() {
        expectSingleIssue(
            scenario(#""network": { "lossRate": 1.5 }"#), path: "network.lossRate", contains: "must be between 0 and 1 (got 1.5)")
        expectSingleIssue(
            scenario(#""workload": { "conflictRate": -0.1 }"#), path: "workload.conflictRate",
            contains: "must be between 0 and 1 (got -0.1)")
        expectSingleIssue(
            scenario(#""detection": { "threshold": 2 }"#), path: "detection.threshold", contains: "must be between 0 and 1")
    }

    @Test("Rates must be positive")
    func positiveRates() {
        expectSingleIssue(scenario(#""workload": { "tps": -5 }"#), path: "workload.tps", contains: "must be > 0 (got -5)")
        expectSingleIssue(scenario(#""workload": { "tps": 0 }"#), path: "workload.tps", contains: "must be > 0 (got 0)")
        expectSingleIssue(
            scenario(#""network": { "uploadMbps": 0 }"#), path: "network.uploadMbps", contains: "must be > 0 (got 0)")
        expectSingleIssue(scenario(#""node": { "cpuSpeed": 0 }"#), path: "node.cpuSpeed", contains: "must be > 0 (got 0)")
        expectSingleIssue(
            scenario(#""node": { "memoryLimitMB": 0 }"#), path: "node.memoryLimitMB", contains: "must be ≥ 1 (got 0)")
    }

    @Test("minLatency may not exceed maxLatency, explicit or from the profile")
    func latencyOrder() {
        expectSingleIssue(
            scenario(#""network": { "minLatency": "20ms", "maxLatency": "10ms" }"#),
            path: "network.minLatency", contains: "20ms must be ≤ maxLatency (10ms)")
        expectSingleIssue(
            scenario(#""network": { "minLatency": "20ms" }"#),
            path: "network.minLatency", contains: "20ms must be ≤ maxLatency (10ms, the lan profile's)")
        expectSingleIssue(
            scenario(#""network": { "profile": "wan", "maxLatency": "10ms" }"#),
            path: "network.maxLatency", contains: "10ms must be ≥ minLatency (50ms, the wan profile's)")
    }

    @Test("regions applies to the wan profile only, 1…6")
    func regions() {
        expectSingleIssue(
            scenario(#""network": { "regions": 3 }"#), path: "network.regions",
            contains: #"applies only to profile wan, not "lan""#)
        expectSingleIssue(
            scenario(#""network": { "profile": "wan", "regions": 7 }"#), path: "network.regions",
            contains: "must be between 1 and 6 (got 7)")
        expectSingleIssue(
            scenario(#""network": { "profile": "local", "regions": "many" }"#), path: "network.regions",
            contains: #"applies only to profile wan, not "local""#)
    }

    @Test("ramp, burst and sine need peakTps ≥ tps")
    func peakTps() {
        for pattern in ["ramp", "burst", "sine"] {
            expectSingleIssue(
                scenario(#""workload": { "pattern": "\#(pattern)" }"#), path: "workload.peakTps",
                contains: #"required for pattern "\#(pattern)""#)
        }
        expectSingleIssue(
            scenario(#""workload": { "pattern": "ramp", "tps": 100, "peakTps": 50 }"#),
            path: "workload.peakTps", contains: "50 must be ≥ tps (100)")
        expectSingleIssue(
            scenario(#""workload": { "peakTps": 500 }"#), path: "workload.peakTps",
            contains: #"applies only to pattern ramp, burst, sine, random, not "constant""#)
    }

    @Test("burstDuration may not exceed period")
    func burstDuration() {
        expectSingleIssue(
            scenario(#""workload": { "pattern": "burst", "peakTps": 1000, "period": "10s", "burstDuration": "20s" }"#),
            path: "workload.burstDuration", contains: "20s must be ≤ period (10s)")
        expectSingleIssue(
            scenario(#""workload": { "pattern": "sine", "peakTps": 1000, "burstDuration": "20s" }"#),
            path: "workload.burstDuration", contains: #"applies only to pattern burst, not "sine""#)
        #expect(issues(scenario(#""workload": { "pattern": "sine", "peakTps": 200, "period": "2s" }"#)).isEmpty)
    }

    @Test("payloadBytes must be 1…1,048,576")
    func payload() {
        expectSingleIssue(
            scenario(#""workload": { "payloadBytes": 0 }"#), path: "workload.payloadBytes",
            contains: "must be between 1 and 1048576 (got 0)")
        expectSingleIssue(
            scenario(#""workload": { "payloadBytes": 1048577 }"#), path: "workload.payloadBytes", contains: "(got 1048577)")
    }

    @Test("byzantine.fraction must be in [0, 1) and cover at least one node")
    func byzantineFraction() {
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 1 }"#), path: "byzantine.fraction", contains: "must be ≥ 0 and < 1 (got 1)")
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 0.001 }"#), path: "byzantine.fraction",
            contains: "0.001 of 100 nodes is less than one node")
    }

    @Test("sybilIdentities applies to the sybil behaviour only")
    func sybilIdentities() {
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 0.1, "sybilIdentities": 5 }"#), path: "byzantine.sybilIdentities",
            contains: #"applies only to behavior sybil, not "random-voting""#)
    }

    @Test("excludeBelowThreshold needs detection enabled")
    func excludeNeedsDetection() {
        expectSingleIssue(
            scenario(#""detection": { "excludeBelowThreshold": true }"#), path: "detection.excludeBelowThreshold",
            contains: "needs enabled: true")
    }

    @Test("series.interval must be positive and fit in the run")
    func seriesInterval() {
        expectSingleIssue(scenario(#""series": { "interval": "0s" }"#), path: "series.interval", contains: "must be > 0")
        expectSingleIssue(
            scenario(#""series": { "interval": "2m" }"#), path: "series.interval", contains: "2m must be ≤ duration (1m)")
    }
}

@Suite("Validation: faults")
struct FaultValidationTests {
    private func fault(_ body: String) -> String {
        scenario(#""duration": "1h", "faults": [ { "kind": "crash", "count": 1 }, \#(body) ]"#)
    }

    @Test("The kind must be known")
    func unknownKind() {
        expectSingleIssue(fault(#"{ "kind": "meteor" }"#), path: "faults[1].kind", contains: "must be one of crash, restart")
        expectSingleIssue(fault(#"{ "at": "1m" }"#), path: "faults[1].kind", contains: "required key is missing")
    }

    @Test("A key the kind does not use is refused")
    func unusedKey() {
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "factor": 3 }"#), path: "faults[1].factor",
            contains: #"applies only to kind latency-spike, not "crash""#)
        expectSingleIssue(
            fault(#"{ "kind": "partition", "groups": [0.5, 0.5], "count": 3 }"#), path: "faults[1].count",
            contains: #"does not apply to kind "partition""#)
    }

    @Test("Each kind's own settings are required", arguments: [
        ("partition", "groups"), ("latency-spike", "factor"), ("packet-loss", "rate"),
        ("cpu-throttle", "speed"), ("memory-pressure", "limitMB"),
    ])
    func requiredForKind(kind: String, key: String) {
        expectSingleIssue(fault(#"{ "kind": "\#(kind)" }"#), path: "faults[1].\(key)", contains: #"required for kind "\#(kind)""#)
    }

    @Test("churn needs count, every and for")
    func churn() {
        let found = issues(fault(#"{ "kind": "churn" }"#))
        #expect(found.map(\.path) == ["faults[1].count", "faults[1].every", "faults[1].for"])
    }

    @Test("Node faults need count or nodes, not both")
    func target() {
        expectSingleIssue(fault(#"{ "kind": "crash" }"#), path: "faults[1]", contains: #"kind "crash" needs count or nodes"#)
        expectSingleIssue(
            fault(#"{ "kind": "restart", "count": 2, "nodes": [1] }"#), path: "faults[1]",
            contains: "count and nodes cannot be used together")
        expectSingleIssue(
            fault(#"{ "kind": "clock-skew", "count": 1 }"#), path: "faults[1]", contains: #"kind "clock-skew" needs offset or drift"#)
    }

    @Test("Partition groups: at least two, each in (0, 1), summing to 1")
    func partitionGroups() {
        expectSingleIssue(
            fault(#"{ "kind": "partition", "groups": [0.5, 0.4] }"#), path: "faults[1].groups",
            contains: "fractions must sum to 1 (they sum to 0.9)")
        expectSingleIssue(
            fault(#"{ "kind": "partition", "groups": [1] }"#), path: "faults[1].groups", contains: "needs at least 2 elements (got 1)")
        expectSingleIssue(
            fault(#"{ "kind": "partition", "groups": [0, 0.5, 0.5] }"#), path: "faults[1].groups[0]",
            contains: "must be > 0 and < 1 (got 0)")
        expectSingleIssue(
            fault(#"{ "kind": "partition", "groups": [0.995, 0.005] }"#), path: "faults[1].groups[1]",
            contains: "0.005 of 100 nodes is less than one node")
        #expect(issues(fault(#"{ "kind": "partition", "groups": [0.3, 0.3, 0.4] }"#)).isEmpty)
    }

    @Test("Fault settings have ranges")
    func settingRanges() {
        expectSingleIssue(
            fault(#"{ "kind": "latency-spike", "factor": 1 }"#), path: "faults[1].factor", contains: "must be > 1 (got 1)")
        expectSingleIssue(
            fault(#"{ "kind": "packet-loss", "rate": 1.2 }"#), path: "faults[1].rate", contains: "must be between 0 and 1")
        expectSingleIssue(
            fault(#"{ "kind": "cpu-throttle", "speed": 1 }"#), path: "faults[1].speed", contains: "must be > 0 and < 1 (got 1)")
        expectSingleIssue(
            fault(#"{ "kind": "memory-pressure", "limitMB": 0 }"#), path: "faults[1].limitMB", contains: "must be ≥ 1")
    }

    @Test("Fault timing must make sense")
    func timing() {
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "every": "1m", "for": "2m" }"#), path: "faults[1].for",
            contains: "2m must be ≤ every (1m)")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "until": "30m" }"#), path: "faults[1].until", contains: "needs every")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "at": "20m", "every": "1m", "until": "10m" }"#),
            path: "faults[1].until", contains: "10m must be later than at (20m)")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "at": "1h" }"#), path: "faults[1].at",
            contains: "1h is not before the end of the run (duration 1h)")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 1, "every": "1m", "until": "2h" }"#), path: "faults[1].until",
            contains: "2h is after the end of the run (duration 1h)")
    }

    @Test("Targets must exist")
    func targets() {
        expectSingleIssue(
            fault(#"{ "kind": "crash", "count": 101 }"#), path: "faults[1].count",
            contains: "101 is larger than the node count (100)")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "nodes": [5, 100] }"#), path: "faults[1].nodes",
            contains: "node 100 does not exist; indices run from 0 to 99")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "nodes": [5, 5] }"#), path: "faults[1].nodes", contains: "node 5 is listed more than once")
        expectSingleIssue(
            fault(#"{ "kind": "crash", "nodes": [-1] }"#), path: "faults[1].nodes[0]", contains: "must be between 0 and 99999")
    }
}

@Suite("Validation: acceptance criteria")
struct AcceptanceValidationTests {
    @Test("The metric must be in the catalogue")
    func unknownMetric() {
        expectSingleIssue(
            scenario(#""acceptance": [ { "metric": "latency.p96", "max": 100 } ]"#), path: "acceptance[0].metric",
            contains: #"unknown metric "latency.p96" (did you mean "latency.p95"?)"#)
        expectSingleIssue(
            scenario(#""acceptance": [ { "metric": "happiness", "min": 1 } ]"#), path: "acceptance[0].metric",
            contains: "known metrics: tps.mean, tps.min")
    }

    @Test("A criterion needs min or max, and min ≤ max")
    func bounds() {
        expectSingleIssue(
            scenario(#""acceptance": [ { "metric": "tps.mean" } ]"#), path: "acceptance[0]", contains: "needs min or max")
        expectSingleIssue(
            scenario(#""acceptance": [ { "metric": "tps.mean", "min": 200, "max": 100 } ]"#), path: "acceptance[0]",
            contains: "min (200) must be ≤ max (100)")
    }

    @Test("expect fail needs criteria to break")
    func expectFailNeedsCriteria() {
        expectSingleIssue(scenario(#""expect": "fail""#), path: "expect", contains: "needs at least one acceptance criterion")
        #expect(issues(scenario(#""expect": "fail", "acceptance": [ { "metric": "safety.violations", "max": 0 } ]"#)).isEmpty)
    }
}

@Suite("Validation: simulator capabilities")
struct CapabilityValidationTests {
    @Test("Byzantine nodes need a supported behaviour")
    func byzantineNotSupported() {
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 0.2 }"#), path: "byzantine.behavior",
            contains: #""random-voting" is not supported by this simulator yet; set byzantine.fraction to 0"#,
            capabilities: SimulatorCapabilities())
        #expect(issues(scenario(#""byzantine": { "fraction": 0, "behavior": "collusion" }"#), capabilities: SimulatorCapabilities()).isEmpty)
        // This simulator plays every behaviour, with stake weighting and detection.
        for behavior in Scenario.Byzantine.Behavior.allCases {
            let member = #""byzantine": { "fraction": 0.2, "behavior": "\#(behavior.rawValue)", "stakeWeighted": true }, "detection": { "enabled": true }"#
            #expect(issues(scenario(member), capabilities: .current).isEmpty, "\(behavior)")
        }
        let partial = SimulatorCapabilities(byzantineBehaviors: [.randomVoting])
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 0.2, "behavior": "collusion" }"#), path: "byzantine.behavior",
            contains: #""collusion" is not supported by this simulator yet"#, capabilities: partial)
    }

    @Test("Other missing features are named", arguments: [
        (#""detection": { "enabled": true }"#, "detection.enabled", "Byzantine detection is not supported"),
        (#""workload": { "pattern": "sine", "peakTps": 200 }"#, "workload.pattern", #""sine" is not supported"#),
        (#""node": { "memoryLimitMB": 512 }"#, "node.memoryLimitMB", "a memory limit is not supported"),
        (#""faults": [ { "kind": "crash", "count": 1 } ]"#, "faults[0].kind", #""crash" is not supported"#),
    ])
    func missingFeatures(member: String, path: String, fragment: String) {
        expectSingleIssue(scenario(member), path: path, contains: fragment, capabilities: SimulatorCapabilities())
    }

    @Test("Stake weighting needs support")
    func stakeWeighted() {
        let capabilities = SimulatorCapabilities(byzantineBehaviors: [.randomVoting])
        expectSingleIssue(
            scenario(#""byzantine": { "fraction": 0.2, "stakeWeighted": true }"#), path: "byzantine.stakeWeighted",
            contains: "not supported by this simulator yet", capabilities: capabilities)
    }
}

@Suite("Validation: many problems at once")
struct MultipleIssueTests {
    @Test("Every problem is reported, sorted by path")
    func allProblemsSorted() {
        let json = """
            { "version": 1, "id": "LT-001", "nodes": 10, "duration": 60,
              "workload": { "tps": -5, "pattern": "ramp" },
              "consensus": { "alphaPrefence": 15 },
              "faults": [
                { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 },
                { "kind": "partition", "groups": [0.5, 0.4] },
                { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 },
                { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 }, { "kind": "crash", "count": 1 },
                { "kind": "crash", "count": 11 }
              ],
              "acceptance": [ { "metric": "latency.p96", "max": 1 } ] }
            """
        let found = issues(json)
        #expect(found.map(\.path) == [
            "acceptance[0].metric",
            "consensus.alphaPrefence",
            "consensus.k",
            "duration",
            "faults[3].groups",
            "faults[10].count",
            "workload.peakTps",
            "workload.tps",
        ])
        #expect(found.map(\.message) == [
            #"unknown metric "latency.p96" (did you mean "latency.p95"?)"#,
            #"unknown key (did you mean "alphaPreference"?)"#,
            "20 must be smaller than the node count (10): a node polls k peers other than itself",
            #"must be a string with a unit (ns, us, ms, s, m, h, d), e.g. "60s" (got 60)"#,
            "fractions must sum to 1 (they sum to 0.9)",
            "11 is larger than the node count (10)",
            #"required for pattern "ramp""#,
            "must be > 0 (got -5)",
        ])
    }

    @Test("The error's description lists one issue per line, with the file")
    func description() {
        let error = ScenarioError(file: "scenarios/lt-001.json", issues: [
            .init(path: "workload.tps", message: "must be > 0 (got -5)"),
            .init(path: "", message: "line 1, column 2: oops"),
        ])
        #expect(error.description == """
            scenarios/lt-001.json: workload.tps: must be > 0 (got -5)
            scenarios/lt-001.json: line 1, column 2: oops
            """)
    }
}

@Suite("Command-line overrides")
struct OverrideTests {
    private func base() throws -> Scenario {
        try decode(scenario(#""duration": "10m", "warmup": "1m", "faults": [ { "kind": "crash", "count": 5, "at": "5m" } ]"#)).get()
    }

    @Test("Overrides replace nodes, duration, seed and warm-up")
    func applies() throws {
        let result = try base().applying(.init(nodes: 5000, duration: .seconds(1200), seed: 7), capabilities: .everything)
        #expect(result.nodes == 5000)
        #expect(result.duration == .seconds(1200))
        #expect(result.seed == 7)
        #expect(result.consensus == (try base()).consensus)
        let shorter = try base().applying(.init(duration: .seconds(420), warmup: .seconds(0)), capabilities: .everything)
        #expect(shorter.warmup == .seconds(0))
        #expect(shorter.duration == .seconds(420))
    }

    @Test("Overrides are validated again")
    func revalidates() throws {
        let scenario = try base()
        #expect {
            _ = try scenario.applying(.init(nodes: 4), file: "x.json", capabilities: .everything)
        } throws: { error in
            (error as? ScenarioError)?.issues == [
                .init(path: "consensus.k", message: "20 must be smaller than the node count (4): a node polls k peers other than itself"),
                .init(path: "faults[0].count", message: "5 is larger than the node count (4)"),
            ]
        }
        #expect {
            _ = try scenario.applying(.init(duration: .seconds(60)), capabilities: .everything)
        } throws: { error in
            (error as? ScenarioError)?.issues.map(\.description) == [
                "faults[0].at: 5m is not before the end of the run (duration 1m)",
                "warmup: 1m must be shorter than duration (1m)",
            ]
        }
        #expect {
            _ = try scenario.applying(.init(warmup: .seconds(600)), capabilities: .everything)
        } throws: { error in
            (error as? ScenarioError)?.issues.map(\.description) == ["warmup: 10m must be shorter than duration (10m)"]
        }
        #expect {
            _ = try scenario.applying(.init(nodes: 0), capabilities: .everything)
        } throws: { error in
            (error as? ScenarioError)?.issues.first?.description == "nodes: must be between 1 and 100000 (got 0)"
        }
    }
}
