import Foundation

/// The JSON the commands print for `--json`: sorted keys, pretty printed, a final newline.
enum JSONOutput {
    /// Encodes `value` as the commands print it.
    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
