import Foundation

/// Numbers as the human tables print them.
enum NumberText {
    /// Whole numbers as integers; others to three decimals, or four significant digits below 1, without trailing zeros.
    static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        var text = magnitude >= 1 ? String(format: "%.3f", value) : String(format: "%.4g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Like ``plain(_:)`` with a `+` on positive values, for changes.
    static func signed(_ value: Double) -> String {
        value > 0 ? "+" + plain(value) : plain(value)
    }

    /// A signed percentage with one decimal, e.g. `+20.0%`.
    static func signedPercent(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)%" }
        if value == 0 { return "0.0%" }
        return String(format: "%+.1f%%", value)
    }

    /// Seconds with one decimal, e.g. `12.8`.
    static func seconds(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
