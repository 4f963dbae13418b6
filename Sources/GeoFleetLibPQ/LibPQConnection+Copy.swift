import CLibPQ

extension LibPQConnection {
    /// Bytes handed to libpq at a time: large enough that the per-call cost vanishes, small enough
    /// that the socket drains between calls.
    static let copyChunk = 256 * 1024

    /// Runs `COPY … FROM STDIN` with `data` as its whole input (a binary COPY stream, header to
    /// trailer, or text rows) and returns the rows copied. A row the server refuses fails the whole
    /// COPY with the server's error; the connection stays usable.
    @discardableResult
    public func copyIn(_ sql: String, data: [UInt8], deadline: ContinuousClock.Instant) throws -> Int {
        let operation = Self.operationName(sql)
        try startCopy(sql, expecting: PGRES_COPY_IN, deadline: deadline, operation: operation)
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = min(Self.copyChunk, bytes.count - offset)
                let chunk = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                while true {
                    let state = PQputCopyData(handle, chunk, Int32(count))
                    if state == 1 { break }
                    if state < 0 { throw connectionFailure(operation) }
                    try wait(read: false, write: true, deadline: deadline, operation: operation)
                    try flush(deadline: deadline, operation: operation)
                }
                offset += count
            }
        }
        while true {
            let state = PQputCopyEnd(handle, nil)
            if state == 1 { break }
            if state < 0 { throw connectionFailure(operation) }
            try wait(read: false, write: true, deadline: deadline, operation: operation)
        }
        try flush(deadline: deadline, operation: operation)
        return try finishCopy(deadline: deadline, operation: operation)
    }

    /// Runs `COPY … TO STDOUT` and hands each piece of its output to `receive` (the bytes are valid
    /// only during the call). `idleTimeout` bounds each wait for the server, not the whole COPY.
    /// When `receive` throws, the connection is left broken (the COPY is still running): close it.
    @discardableResult
    public func copyOut(_ sql: String, idleTimeout: Duration, receive: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let operation = Self.operationName(sql)
        try startCopy(sql, expecting: PGRES_COPY_OUT, deadline: .now + idleTimeout, operation: operation)
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(handle, &buffer, 1)
            if count > 0, let buffer {
                defer { PQfreemem(buffer) }
                do {
                    try receive(UnsafeRawBufferPointer(start: buffer, count: Int(count)))
                } catch {
                    isBroken = true
                    throw error
                }
            } else if count == 0 {
                try wait(read: true, write: false, deadline: .now + idleTimeout, operation: operation)
                try consumeInput(operation: operation)
            } else if count == -1 {
                break
            } else {
                throw connectionFailure(operation)
            }
        }
        return try finishCopy(deadline: .now + idleTimeout, operation: operation)
    }

    private func startCopy(_ sql: String, expecting: ExecStatusType, deadline: ContinuousClock.Instant, operation: String) throws {
        try send(sql, [], deadline: deadline, operation: operation)
        guard let result = try nextResult(deadline: deadline, operation: operation) else {
            throw connectionFailure(operation)
        }
        let status = PQresultStatus(result)
        if status == expecting {
            PQclear(result)
            return
        }
        let failure = error(of: result, operation: operation)
        PQclear(result)
        // Read the command to its end so the connection can take the next one.
        while let more = try nextResult(deadline: deadline, operation: operation) { PQclear(more) }
        throw failure
    }

    /// Collects the COPY's final results; returns the rows it reports.
    private func finishCopy(deadline: ContinuousClock.Instant, operation: String) throws -> Int {
        var failure: LibPQError?
        var rows = 0
        while let result = try nextResult(deadline: deadline, operation: operation) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(Self.text(PQcmdTuples(result))) ?? 0
            } else {
                failure = failure ?? error(of: result, operation: operation)
            }
        }
        if let failure { throw failure }
        return rows
    }
}
