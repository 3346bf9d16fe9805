import Foundation
import Testing
@testable import CretoScaleCLI

@Suite("bench output")
struct BenchOutputTests {
    @Test func jsonNamesEveryKeyAndWritesAMissingOriginalAsNull() throws {
        let results = [
            BenchmarkResult(name: "blake3.1kb", medianNs: 1_050, baselineNs: 1_420, iterations: 1_000),
            BenchmarkResult(name: "vertex.sign", medianNs: 1_300_000, baselineNs: nil, iterations: 150),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(results), as: UTF8.self)
        #expect(text == #"[{"baselineNs":1420,"iterations":1000,"medianNs":1050,"name":"blake3.1kb"},"#
            + #"{"baselineNs":null,"iterations":150,"medianNs":1300000,"name":"vertex.sign"}]"#)
        #expect(try JSONDecoder().decode([BenchmarkResult].self, from: Data(text.utf8)) == results)
    }

    @Test func theTableShowsTheRatioToTheOriginal() {
        let table = BenchmarkTable.render([
            BenchmarkResult(name: "blake3.1kb", medianNs: 1_065, baselineNs: 1_420, iterations: 1_000),
            BenchmarkResult(name: "vertex.sign", medianNs: 1_300_000, baselineNs: nil, iterations: 150),
        ])
        #expect(table.contains("0.75×"))
        #expect(table.contains("1.42 µs"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("vertex.sign") && $0.contains("—") })
    }
}
