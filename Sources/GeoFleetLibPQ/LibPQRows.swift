/// The rows of a query's answer in text form, copied out of libpq's result.
public struct LibPQRows: Sendable {
    /// One text value per column, nil for NULL.
    public var rows: [[String?]]
    /// Rows the command affected (`PQcmdTuples`), 0 when it does not say.
    public var affected: Int

    public init(rows: [[String?]] = [], affected: Int = 0) {
        self.rows = rows
        self.affected = affected
    }

    /// The first column of the first row.
    public var scalar: String? { rows.first?.first ?? nil }
}
