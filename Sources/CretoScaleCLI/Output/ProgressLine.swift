import Foundation
import Simulation

/// A one-line progress display on stderr, redrawn in place; silent when stderr is not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private var drawn = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the line for the simulation's position after `wallSeconds` of wall time.
    func update(_ progress: SimulationProgress, _ wallSeconds: Double) {
        guard enabled else { return }
        let done = progress.simulated.seconds, total = max(progress.total.seconds, 1e-9)
        let fraction = min(1, done / total)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let rate = Double(progress.events) / max(wallSeconds, 1e-9)
        let eta = fraction > 0 ? wallSeconds * (1 - fraction) / fraction : 0
        let text = String(format: "\r%@ [%@] %.1f/%.1f s simulated · %.2f M events/s · ETA %@   ",
                          label, bar, done, total, rate / 1e6, NumberText.seconds(eta))
        FileHandle.standardError.write(Data(text.utf8))
        drawn = true
    }

    /// Clears the line.
    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
