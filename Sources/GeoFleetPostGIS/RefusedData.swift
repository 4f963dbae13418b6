import GeoFleetLibPQ
import PostgresNIO

/// Tells PostgreSQL refusing the data itself (retrying the same rows fails the same way) from a
/// failure of the connection or the server (a retry may succeed).
public enum RefusedData {
    /// The SQLSTATE the server sent, if the error came from the server.
    public static func sqlState(of error: any Error) -> String? {
        if let error = error as? LibPQError { return error.kind == .server ? error.sqlState : nil }
        if error is PositionEncodingError { return PositionEncodingError.sqlState }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// True for SQLSTATE class 22 (data exception: bad encoding, NUL, out-of-range value) and class
    /// 23 (integrity constraint violation): the rows are at fault, not the moment.
    public static func isRefusal(_ error: any Error) -> Bool {
        guard let state = sqlState(of: error) else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// The server's message for the refusal, storable as text (a NUL is replaced).
    public static func message(of error: any Error) -> String {
        let text =
            switch error {
            case let error as LibPQError: error.message
            case let error as PSQLError: error.serverInfo?[.message] ?? String(describing: error)
            default: String(describing: error)
            }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
    }
}
