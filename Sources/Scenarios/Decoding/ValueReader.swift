import Simulation

/// Converts single JSON values to Swift values, reporting every mismatch at its path.
///
/// Each function returns nil after reporting when the value breaks its field's rule.
enum ValueReader {
    static func integer(
        _ value: JSONValue, minimum: Int64?, maximum: Int64?, at path: FieldPath, _ diagnostics: Diagnostics
    ) -> Int? {
        guard case .number(let text) = value else {
            diagnostics.report(path, mismatch(expected: "an integer", value))
            return nil
        }
        guard let number = exactInteger(text) else {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            let tooLarge = digits.allSatisfy { $0.isASCII && $0.isNumber }
            diagnostics.report(
                path, tooLarge
                    ? "\(integerRule(minimum: minimum, maximum: maximum)) (got \(text))"
                    : "expected an integer, got \(text)")
            return nil
        }
        let inRange = (minimum.map { number >= $0 } ?? true) && (maximum.map { number <= $0 } ?? true)
        guard inRange, let result = Int(exactly: number) else {
            diagnostics.report(path, "\(integerRule(minimum: minimum, maximum: maximum)) (got \(text))")
            return nil
        }
        return result
    }

    static func unsigned64(_ value: JSONValue, at path: FieldPath, _ diagnostics: Diagnostics) -> UInt64? {
        guard case .number(let text) = value else {
            diagnostics.report(path, mismatch(expected: "an integer", value))
            return nil
        }
        if let result = UInt64(text) { return result }
        if let number = exactInteger(text) {
            if number >= 0 { return UInt64(number) }
            diagnostics.report(path, "must be between 0 and \(UInt64.max) (got \(text))")
        } else if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            diagnostics.report(path, "must be between 0 and \(UInt64.max) (got \(text))")
        } else {
            diagnostics.report(path, "expected an integer, got \(text)")
        }
        return nil
    }

    static func number(_ value: JSONValue, bounds: Bounds, at path: FieldPath, _ diagnostics: Diagnostics) -> Double? {
        guard case .number(let text) = value else {
            diagnostics.report(path, mismatch(expected: "a number", value))
            return nil
        }
        guard let number = Double(text), number.isFinite else {
            diagnostics.report(path, "must be a finite number (got \(text))")
            return nil
        }
        guard bounds.contains(number) else {
            diagnostics.report(path, "\(bounds.rule) (got \(text))")
            return nil
        }
        return number
    }

    static func boolean(_ value: JSONValue, at path: FieldPath, _ diagnostics: Diagnostics) -> Bool? {
        guard case .bool(let flag) = value else {
            var message = mismatch(expected: "true or false", value)
            if case .string(let text) = value, text == "true" || text == "false" { message += "; remove the quotes" }
            diagnostics.report(path, message)
            return nil
        }
        return flag
    }

    static func text(
        _ value: JSONValue, pattern: String?, hint: String?, at path: FieldPath, _ diagnostics: Diagnostics
    ) -> String? {
        guard case .string(let text) = value else {
            diagnostics.report(path, mismatch(expected: "a string", value))
            return nil
        }
        if let pattern, !matches(text, pattern) {
            diagnostics.report(path, "must be \(hint ?? "of the form \(pattern)") (got \(value.quoted))")
            return nil
        }
        return text
    }

    static func choice(_ value: JSONValue, options: [String], at path: FieldPath, _ diagnostics: Diagnostics) -> String? {
        guard case .string(let text) = value, options.contains(text) else {
            diagnostics.report(path, "must be one of \(options.joined(separator: ", ")) (got \(value.quoted))")
            return nil
        }
        return text
    }

    static func metricName(_ value: JSONValue, at path: FieldPath, _ diagnostics: Diagnostics) -> String? {
        guard case .string(let name) = value else {
            diagnostics.report(path, mismatch(expected: "a metric name", value))
            return nil
        }
        guard MetricCatalog.info(name) != nil else {
            let names = MetricCatalog.all.map(\.name)
            if let match = Suggestion.nearest(to: name, in: names) {
                diagnostics.report(path, "unknown metric \(value.quoted) (did you mean \(JSONWriter.quote(match))?)")
            } else {
                diagnostics.report(path, "unknown metric \(value.quoted); known metrics: \(names.joined(separator: ", "))")
            }
            return nil
        }
        return name
    }

    static func duration(
        _ value: JSONValue, rule: DurationRule, at path: FieldPath, _ diagnostics: Diagnostics
    ) -> ScenarioDuration? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number):
            diagnostics.report(
                path, "must be a string with a unit (\(ScenarioDuration.unitList)), e.g. \"\(number)s\" (got \(number))")
            return nil
        default:
            diagnostics.report(path, mismatch(expected: "a duration such as \"30s\"", value))
            return nil
        }
        let parsed: ScenarioDuration
        do {
            parsed = try ScenarioDuration.parse(text, allowSign: rule == .signed)
        } catch {
            diagnostics.report(path, error.description)
            return nil
        }
        if rule == .positive, parsed.nanoseconds == 0 {
            diagnostics.report(path, "must be > 0 (got \(value.quoted))")
            return nil
        }
        return parsed
    }

    static func constant(_ value: JSONValue, _ expected: Int, at path: FieldPath, _ diagnostics: Diagnostics) -> Int? {
        guard case .number(let text) = value, exactInteger(text) == Int64(expected) else {
            diagnostics.report(path, "must be \(expected) (got \(value.quoted))")
            return nil
        }
        return expected
    }

    // MARK: - Helpers

    /// "expected a number, got "100"; remove the quotes" style message.
    static func mismatch(expected: String, _ value: JSONValue) -> String {
        var message = "expected \(expected), got \(value.quoted)"
        if case .string(let text) = value, Double(text) != nil, expected.contains("number") || expected.contains("integer") {
            message += "; remove the quotes"
        }
        return message
    }

    /// The integer a JSON number denotes exactly (`"12"`, `"1e3"`, `"5.0"`), or nil.
    static func exactInteger(_ text: String) -> Int64? {
        if let value = Int64(text) { return value }
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
              let value = Double(text), value == value.rounded(), abs(value) <= 9_007_199_254_740_992
        else { return nil }
        return Int64(value)
    }

    static func integerRule(minimum: Int64?, maximum: Int64?) -> String {
        switch (minimum, maximum) {
        case let (minimum?, maximum?): return "must be between \(minimum) and \(maximum)"
        case let (minimum?, nil): return "must be ≥ \(minimum)"
        case let (nil, maximum?): return "must be ≤ \(maximum)"
        case (nil, nil): return "must be an integer"
        }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else {
            preconditionFailure("invalid pattern \(pattern) in the scenario format")
        }
        return (try? regex.wholeMatch(in: text)) != nil
    }
}
