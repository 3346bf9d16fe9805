/// A span of simulated time written with a unit (`"250ms"`, `"1.5s"`, `"7d"`), held as
/// an exact integer number of nanoseconds.
public struct ScenarioDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The span in nanoseconds; negative only for a clock-skew offset.
    public var nanoseconds: Int64

    /// A duration of exactly `nanoseconds`.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// Parses `"<number><unit>"` with unit ns, us, ms, s, m, h or d; a decimal fraction
    /// is allowed when the result is a whole number of nanoseconds (`"1.5s"`, not `"1.5ns"`).
    public init(parsing text: String) throws(ParseError) {
        self = try Self.parse(text, allowSign: true)
    }

    /// Why a text is not a duration, in words a person can act on.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The explanation, naming the text that was rejected.
        public let description: String
    }

    /// Units in the order the parser tries their suffixes (longest first where one
    /// suffix ends another: "ms" before "s").
    static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1),
        ("us", 1_000),
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000),
    ]

    /// The unit names, for messages and the schema.
    static let unitList = "ns, us, ms, s, m, h, d"

    /// A regular expression matching the accepted text (JSON Schema `pattern`).
    static func pattern(signed: Bool) -> String {
        (signed ? "^[+-]?" : "^") + "[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h|d)$"
    }

    static func parse(_ text: String, allowSign: Bool) throws(ParseError) -> ScenarioDuration {
        func failure(_ why: String) -> ParseError {
            ParseError(description: "\(JSONWriter.quote(text)) \(why)")
        }
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            guard allowSign else {
                throw failure(sign == "-" ? "is negative; a duration here must be ≥ 0" : "must not have a sign")
            }
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let unit = units.reversed().first(where: { unitMatches(body, $0.suffix) }) else {
            if !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
                throw failure("has no unit; add one of \(unitList) (e.g. \"\(body)s\")")
            }
            throw failure("is not a duration; write a number and a unit (\(unitList)), e.g. \"250ms\", \"1.5s\", \"15m\"")
        }
        let number = body.dropLast(unit.suffix.count)
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit),
              parts.count == 1 || !fraction.isEmpty
        else {
            throw failure("is not a duration; write a number and a unit (\(unitList)), e.g. \"250ms\", \"1.5s\", \"15m\"")
        }
        guard let wholeValue = Int64(whole),
              case let (scaled, overflow) = wholeValue.multipliedReportingOverflow(by: unit.nanoseconds),
              !overflow
        else {
            throw failure("is too long; the longest duration is about 106751d")
        }
        // The fraction must come out as a whole number of nanoseconds: digits beyond
        // the unit's precision must be zero.
        var remainder: Int64 = 0
        var scale = unit.nanoseconds
        for digit in fraction {
            let value = Int64(digit.wholeNumberValue!)
            if scale >= 10 {
                scale /= 10
                remainder += value * scale
            } else if value != 0 {
                throw failure("is not a whole number of nanoseconds")
            }
        }
        guard case let (total, overflow) = scaled.addingReportingOverflow(remainder), !overflow else {
            throw failure("is too long; the longest duration is about 106751d")
        }
        return ScenarioDuration(nanoseconds: negative ? -total : total)
    }

    private static func unitMatches(_ body: Substring, _ suffix: String) -> Bool {
        guard body.hasSuffix(suffix) else { return false }
        // "ms" also ends in "s": accept "s" only when the character before it is a digit.
        guard let before = body.dropLast(suffix.count).last else { return false }
        return isDigit(before)
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    /// The shortest exact text for this duration, using the largest unit that divides it
    /// (`"90s"`, `"15m"`, `"1d"`, `"1500us"`).
    public var description: String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        for unit in Self.units.reversed() where magnitude % UInt64(unit.nanoseconds) == 0 {
            return sign + String(magnitude / UInt64(unit.nanoseconds)) + unit.suffix
        }
        return sign + String(magnitude) + "ns"
    }

    /// The duration in seconds, for display and rate arithmetic (not exact).
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// Orders durations by length.
    public static func < (lhs: ScenarioDuration, rhs: ScenarioDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// A duration of `value` seconds.
    public static func seconds(_ value: Int64) -> ScenarioDuration {
        ScenarioDuration(nanoseconds: value * 1_000_000_000)
    }

    /// A duration of `value` milliseconds.
    public static func milliseconds(_ value: Int64) -> ScenarioDuration {
        ScenarioDuration(nanoseconds: value * 1_000_000)
    }

    /// A duration of `value` microseconds.
    public static func microseconds(_ value: Int64) -> ScenarioDuration {
        ScenarioDuration(nanoseconds: value * 1_000)
    }
}
