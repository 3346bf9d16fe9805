import Scenarios
import Testing

@Suite("Durations")
struct ScenarioDurationTests {
    @Test("Every unit parses to exact nanoseconds", arguments: [
        ("250ns", 250),
        ("3us", 3_000),
        ("250ms", 250_000_000),
        ("1.5s", 1_500_000_000),
        ("30s", 30_000_000_000),
        ("15m", 900_000_000_000),
        ("24h", 86_400_000_000_000),
        ("7d", 604_800_000_000_000),
        ("0.001s", 1_000_000),
        ("1.000000001s", 1_000_000_001),
        ("0.5d", 43_200_000_000_000),
        ("0s", 0),
        ("-250ms", -250_000_000),
        ("+2s", 2_000_000_000),
    ] as [(String, Int64)])
    func parses(text: String, nanoseconds: Int64) throws {
        #expect(try ScenarioDuration(parsing: text).nanoseconds == nanoseconds)
    }

    @Test("Malformed durations are refused with a reason", arguments: [
        ("60", "has no unit"),
        ("1.5", "has no unit"),
        ("s", "is not a duration"),
        ("1.s", "is not a duration"),
        (".5s", "is not a duration"),
        ("5 s", "is not a duration"),
        ("5sec", "is not a duration"),
        ("1e3s", "is not a duration"),
        ("1.5ns", "is not a whole number of nanoseconds"),
        ("1.0000000001s", "is not a whole number of nanoseconds"),
        ("106752d", "is too long"),
        ("99999999999999999999s", "is too long"),
    ])
    func refuses(text: String, reason: String) {
        #expect {
            _ = try ScenarioDuration(parsing: text)
        } throws: { error in
            (error as? ScenarioDuration.ParseError)?.description.contains(reason) == true
        }
    }

    @Test("Trailing zeros beyond nanosecond precision are fine")
    func trailingZeros() throws {
        #expect(try ScenarioDuration(parsing: "1.5000000000s").nanoseconds == 1_500_000_000)
    }

    @Test("The longest duration still parses")
    func longest() throws {
        #expect(try ScenarioDuration(parsing: "9223372036854775807ns").nanoseconds == Int64.max)
        #expect(try ScenarioDuration(parsing: "106751d").nanoseconds == 106_751 * 86_400_000_000_000)
    }

    @Test("Description uses the largest exact unit", arguments: [
        (0, "0s"), (1, "1ns"), (1_500, "1500ns"), (1_500_000_000, "1500ms"), (90_000_000_000, "90s"),
        (900_000_000_000, "15m"), (86_400_000_000_000, "1d"), (-250_000_000, "-250ms"),
    ] as [(Int64, String)])
    func description(nanoseconds: Int64, text: String) throws {
        let duration = ScenarioDuration(nanoseconds: nanoseconds)
        #expect(duration.description == text)
        #expect(try ScenarioDuration(parsing: text) == duration)
    }

    @Test("Durations order by length")
    func ordering() {
        #expect(ScenarioDuration.milliseconds(999) < .seconds(1))
        #expect(ScenarioDuration.microseconds(1000) == .milliseconds(1))
    }
}
