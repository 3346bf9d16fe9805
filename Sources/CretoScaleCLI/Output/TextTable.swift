/// A plain-text table with aligned columns, for the commands' human output.
///
///     metric       value  unit
///     ------------------------
///     tps.mean     99.5   tx/s
///     latency.p95  412    ms
///
/// Widths count characters (grapheme clusters), which is right for the ASCII, arrows and
/// check marks the commands print; lines carry no trailing spaces.
struct TextTable {
    /// How a column's cells line up.
    enum Alignment {
        /// Flush left: names and text.
        case left
        /// Flush right: numbers.
        case right
    }

    /// One column: its heading and alignment.
    struct Column {
        /// The heading.
        var title: String
        /// How cells line up.
        var alignment: Alignment

        /// Creates a column; text lines up on the left by default.
        init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns, left to right.
    let columns: [Column]
    /// The body rows, each with one cell per column.
    private(set) var rows: [[String]] = []
    /// Whether the headings and their underline are printed.
    var showsHeader = true
    /// What separates two columns.
    var gap = "  "
    /// Text put before every line.
    var indent = ""

    /// Creates an empty table with these columns.
    init(_ columns: [Column]) {
        precondition(!columns.isEmpty, "a table needs at least one column")
        self.columns = columns
    }

    /// Appends a row; it must have one cell per column.
    mutating func append(_ cells: [String]) {
        precondition(cells.count == columns.count, "a row has \(cells.count) cells, the table \(columns.count) columns")
        rows.append(cells)
    }

    /// The table as lines joined by newlines, without a final newline.
    func render() -> String {
        var widths = columns.map { showsHeader ? $0.title.count : 0 }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var lines: [String] = []
        lines.reserveCapacity(rows.count + 2)
        if showsHeader {
            let heading = line(columns.map(\.title), widths: widths)
            lines.append(heading)
            lines.append(indent + String(repeating: "-", count: heading.count - indent.count))
        }
        for row in rows { lines.append(line(row, widths: widths)) }
        return lines.joined(separator: "\n")
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var text = indent
        for (index, cell) in cells.enumerated() {
            if index > 0 { text += gap }
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            switch columns[index].alignment {
            case .left: text += cell + padding
            case .right: text += padding + cell
            }
        }
        while text.last == " " { text.removeLast() }
        return text
    }
}
