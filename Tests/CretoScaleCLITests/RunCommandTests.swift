import Foundation
import ResultStore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cretoscale run` end to end: the built executable simulates a tiny scenario into a scratch
/// database, and the other commands read what it recorded.
@Suite("run, end to end")
struct RunCommandTests {
    /// A 20-node LAN scenario lasting `duration`: small enough for a debug build (about two seconds
    /// for 3 s simulated), with parameters that fit 20 nodes (k 10 < 20, 10/2 < α 7 ≤ k, β 6 ≥ 4 repolls).
    static func tinyScenario(id: String = "LT-001-tiny", duration: String = "3s", acceptance: String? = nil) -> String {
        let criteria = acceptance ?? #"{ "metric": "safety.violations", "max": 0 }"#
        return """
            {
              "version": 1, "id": "\(id)", "name": "Tiny end-to-end run",
              "nodes": 20, "duration": "\(duration)", "warmup": "1s",
              "consensus": { "k": 10, "alphaPreference": 7, "alphaConfidence": 7, "beta": 6 },
              "network": { "profile": "lan" },
              "workload": { "pattern": "constant", "tps": 50 },
              "acceptance": [ \(criteria) ]
            }
            """
    }

    /// The run a reference names, read through `show --json` as the export format.
    static func shown(_ reference: String, database: String, in scratch: Scratch) throws -> RunRecord {
        let result = try scratch.run("show", reference, "--json", "--db", database)
        try #require(result.status == 0, "show \(reference): \(result.stderr)")
        return try RunExport.decode(Data(result.stdout.utf8), source: "show \(reference) --json")
    }

    /// The runs `runs --json` lists, newest first.
    static func listed(database: String, in scratch: Scratch) throws -> [RunSummary] {
        let result = try scratch.run("runs", "--json", "--limit", "0", "--db", database)
        try #require(result.status == 0, "runs: \(result.stderr)")
        return try JSONDecoder().decode([RunSummary].self, from: Data(result.stdout.utf8))
    }

    @Test func runIsRecordedAndSeenByRunsShowCompareAndExport() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write("tiny.json", Self.tinyScenario())
        let database = scratch.path("results.db")

        let run = try scratch.run("run", file, "--db", database)

        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        #expect(run.stdout.contains("LT-001-tiny"), "stdout: \(run.stdout)")
        let summaries = try Self.listed(database: database, in: scratch)
        #expect(summaries.map(\.scenarioID) == ["LT-001-tiny"])
        #expect(summaries.first?.status == .passed)
        #expect(summaries.first?.seed == 1)

        let show = try scratch.run("show", "latest", "--db", database)
        #expect(show.status == 0, "stderr: \(show.stderr)")
        #expect(show.stdout.contains("LT-001-tiny: Tiny end-to-end run"), "stdout: \(show.stdout)")
        #expect(show.stdout.contains(summaries.first?.digest ?? "no digest"))
        let record = try Self.shown("latest", database: database, in: scratch)
        #expect(record.metrics.contains { $0.name == "tps.mean" && $0.value > 0 })
        #expect(record.metrics.contains { $0.name == "safety.violations" && $0.value == 0 })
        #expect(record.acceptance.map(\.passed) == [true])

        let same = try scratch.run("compare", "latest", "latest", "--db", database)
        #expect(same.status == 0, "stdout: \(same.stdout)\nstderr: \(same.stderr)")
        #expect(same.stdout.contains("the digests are equal"))

        // An exported run against a copy with a worse p95: compare reads both files and reports a regression.
        let exported = scratch.path("run.json")
        let export = try scratch.run("export", "latest", "--format", "json", "--output", exported, "--db", database)
        #expect(export.status == 0, "stderr: \(export.stderr)")
        var worse = try RunExport.load(jsonAt: exported)
        let p95 = try #require(worse.metrics.firstIndex { $0.name == "latency.p95" })
        worse.metrics[p95].value *= 2
        let worsened = scratch.path("worse.json")
        try RunExport.json(worse).write(to: URL(fileURLWithPath: worsened))

        let regression = try scratch.run("compare", exported, worsened, "--tolerance", "10")
        #expect(regression.status == 1, "stdout: \(regression.stdout)\nstderr: \(regression.stderr)")
        #expect(regression.stdout.split(separator: "\n").contains {
            let words = fields(String($0))
            return words.first == "latency.p95" && words.last == "WORSE"
        }, "stdout: \(regression.stdout)")
        let unchanged = try scratch.run("compare", exported, exported, "--tolerance", "10")
        #expect(unchanged.status == 0, "stdout: \(unchanged.stdout)")
    }

    @Test func sameScenarioAndSeedGiveTheSameDigest() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write("tiny.json", Self.tinyScenario())
        let database = scratch.path("results.db")

        for arguments in [["run", file], ["run", file], ["run", file, "--seed", "2"]] {
            let result = try Tool.run(arguments + ["--db", database], in: scratch.url)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
        }

        let first = try Self.shown("1", database: database, in: scratch)
        let second = try Self.shown("2", database: database, in: scratch)
        let otherSeed = try Self.shown("3", database: database, in: scratch)
        #expect(first.digest.count == 64)
        #expect(first.digest == second.digest)
        #expect(first.metrics.filter(\.deterministic) == second.metrics.filter(\.deterministic))
        #expect(otherSeed.seed == 2)
        #expect(otherSeed.digest != first.digest)

        // Two shards: another run, reproducible, and recorded as such.
        for _ in 0..<2 {
            let result = try Tool.run(["run", file, "--shards", "2", "--db", database], in: scratch.url)
            try #require(result.status == 0, "--shards 2: \(result.stderr)")
            #expect(result.stdout.contains("20 nodes in 2 shards ·"), "stdout: \(result.stdout)")
        }
        let sharded = try Self.shown("4", database: database, in: scratch)
        let shardedAgain = try Self.shown("5", database: database, in: scratch)
        #expect(sharded.digest == shardedAgain.digest)
        #expect(sharded.digest != first.digest)
        #expect(sharded.overrides["shards"] == "2")

        // Without huge pages for the heap (the tool otherwise starts itself again with them
        // where the kernel offers them), and with another tunable set: the same runs.
        for tunables in ["glibc.malloc.hugetlb=0", "glibc.malloc.perturb=0"] {
            for extra in [[String](), ["--shards", "2"]] {
                let result = try Tool.run(["run", file, "--db", database] + extra, in: scratch.url,
                                          environment: ["GLIBC_TUNABLES": tunables])
                try #require(result.status == 0, "\(tunables) \(extra): \(result.stderr)")
            }
        }
        for (run, expected) in [("6", first), ("7", sharded), ("8", first), ("9", sharded)] {
            #expect(try Self.shown(run, database: database, in: scratch).digest == expected.digest, "run \(run)")
        }
    }

    @Test func unmetCriterionExitsOneAndIsRecordedAsFailed() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "impossible.json", Self.tinyScenario(id: "LT-001-impossible", acceptance: #"{ "metric": "tps.mean", "min": 1e9 }"#))
        let database = scratch.path("results.db")

        let run = try scratch.run("run", file, "--db", database)

        #expect(run.status == 1, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let summaries = try Self.listed(database: database, in: scratch)
        #expect(summaries.map(\.scenarioID) == ["LT-001-impossible"])
        #expect(summaries.first?.status == .failed)
        let record = try Self.shown("LT-001-impossible@latest", database: database, in: scratch)
        #expect(record.status == .failed)
        #expect(record.acceptance.count == 1)
        #expect(record.acceptance.first?.passed == false)
        #expect(record.acceptance.first?.min == 1e9)
    }

    /// A criterion on a figure the run did not produce (no Byzantine node, so no detection
    /// time) is unmet, and the report says it was not measured and what that means.
    @Test func aCriterionOnAFigureTheRunDidNotProduceIsUnmetAndSaysSo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write(
            "unmeasured.json",
            Self.tinyScenario(id: "LT-001-unmeasured", acceptance: #"{ "metric": "byzantine.detection.seconds", "max": 2 }"#))

        let run = try scratch.run("run", file, "--db", scratch.path("results.db"))

        #expect(run.status == 1, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.contains { $0 == ["✗", "byzantine.detection.seconds", "not", "measured", "s", "≤", "2"] }, "stdout: \(run.stdout)")
        #expect(run.stdout.contains("not measured: nothing the figure measures happened after the warm-up"), "stdout: \(run.stdout)")
    }

    /// Inputs `run` must refuse before it simulates or touches the database.
    enum BadInput: String, CaseIterable, CustomTestStringConvertible {
        case unknownKey, malformedJSON, badDuration, missingFile, badMemoryLimit, zeroShards, moreShardsThanNodes

        var testDescription: String { rawValue }

        /// What the error message must name: the key, the place in the file, the flag, the file.
        var named: String {
            switch self {
            case .unknownKey: #"nodez: unknown key (did you mean "nodes"?)"#
            case .malformedJSON: "malformed.json: line 1, column"
            case .badDuration: "--duration '5 fortnights'"
            case .missingFile: "no-such-scenario.json"
            case .badMemoryLimit: "--memory-limit '4XB'"
            case .zeroShards: "--shards 0"
            case .moreShardsThanNodes: "tiny.json: --shards 30: shards (30) must not exceed the node count (20)"
            }
        }

        /// The `run` arguments (without `--db`) for this input, writing any file it needs.
        func arguments(in scratch: Scratch) throws -> [String] {
            switch self {
            case .unknownKey:
                let text = RunCommandTests.tinyScenario().replacingOccurrences(
                    of: #""nodes": 20,"#, with: #""nodes": 20, "nodez": 5,"#)
                return ["run", try scratch.write("unknown-key.json", text)]
            case .malformedJSON:
                return ["run", try scratch.write("malformed.json", #"{ "version": 1, "id": "LT-001", "nodes": "#)]
            case .badDuration:
                return ["run", try scratch.write("tiny.json", RunCommandTests.tinyScenario()), "--duration", "5 fortnights"]
            case .missingFile:
                return ["run", scratch.path("no-such-scenario.json")]
            case .badMemoryLimit:
                return ["run", try scratch.write("tiny.json", RunCommandTests.tinyScenario()), "--memory-limit", "4XB"]
            case .zeroShards:
                return ["run", try scratch.write("tiny.json", RunCommandTests.tinyScenario()), "--shards", "0"]
            case .moreShardsThanNodes:
                return ["run", try scratch.write("tiny.json", RunCommandTests.tinyScenario()), "--shards", "30"]
            }
        }
    }

    @Test func aRunStoppedAtALimitIsReportedAndNotRecorded() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write("tiny.json", Self.tinyScenario(duration: "30s"))
        let database = scratch.path("results.db")
        try Fixture.seed(database, [Fixture.run()])
        let before = try Self.listed(database: database, in: scratch)

        // 1 MiB is below any process's resident memory: the first check stops the run.
        let stopped = try scratch.run("run", file, "--db", database, "--memory-limit", "1MiB")
        #expect(stopped.status == 1, "stdout: \(stopped.stdout)\nstderr: \(stopped.stderr)")
        #expect(stopped.stderr.contains("LT-001-tiny: stopped at the memory limit (1MiB): "), "stderr: \(stopped.stderr)")
        #expect(stopped.stderr.contains("of 30 s simulated") && stopped.stderr.contains("not recorded"))
        #expect(try Self.listed(database: database, in: scratch).map(\.id) == before.map(\.id))

        // A limit the run stays within changes nothing.
        let short = try scratch.write("short.json", Self.tinyScenario(id: "LT-001-short", duration: "2s"))
        let finished = try scratch.run("run", short, "--db", database, "--wall-limit", "10m", "--memory-limit", "64GiB")
        #expect(finished.status == 0, "stdout: \(finished.stdout)\nstderr: \(finished.stderr)")
        #expect(try Self.listed(database: database, in: scratch).first?.scenarioID == "LT-001-short")
    }

    @Test(arguments: BadInput.allCases)
    func badInputExitsTwoAndLeavesTheDatabaseAlone(_ input: BadInput) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let arguments = try input.arguments(in: scratch)

        // A database that does not exist yet is not created.
        let absent = scratch.path("absent.db")
        let first = try Tool.run(arguments + ["--db", absent], in: scratch.url)
        #expect(first.status == 2, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
        #expect(first.stderr.contains(input.named), "stderr: \(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: absent))

        // An existing database keeps every byte.
        let existing = scratch.path("existing.db")
        try Fixture.seed(existing, [Fixture.run()])
        let before = try Data(contentsOf: URL(fileURLWithPath: existing))
        let second = try Tool.run(arguments + ["--db", existing], in: scratch.url)
        #expect(second.status == 2, "stdout: \(second.stdout)\nstderr: \(second.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == before)
    }

    @Test func everyScenarioOfTheCatalogueAndTheCISetIsValid() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = Tool.packageRoot.appendingPathComponent("scenarios")
        var files: [String] = []
        for directory in [folder, folder.appendingPathComponent("ci")] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            files += names.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
                .map { directory.appendingPathComponent($0).path }
        }
        try #require(files.contains { $0.hasSuffix("/ci/lt-001-ci.json") }, "files: \(files)")

        let result = try Tool.run(["validate"] + files, in: scratch.url)

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == files.count, "stdout: \(result.stdout)")
    }

    @Test(arguments: [SIGINT, SIGKILL])
    func runKilledMidwayLeavesNoRow(signal: Int32) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // About half a minute of simulation in a debug build: still running when the signal comes.
        let file = try scratch.write("long.json", Self.tinyScenario(id: "LT-001-long", duration: "60s"))
        let database = scratch.path("results.db")
        try Fixture.seed(database, [Fixture.run()])
        let before = try Self.listed(database: database, in: scratch)

        let child = try ChildProcess(arguments: ["run", file, "--db", database])
        Thread.sleep(forTimeInterval: 1)
        let runningWhenSignalled = child.isRunning
        kill(child.pid, signal)
        let ending = child.wait()

        #expect(runningWhenSignalled, "the run ended before it could be interrupted")
        #expect(ending == .signal(signal))
        let after = try Self.listed(database: database, in: scratch)
        #expect(after == before)
        #expect(!after.contains { $0.scenarioID == "LT-001-long" })
    }
}

/// `cretoscale` started without waiting for it, with SIGINT and SIGTERM at their default actions.
///
/// A test runner may start tests with SIGINT ignored, and an ignored signal stays ignored across
/// `exec`; `Process` cannot undo that, so the child is spawned with the dispositions reset, as a
/// shell in a terminal would start it. Its standard streams go to /dev/null.
final class ChildProcess {
    /// How the child ended.
    enum Ending: Equatable {
        /// It exited with this status.
        case exit(Int32)
        /// A signal with this number ended it.
        case signal(Int32)
    }

    let pid: pid_t
    private var ending: Ending?

    init(arguments: [String]) throws {
        let executable = try #require(Tool.executable, "the cretoscale executable was not found").path
        #if canImport(Glibc)
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        #else
        var attributes: posix_spawnattr_t?
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: ResultDatabase.environmentVariable)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for string in argv + envp { free(string) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        try #require(status == 0, "posix_spawn failed with \(status)")
        self.pid = pid
    }

    /// Whether the child has not ended yet; reaps it when it has.
    var isRunning: Bool {
        if ending != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        ending = Self.ending(status)
        return false
    }

    /// Waits for the child to end and reaps it.
    func wait() -> Ending {
        if let ending { return ending }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let ended = Self.ending(status)
        ending = ended
        return ended
    }

    /// Decodes a `waitpid` status (the `WIFSIGNALED`/`WTERMSIG`/`WEXITSTATUS` macros, which Swift cannot import).
    private static func ending(_ status: Int32) -> Ending {
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }
}
