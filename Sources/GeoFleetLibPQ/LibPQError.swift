/// A libpq failure: the server's error (with its SQLSTATE), a broken connection, or a deadline.
public struct LibPQError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public enum Kind: Sendable, Equatable {
        /// The server answered with an error; `sqlState` says which.
        case server
        /// Connecting, sending or receiving failed: the connection is unusable.
        case connection
        /// The operation's deadline passed: the connection is unusable.
        case timeout
    }

    public var kind: Kind
    /// The five-character SQLSTATE of a server error.
    public var sqlState: String?
    /// The server's primary message, or libpq's.
    public var message: String
    /// What was being done (e.g. "COPY positions").
    public var operation: String

    public init(kind: Kind, sqlState: String? = nil, message: String, operation: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.operation = operation
    }

    public var description: String {
        switch kind {
        case .server: "\(operation): PostgreSQL error \(sqlState ?? "?????"): \(message)"
        case .connection: "\(operation): connection failed: \(message)"
        case .timeout: "\(operation): timed out: \(message)"
        }
    }
}
