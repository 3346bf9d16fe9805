/// A span of simulated time, counted in whole nanoseconds.
///
/// Simulated time never touches a wall clock: every duration is an exact integer, so
/// sums and comparisons are the same on every machine and every run.
public struct SimDuration: Hashable, Comparable, Sendable, AdditiveArithmetic {
    /// The length of this duration in nanoseconds (negative for a negative span).
    public var nanoseconds: Int64

    /// Creates a duration of `nanoseconds` nanoseconds.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The empty duration.
    public static let zero = SimDuration(nanoseconds: 0)

    /// The longest representable duration, used as "never" by models that need one.
    public static let max = SimDuration(nanoseconds: Int64.max)

    /// A duration of `count` nanoseconds.
    @inlinable
    public static func nanoseconds(_ count: Int64) -> SimDuration {
        SimDuration(nanoseconds: count)
    }

    /// A duration of `count` nanoseconds.
    @inlinable
    public static func nanoseconds(_ count: Int) -> SimDuration {
        SimDuration(nanoseconds: Int64(count))
    }

    /// A duration of `count` microseconds; traps on overflow.
    @inlinable
    public static func microseconds(_ count: Int) -> SimDuration {
        SimDuration(nanoseconds: Int64(count) * 1_000)
    }

    /// A duration of `value` microseconds, rounded to the nearest nanosecond.
    @inlinable
    public static func microseconds(_ value: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: value * 1e3)
    }

    /// A duration of `count` milliseconds; traps on overflow.
    @inlinable
    public static func milliseconds(_ count: Int) -> SimDuration {
        SimDuration(nanoseconds: Int64(count) * 1_000_000)
    }

    /// A duration of `value` milliseconds, rounded to the nearest nanosecond.
    @inlinable
    public static func milliseconds(_ value: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: value * 1e6)
    }

    /// A duration of `count` seconds; traps on overflow.
    @inlinable
    public static func seconds(_ count: Int) -> SimDuration {
        SimDuration(nanoseconds: Int64(count) * 1_000_000_000)
    }

    /// A duration of `value` seconds, rounded to the nearest nanosecond.
    @inlinable
    public static func seconds(_ value: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: value * 1e9)
    }

    /// Creates a duration from a nanosecond count given as a `Double`, rounded to the nearest
    /// nanosecond (halves away from zero); traps if the value is not finite or out of range.
    @inlinable
    public init(roundingNanoseconds value: Double) {
        // 2^63 is exactly representable; anything at or beyond it does not fit an Int64.
        precondition(
            value.isFinite && value > -9.223372036854775808e18 && value < 9.223372036854775808e18,
            "duration out of range"
        )
        // Rounded by hand rather than with `rounded()`, which would pull in the C math library.
        // `value - Double(whole)` is exact, so the comparison with one half is exact too.
        var whole = Int64(value)
        let fraction = value - Double(whole)
        if fraction >= 0.5 && whole < Int64.max {
            whole += 1
        } else if fraction <= -0.5 && whole > Int64.min {
            whole -= 1
        }
        self.nanoseconds = whole
    }

    /// This duration in seconds.
    @inlinable
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// This duration in milliseconds.
    @inlinable
    public var milliseconds: Double { Double(nanoseconds) / 1e6 }

    /// This duration in microseconds.
    @inlinable
    public var microseconds: Double { Double(nanoseconds) / 1e3 }

    /// Orders durations by length.
    @inlinable
    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The sum of two durations; traps on overflow.
    @inlinable
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }

    /// The difference of two durations; traps on overflow.
    @inlinable
    public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }

    /// The negated duration.
    @inlinable
    public static prefix func - (value: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: -value.nanoseconds)
    }

    /// The duration `lhs` repeated `rhs` times; traps on overflow.
    @inlinable
    public static func * (lhs: SimDuration, rhs: Int) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds * Int64(rhs))
    }

    /// The duration `rhs` repeated `lhs` times; traps on overflow.
    @inlinable
    public static func * (lhs: Int, rhs: SimDuration) -> SimDuration {
        rhs * lhs
    }

    /// The duration `lhs` scaled by `rhs`, rounded to the nearest nanosecond.
    @inlinable
    public static func * (lhs: SimDuration, rhs: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: Double(lhs.nanoseconds) * rhs)
    }

    /// The duration `rhs` scaled by `lhs`, rounded to the nearest nanosecond.
    @inlinable
    public static func * (lhs: Double, rhs: SimDuration) -> SimDuration {
        rhs * lhs
    }

    /// The duration `lhs` divided by `rhs`, truncated toward zero.
    @inlinable
    public static func / (lhs: SimDuration, rhs: Int) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds / Int64(rhs))
    }

    /// The duration `lhs` divided by `rhs`, rounded to the nearest nanosecond.
    @inlinable
    public static func / (lhs: SimDuration, rhs: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: Double(lhs.nanoseconds) / rhs)
    }

    /// The ratio of two durations.
    @inlinable
    public static func / (lhs: SimDuration, rhs: SimDuration) -> Double {
        Double(lhs.nanoseconds) / Double(rhs.nanoseconds)
    }

    /// Adds `rhs` to `lhs`.
    @inlinable
    public static func += (lhs: inout SimDuration, rhs: SimDuration) {
        lhs = lhs + rhs
    }

    /// Subtracts `rhs` from `lhs`.
    @inlinable
    public static func -= (lhs: inout SimDuration, rhs: SimDuration) {
        lhs = lhs - rhs
    }

    /// Scales `lhs` by `rhs`.
    @inlinable
    public static func *= (lhs: inout SimDuration, rhs: Int) {
        lhs = lhs * rhs
    }
}

/// A point on the simulated time line: nanoseconds since the start of the run.
///
/// A run starts at ``SimInstant/zero``; instants are compared and subtracted exactly.
public struct SimInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the start of the run.
    public var nanosecondsSinceStart: Int64

    /// Creates the instant `nanosecondsSinceStart` nanoseconds after the start of the run.
    @inlinable
    public init(nanosecondsSinceStart: Int64) {
        self.nanosecondsSinceStart = nanosecondsSinceStart
    }

    /// The start of the run.
    public static let zero = SimInstant(nanosecondsSinceStart: 0)

    /// The latest representable instant, used as "never" by models that need one.
    public static let max = SimInstant(nanosecondsSinceStart: Int64.max)

    /// The time elapsed from the start of the run to this instant.
    @inlinable
    public var sinceStart: SimDuration { SimDuration(nanoseconds: nanosecondsSinceStart) }

    /// Seconds since the start of the run.
    @inlinable
    public var seconds: Double { Double(nanosecondsSinceStart) / 1e9 }

    /// Milliseconds since the start of the run.
    @inlinable
    public var milliseconds: Double { Double(nanosecondsSinceStart) / 1e6 }

    /// Orders instants from earlier to later.
    @inlinable
    public static func < (lhs: SimInstant, rhs: SimInstant) -> Bool {
        lhs.nanosecondsSinceStart < rhs.nanosecondsSinceStart
    }

    /// The instant `rhs` after `lhs`; traps on overflow.
    @inlinable
    public static func + (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: lhs.nanosecondsSinceStart + rhs.nanoseconds)
    }

    /// The instant `lhs` after `rhs`; traps on overflow.
    @inlinable
    public static func + (lhs: SimDuration, rhs: SimInstant) -> SimInstant {
        rhs + lhs
    }

    /// The instant `rhs` before `lhs`; traps on overflow.
    @inlinable
    public static func - (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: lhs.nanosecondsSinceStart - rhs.nanoseconds)
    }

    /// The time from `rhs` to `lhs` (negative if `lhs` is earlier).
    @inlinable
    public static func - (lhs: SimInstant, rhs: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanosecondsSinceStart - rhs.nanosecondsSinceStart)
    }

    /// Moves `lhs` later by `rhs`.
    @inlinable
    public static func += (lhs: inout SimInstant, rhs: SimDuration) {
        lhs = lhs + rhs
    }

    /// Moves `lhs` earlier by `rhs`.
    @inlinable
    public static func -= (lhs: inout SimInstant, rhs: SimDuration) {
        lhs = lhs - rhs
    }
}

extension SimDuration: CustomStringConvertible {
    /// The duration in the largest unit that keeps it at least 1: "850ns", "12µs", "12.500ms",
    /// "1.250s". Seconds always show three decimals; smaller units drop a zero fraction.
    public var description: String {
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        let text: String
        if magnitude >= 1_000_000_000 {
            text = SimDuration.fixedPoint(magnitude, unit: 1_000_000_000, keepZeroFraction: true) + "s"
        } else if magnitude >= 1_000_000 {
            text = SimDuration.fixedPoint(magnitude, unit: 1_000_000, keepZeroFraction: false) + "ms"
        } else if magnitude >= 1_000 {
            text = SimDuration.fixedPoint(magnitude, unit: 1_000, keepZeroFraction: false) + "µs"
        } else {
            text = String(magnitude) + "ns"
        }
        return negative ? "-" + text : text
    }

    /// `value / unit` with three decimals, rounded half up, using integer arithmetic only.
    private static func fixedPoint(_ value: UInt64, unit: UInt64, keepZeroFraction: Bool) -> String {
        let thousandth = unit / 1_000
        let (scaled, overflow) = value.addingReportingOverflow(thousandth / 2)
        let milli = (overflow ? value : scaled) / thousandth
        let whole = milli / 1_000
        let fraction = milli % 1_000
        if fraction == 0 && !keepZeroFraction {
            return String(whole)
        }
        let digits = String(fraction)
        return String(whole) + "." + String(repeating: "0", count: 3 - digits.count) + digits
    }
}

extension SimInstant: CustomStringConvertible {
    /// The time since the start of the run, written like a ``SimDuration`` ("1.250s").
    public var description: String { sinceStart.description }
}
