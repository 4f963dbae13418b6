import Glibc

/// Thin wrappers over the system calls the spool needs, retrying EINTR and throwing `SpoolError.io`.
///
/// Why raw syscalls and not FileHandle: we need fdatasync, ftruncate, pwrite at an explicit
/// offset and the real errno (ENOSPC, EIO) to decide what is durable.
enum POSIXFile {
    /// Files are private by default: spooled positions are tenants' data.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        let fd = retrying { Glibc.open(path, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw SpoolError.io(operation: "open \(path)", errno: errno) }
        return fd
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd) // Linux closes the fd even on EINTR; nothing useful to do on error.
    }

    /// Writes all of `bytes` at `offset`, looping over short writes.
    static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = retrying { Glibc.pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done)) }
                guard n > 0 else { throw SpoolError.io(operation: "pwrite \(path)", errno: n < 0 ? errno : EIO) }
                done += n
            }
        }
    }

    static func fdatasync(_ fd: Int32, path: String) throws {
        guard retrying({ Glibc.fdatasync(fd) }) == 0 else {
            throw SpoolError.io(operation: "fdatasync \(path)", errno: errno)
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        guard retrying({ Glibc.fsync(fd) }) == 0 else { throw SpoolError.io(operation: "fsync \(path)", errno: errno) }
    }

    static func truncate(_ fd: Int32, to length: Int64, path: String) throws {
        guard retrying({ Glibc.ftruncate(fd, off_t(length)) }) == 0 else {
            throw SpoolError.io(operation: "ftruncate \(path)", errno: errno)
        }
    }

    /// Makes a new or removed directory entry durable (a created file is not, until its directory is synced).
    static func fsyncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if Glibc.mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw SpoolError.io(operation: "mkdir \(prefix)", errno: errno)
            }
        }
    }

    /// Names of the entries in `path` (without "." and "..").
    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SpoolError.io(operation: "opendir \(path)", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file; a file already gone is fine.
    static func unlink(_ path: String) throws {
        if Glibc.unlink(path) != 0 && errno != ENOENT { throw SpoolError.io(operation: "unlink \(path)", errno: errno) }
    }

    /// The file's contents, at most `limit` bytes; nil if it does not exist (released meanwhile).
    static func readAll(_ path: String, limit: Int64? = nil) throws -> [UInt8]? {
        let fd = retrying { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SpoolError.io(operation: "open \(path)", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SpoolError.io(operation: "fstat \(path)", errno: errno) }
        let size = Int(min(Int64(info.st_size), limit ?? Int64.max))
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = retrying { Glibc.pread(fd, buffer.baseAddress! + done, size - done, off_t(done)) }
                if n < 0 { failure = errno; break }
                if n == 0 { break } // shrank while reading; keep what is there
                done += n
            }
            initialized = done
        }
        if failure != 0 { throw SpoolError.io(operation: "pread \(path)", errno: failure) }
        return bytes
    }

    private static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
