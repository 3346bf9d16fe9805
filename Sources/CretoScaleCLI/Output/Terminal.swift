import Foundation

/// Where the commands write: results (tables, JSON) on stdout, diagnostics on stderr.
///
/// Everything for stdout goes through `print`, so it stays in order however it is mixed.
enum Terminal {
    /// Writes `text` to stdout as it is (add the newline yourself).
    static func write(_ text: String) {
        print(text, terminator: "")
    }

    /// Writes one line to stdout.
    static func line(_ text: String = "") {
        print(text)
    }

    /// Writes bytes (UTF-8 JSON, say) to stdout as they are.
    static func write(_ data: Data) {
        print(String(decoding: data, as: UTF8.self), terminator: "")
    }

    /// Writes a diagnostic to stderr, ending it with a newline unless it has one.
    static func error(_ message: String) {
        let text = message.hasSuffix("\n") ? message : message + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
