import Foundation

/// Renders the configuration variables as the Markdown table the README carries.
enum ConfigurationTable {
    struct Row {
        var name: String
        var defaultText: String
        var meaning: String
    }

    static func markdown(_ rows: [Row]) -> String {
        var lines = ["| variable | default | meaning |", "|---|---|---|"]
        for row in rows {
            lines.append("| `\(row.name)` | \(cell(row.defaultText)) | \(cell(row.meaning)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A `|` would end the cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
