/// A parsed JSON document that keeps what the file said exactly.
///
/// Numbers keep their source text so that integers (seeds up to 2^64 - 1) and the
/// values quoted back in error messages are exactly what the user wrote. Objects keep
/// their members in file order, duplicates included, so the decoder can report them.
indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number as written in the source (`"-5"`, `"0.0001"`, `"1e3"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A number value from an integer.
    static func integer(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// A number value from a double: whole values without a fraction (`100`), others in
    /// Swift's shortest round-trip form (`0.0001`).
    static func double(_ value: Double) -> JSONValue {
        precondition(value.isFinite, "JSON cannot hold \(value)")
        return .number(formatNumber(value))
    }

    /// The kind of value, as a person would name it in an error message.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A short rendering of the value for messages (`"lann"`, `-5`, `an object`).
    var quoted: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let text): return text
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return JSONWriter.quote(shown)
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
