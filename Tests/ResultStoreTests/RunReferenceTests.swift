import Foundation
import Testing

@testable import ResultStore

@Suite struct RunReferenceTests {
    @Test func parsesEveryKindOfReference() throws {
        #expect(try RunReference(parsing: "12") == .id(12))
        #expect(try RunReference(parsing: "0") == .id(0))
        #expect(try RunReference(parsing: "latest") == .latest)
        #expect(try RunReference(parsing: "LT-001@latest") == .latestOf(scenarioID: "LT-001"))
        #expect(try RunReference(parsing: "baselines/LT-001.json") == .file(path: "baselines/LT-001.json"))
        #expect(try RunReference(parsing: "BASELINE.JSON") == .file(path: "BASELINE.JSON"))
    }

    @Test func anExistingFileWithoutTheJSONExtensionIsAFileReference() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("baseline-run")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))

        #expect(try RunReference(parsing: path) == .file(path: path))
    }

    @Test func badReferencesAreRejectedWithAnActionableMessage() {
        for text in ["", "lates", "@latest", "-3", "+12", "LT-001", "12abc"] {
            let error = #expect(throws: ResultStoreError.self, "\(text)") { try RunReference(parsing: text) }
            #expect(error?.kind == .invalidInput)
            #expect(error?.message.contains("SCENARIO-ID@latest") == true)
        }
        let tooLarge = #expect(throws: ResultStoreError.self) { try RunReference(parsing: "99999999999999999999") }
        #expect(tooLarge?.message.contains("too large") == true)
    }

    @Test func descriptionGivesBackWhatWasTyped() throws {
        for text in ["12", "latest", "CT-002@latest", "base.json"] {
            #expect(try RunReference(parsing: text).description == text)
        }
    }

    @Test func onlyFileReferencesWorkWithoutTheDatabase() {
        #expect(RunReference.file(path: "a.json").needsDatabase == false)
        #expect(RunReference.latest.needsDatabase)
        #expect(RunReference.id(3).needsDatabase)
        #expect(RunReference.latestOf(scenarioID: "LT-001").needsDatabase)
    }

    @Test func aFileReferenceResolvesToTheExportedRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ResultDatabase(path: directory.path("cretoscale.db"))
        let id = try database.save(Fixture.run())
        let stored = try #require(try database.run(id: id))
        let file = directory.path("baseline.json")
        try RunExport.json(stored).write(to: URL(fileURLWithPath: file))

        #expect(try database.resolve(RunReference(parsing: file)) == stored)

        let missing = #expect(throws: ResultStoreError.self) {
            try database.resolve(.file(path: directory.path("gone.json")))
        }
        #expect(missing?.kind == .invalidInput)
        #expect(missing?.message == "run export \(directory.path("gone.json")) does not exist")
    }
}
