import CLibPQ
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection in non-blocking mode, every wait bounded by a deadline. Not `Sendable`:
/// it lives on one thread (a `SerialThread`), because libpq's calls block or expect one caller.
/// No libpq pointer leaves this type.
public final class LibPQConnection {
    private var connection: OpaquePointer?
    /// Set when a deadline passed or the connection failed mid-protocol: the state libpq is in is
    /// unknown, so the connection is only good for closing.
    public internal(set) var isBroken = false

    /// Connects with libpq keyword/value parameters (`host`, `port`, `user`, `dbname`, `sslmode`…).
    public init(parameters: [(String, String)], deadline: ContinuousClock.Instant) throws {
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keywordPointers: [UnsafePointer<CChar>?] = keywords.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        connection = keywordPointers.withUnsafeMutableBufferPointer { k in
            valuePointers.withUnsafeMutableBufferPointer { v in PQconnectStartParams(k.baseAddress, v.baseAddress, 0) }
        }
        guard let connection, PQstatus(connection) != CONNECTION_BAD else {
            let message = connection.map { Self.text(PQerrorMessage($0)) } ?? "out of memory"
            close()
            throw LibPQError(kind: .connection, message: message, operation: "connect")
        }
        // libpq's documented loop: behave as if the last poll said "writing", then follow each answer.
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK {
            switch state {
            case PGRES_POLLING_READING: try wait(read: true, write: false, deadline: deadline, operation: "connect")
            case PGRES_POLLING_WRITING: try wait(read: false, write: true, deadline: deadline, operation: "connect")
            default:
                let message = Self.text(PQerrorMessage(connection))
                close()
                throw LibPQError(kind: .connection, message: message, operation: "connect")
            }
            state = PQconnectPoll(connection)
        }
        guard PQsetnonblocking(connection, 1) == 0 else {
            let message = Self.text(PQerrorMessage(connection))
            close()
            throw LibPQError(kind: .connection, message: message, operation: "connect")
        }
    }

    deinit { close() }

    /// Whether the connection can take another command.
    public var isUsable: Bool {
        guard let connection, !isBroken else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Closes the connection (the server ends its backend).
    public func close() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    /// Runs one command with text parameters (`$1`…; nil is NULL) and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], deadline: ContinuousClock.Instant) throws -> LibPQRows {
        let operation = Self.operationName(sql)
        try send(sql, parameters, deadline: deadline, operation: operation)
        var answer = LibPQRows()
        var failure: LibPQError?
        while let result = try nextResult(deadline: deadline, operation: operation) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_TUPLES_OK {
                answer.rows = Self.rows(of: result)
                answer.affected = answer.rows.count
            } else if status == PGRES_COMMAND_OK {
                answer.affected = Int(Self.text(PQcmdTuples(result))) ?? 0
            } else if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                isBroken = true
                throw LibPQError(kind: .connection, message: "unexpected COPY answer", operation: operation)
            } else {
                failure = failure ?? error(of: result, operation: operation)
            }
        }
        if let failure { throw failure }
        return answer
    }

    // MARK: protocol steps shared with COPY

    func send(_ sql: String, _ parameters: [String?], deadline: ContinuousClock.Instant, operation: String) throws {
        guard let connection, !isBroken else {
            throw LibPQError(kind: .connection, message: "connection is closed", operation: operation)
        }
        let copies = parameters.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { $0.map { free($0) } } }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let sent = values.withUnsafeBufferPointer { v in
            PQsendQueryParams(connection, sql, Int32(values.count), nil, v.baseAddress, nil, nil, 0)
        }
        guard sent == 1 else { throw connectionFailure(operation) }
        try flush(deadline: deadline, operation: operation)
    }

    /// Sends what libpq has buffered, reading meanwhile so the server never blocks on a full socket.
    func flush(deadline: ContinuousClock.Instant, operation: String) throws {
        guard let connection else { throw connectionFailure(operation) }
        while true {
            let state = PQflush(connection)
            if state == 0 { return }
            if state < 0 { throw connectionFailure(operation) }
            let readable = try wait(read: true, write: true, deadline: deadline, operation: operation)
            if readable, PQconsumeInput(connection) != 1 { throw connectionFailure(operation) }
        }
    }

    /// The next result of the running command, nil after the last; waits for the server.
    func nextResult(deadline: ContinuousClock.Instant, operation: String) throws -> OpaquePointer? {
        guard let connection else { throw connectionFailure(operation) }
        while PQisBusy(connection) == 1 {
            try wait(read: true, write: false, deadline: deadline, operation: operation)
            guard PQconsumeInput(connection) == 1 else { throw connectionFailure(operation) }
        }
        return PQgetResult(connection)
    }

    /// Reads what the server sent without waiting.
    func consumeInput(operation: String) throws {
        guard let connection, PQconsumeInput(connection) == 1 else { throw connectionFailure(operation) }
    }

    var handle: OpaquePointer? { connection }

    /// Waits until the socket is readable or writable (as asked) or the deadline passes; returns
    /// whether it is readable.
    @discardableResult
    func wait(read: Bool, write: Bool, deadline: ContinuousClock.Instant, operation: String) throws -> Bool {
        guard let connection else { throw connectionFailure(operation) }
        let socket = PQsocket(connection)
        guard socket >= 0 else { throw connectionFailure(operation) }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero {
                isBroken = true
                throw LibPQError(kind: .timeout, message: "no answer from the server in time", operation: operation)
            }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: Int16((read ? POLLIN : 0) | (write ? POLLOUT : 0)), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                isBroken = true
                throw LibPQError(kind: .connection, message: String(cString: strerror(errno)), operation: operation)
            }
            if ready == 0 { continue }
            return descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
        }
    }

    func connectionFailure(_ operation: String) -> LibPQError {
        isBroken = true
        let message = connection.map { Self.text(PQerrorMessage($0)) } ?? "connection is closed"
        return LibPQError(kind: .connection, message: message.isEmpty ? "connection lost" : message, operation: operation)
    }

    /// The error a failed result carries; a result without a SQLSTATE means the connection failed.
    func error(of result: OpaquePointer, operation: String) -> LibPQError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
        let message = primary ?? Self.text(PQresultErrorMessage(result))
        guard let state else {
            isBroken = true
            return LibPQError(kind: .connection, message: message, operation: operation)
        }
        return LibPQError(kind: .server, sqlState: state, message: message, operation: operation)
    }

    private static func rows(of result: OpaquePointer) -> [[String?]] {
        let count = PQntuples(result)
        let fields = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            var values: [String?] = []
            values.reserveCapacity(Int(fields))
            for field in 0..<fields {
                values.append(PQgetisnull(result, row, field) == 1 ? nil : String(cString: PQgetvalue(result, row, field)))
            }
            rows.append(values)
        }
        return rows
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { text(UnsafePointer(pointer)) }

    /// The statement's first two words, for errors and logs.
    static func operationName(_ sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).prefix(2).joined(separator: " ")
    }
}
