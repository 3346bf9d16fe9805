/// Renders a `JSONValue` as pretty-printed text with a stable layout.
///
/// Two-space indentation, `"key": value`, one member or element per line, and a final
/// newline, so that generated files diff cleanly and compare byte for byte.
enum JSONWriter {
    /// The document as text; object members are sorted by key when `sortKeys` is true.
    static func render(_ value: JSONValue, sortKeys: Bool) -> String {
        var output = ""
        write(value, indent: 0, sortKeys: sortKeys, into: &output)
        output += "\n"
        return output
    }

    /// A JSON string literal for `text`, escaping only what JSON requires.
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    private static func write(_ value: JSONValue, indent: Int, sortKeys: Bool, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): output += quote(text)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            // Short arrays of scalars stay on one line (`[0.5, 0.5]`, `["ci"]`).
            if elements.count <= 8, elements.allSatisfy(isScalar) {
                var parts: [String] = []
                for element in elements {
                    var part = ""
                    write(element, indent: indent, sortKeys: sortKeys, into: &part)
                    parts.append(part)
                }
                output += "[" + parts.joined(separator: ", ") + "]"
                return
            }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += String(repeating: " ", count: indent + 2)
                write(element, indent: indent + 2, sortKeys: sortKeys, into: &output)
                output += index + 1 < elements.count ? ",\n" : "\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            let ordered = sortKeys ? members.sorted { $0.key < $1.key } : members
            output += "{\n"
            for (index, member) in ordered.enumerated() {
                output += String(repeating: " ", count: indent + 2) + quote(member.key) + ": "
                write(member.value, indent: indent + 2, sortKeys: sortKeys, into: &output)
                output += index + 1 < ordered.count ? ",\n" : "\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        }
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }
}
