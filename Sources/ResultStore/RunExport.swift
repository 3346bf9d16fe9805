import Foundation

/// Writes runs to JSON and CSV, and reads JSON exports back (a baseline kept in git, say).
///
/// The JSON is the ``RunRecord`` encoded with sorted keys and pretty printing, plus two keys
/// that mark it: `"format": "cretoscale-run"` and `"formatVersion": 1`. It is byte-for-byte the
/// same for the same run, so a baseline file in git only changes when the run does.
public enum RunExport {
    /// The value of the `format` key of every run export.
    public static let format = "cretoscale-run"
    /// The export format version this code writes and reads.
    public static let formatVersion = 1
    /// The header line of ``csv(_:)``.
    public static let csvHeader = "run_id,scenario_id,metric,value,unit,direction,deterministic"

    /// The run as pretty-printed JSON with sorted keys and the format marker, ending in a newline.
    ///
    /// Throws ``ResultStoreError`` of kind `invalidRun` when the run holds a value JSON cannot
    /// spell (NaN, infinity) or a duplicate metric name.
    public static func json(_ run: RunRecord) throws -> Data {
        try run.validateForStorage()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Envelope(run: run))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The run's metrics as CSV (RFC 4180 quoting, `\n` line ends): ``csvHeader``, then one line per metric.
    ///
    /// Values are written in Swift's shortest round-trip form (`99.5`, `100.0`, `1e-05`), so
    /// reading them back gives the same `Double`. `run_id` is empty for a run never saved.
    public static func csv(_ run: RunRecord) -> String {
        var text = csvHeader + "\n"
        let runID = run.id.map(String.init) ?? ""
        for metric in run.metrics {
            let fields = [
                runID, run.scenarioID, metric.name, "\(metric.value)", metric.unit, metric.better.rawValue,
                metric.deterministic ? "true" : "false",
            ]
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Reads a run from a file written by ``json(_:)``.
    ///
    /// Throws ``ResultStoreError`` of kind `invalidInput` naming the file and what is wrong with it:
    /// missing, unreadable, not JSON, not a run export (no format marker), a newer format
    /// version, or a key with a bad or missing value (with its path, e.g. `metrics[2].value`).
    public static func load(jsonAt path: String) throws -> RunRecord {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ResultStoreError(.invalidInput, "run export \(path) does not exist")
        }
        if isDirectory.boolValue {
            throw ResultStoreError(.invalidInput, "run export \(path) is a directory, not a JSON file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ResultStoreError(.invalidInput, "cannot read run export \(path): \(error.localizedDescription)")
        }
        return try decode(data, source: path)
    }

    /// Reads a run from JSON written by ``json(_:)``; `source` names the input in error messages.
    public static func decode(_ data: Data, source: String) throws -> RunRecord {
        do {
            return try JSONDecoder().decode(Envelope.self, from: data).run
        } catch let error as ResultStoreError {
            throw ResultStoreError(error.kind, "\(source) \(error.message)")
        } catch let error as DecodingError {
            throw ResultStoreError(.invalidInput, "\(source) is not a valid run export: \(describe(error))")
        } catch {
            throw ResultStoreError(.invalidInput, "\(source) is not a valid run export: \(error)")
        }
    }

    /// A run together with the format marker, encoded as one flat JSON object.
    private struct Envelope: Codable {
        var run: RunRecord

        private enum MarkerKeys: String, CodingKey {
            case format, formatVersion
        }

        init(run: RunRecord) {
            self.run = run
        }

        func encode(to encoder: any Encoder) throws {
            var marker = encoder.container(keyedBy: MarkerKeys.self)
            try marker.encode(RunExport.format, forKey: .format)
            try marker.encode(RunExport.formatVersion, forKey: .formatVersion)
            // The run's own keys go into the same JSON object as the marker.
            try run.encode(to: encoder)
        }

        init(from decoder: any Decoder) throws {
            let marker: KeyedDecodingContainer<MarkerKeys>
            do {
                marker = try decoder.container(keyedBy: MarkerKeys.self)
            } catch {
                throw ResultStoreError(.invalidInput, "is not a run export: it is not a JSON object")
            }
            let format = try? marker.decodeIfPresent(String.self, forKey: .format)
            guard format == RunExport.format else {
                throw ResultStoreError(
                    .invalidInput,
                    "is not a run export: it lacks the marker \"format\": \"\(RunExport.format)\" (write one with `export RUN --format json`)")
            }
            guard let version = try? marker.decode(Int.self, forKey: .formatVersion) else {
                throw ResultStoreError(.invalidInput, "is not a valid run export: formatVersion is missing or not an integer")
            }
            guard version == RunExport.formatVersion else {
                throw ResultStoreError(
                    .invalidInput,
                    "has run export formatVersion \(version); this version of cretoscale reads formatVersion \(RunExport.formatVersion)")
            }
            run = try RunRecord(from: decoder)
        }
    }

    private static func csvField(_ field: String) -> String {
        let special: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        guard field.utf8.contains(where: special.contains) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath, key)) is missing"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null where \(type) was expected"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a valid \(type)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "it is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
