/// A SQL identifier in double quotes, embedded quotes doubled: names reach DDL that cannot take
/// bind parameters, and quoting keeps even a validated name from ever being read as SQL.
enum QuotedIdentifier {
    static func sql(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal (for `'…'::regclass` arguments), embedded single quotes doubled.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
