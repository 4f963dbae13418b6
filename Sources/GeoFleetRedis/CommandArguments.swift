/// Marshals a command's arguments into the `argc`/`argv`/`argvlen` triple hiredis's *Argv functions
/// take. Why Argv: the printf-style `redisCommand` is C-variadic and cannot be called from Swift,
/// and Argv is binary-safe anyway (explicit lengths, no format escapes).
enum CommandArguments {
    static func withArgv<R>(
        _ args: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        // One contiguous copy of all arguments; argv points into it for the duration of `body`.
        var storage: [UInt8] = []
        storage.reserveCapacity(args.reduce(1) { $0 + $1.utf8.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(args.count)
        lengths.reserveCapacity(args.count)
        for arg in args {
            offsets.append(storage.count)
            storage.append(contentsOf: arg.utf8)
            lengths.append(storage.count - offsets[offsets.count - 1])
        }
        storage.append(0) // never empty, so baseAddress is never nil
        return storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!)
            var argv: [UnsafePointer<CChar>?] = offsets.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(args.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }
}
