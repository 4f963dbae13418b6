import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS

#if canImport(Glibc)
import Glibc
#endif

/// A private, real `osrm-routed` for one test, from the osrm-bindings wheel that
/// `scripts/install-osrm.sh` puts in `.venv-osrm/` (run on first use; `GEOFLEET_OSRM_BIN=<dir>` skips it).
///
/// The extract is prepared once per (pbf content, profile, OSRM version) with `osrm-extract` and
/// `osrm-contract` into `${TMPDIR:-/tmp}/geofleet-osrm-cache/`, under a lock file and an atomic rename, so
/// parallel tests and test processes share it and a killed preparation leaves nothing half-made. The server
/// listens on a free port of 127.0.0.1 (CH, `--max-table-size 1000`). `stop()` kills it (SIGKILL to
/// simulate a crash), `restart()` starts it again on the same port, deinit stops it.
///
/// `init`, `stop` and `restart` block (spawn, waitpid, polling): async tests use `start`, `stop` and
/// `restart` of the async overloads, which run them on a thread of their own, and `get` through `Blocking.run`.
/// Spawned like `RedisServerProcess`, with `ChildProcess.spawn` (empty signal mask, default handlers).
public final class OSRMServerProcess: @unchecked Sendable {
    /// The prepared data set, `<cache>/<key>/<name>.osrm` (a base name: OSRM adds `.hsgr`, `.ebg`, ...).
    public let dataPath: String
    /// The directory holding `osrm-extract`, `osrm-contract` and `osrm-routed`.
    public let binDirectory: String
    /// This server's own directory (its log).
    public let directory: String
    public private(set) var port = 0
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var logPath: String { directory + "/osrm-routed.log" }
    private var pid: pid_t = 0
    /// Kills the server if the test process dies first (``ServerLifeline``).
    private var watchdog: pid_t = 0
    private let lock = NSLock()

    public init(pbf: String, profile: String = "car") throws {
        binDirectory = try Self.binDirectory()
        dataPath = try Self.prepare(pbf: pbf, profile: profile, bin: binDirectory)
        directory = NSTemporaryDirectory() + "geofleet-osrm-\(UUIDString.random())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Another process can take the port between freePort() and osrm-routed's bind: retry on a new one.
        for attempt in 1...3 {
            port = freePort()
            if try startLocked() { return }
            if attempt == 3 { break }
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        throw DaemonError("osrm-routed did not start (last port \(port)): \(log.suffix(2000))")
    }

    /// `init` on a thread of its own. Preparing (and, the first time, installing) takes seconds of
    /// waitpid and flock: on `Blocking.run`'s Dispatch threads that can hold up the cooperative pool of the
    /// whole test process (on 2 cores the two share few threads), stalling other tests' timers.
    public static func start(pbf: String, profile: String = "car") async throws -> OSRMServerProcess {
        try await Blocking.onOwnThread(name: threadName) { try OSRMServerProcess(pbf: pbf, profile: profile) }
    }

    /// `stop(signal:)` on a thread of its own.
    public func stop(signal: Int32 = SIGTERM) async {
        _ = try? await Blocking.onOwnThread(name: Self.threadName) { self.stop(signal: signal) }
    }

    /// `restart()` on a thread of its own.
    public func restart() async throws {
        try await Blocking.onOwnThread(name: Self.threadName) { try self.restart() }
    }

    private static let threadName = "osrm-server-process"

    deinit {
        stop(signal: SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0 else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { pid = 0 }
        return pid > 0
    }

    /// Stops the server with `signal` (SIGKILL: a crash), escalating to SIGKILL after 2 s, and reaps it.
    public func stop(signal: Int32 = SIGTERM) {
        lock.lock()
        defer { lock.unlock() }
        stopLocked(signal: signal)
    }

    /// Starts the server again on the same port (stopping it first if it runs). The port was ours a moment
    /// ago; if the bind still fails (someone took it), retries for a few seconds.
    public func restart() throws {
        lock.lock()
        defer { lock.unlock() }
        stopLocked(signal: SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        repeat {
            if try startLocked() { return }
            usleep(200_000)
        } while Date() < deadline
        throw DaemonError(
            "osrm-routed did not restart on port \(port): \(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(2000))")
    }

    /// A plain HTTP/1.0 GET of `pathAndQuery` on this server over a raw socket (no HTTP client library), for
    /// comparing what a client reads with what osrm-routed itself says.
    public func get(_ pathAndQuery: String, timeoutSeconds: Int = 5) throws -> (status: Int, body: String) {
        guard let reply = Self.httpGet(port: port, pathAndQuery: pathAndQuery, timeoutSeconds: timeoutSeconds) else {
            throw DaemonError("GET \(pathAndQuery) on 127.0.0.1:\(port) got no HTTP answer")
        }
        return reply
    }

    // MARK: - Process

    /// Spawns osrm-routed on `port` and waits until it answers HTTP; false if it exited first (port taken).
    private func startLocked() throws -> Bool {
        // Own process group, output to its log, a watchdog for when the test process dies (``ServerLifeline``).
        pid = try ChildProcess.spawn(
            binDirectory + "/osrm-routed",
            [
                "-i", "127.0.0.1", "-p", String(port), "--algorithm", "ch", "--max-table-size", "1000", "-t", "2",
                dataPath,
            ], stdin: .devNull, stdout: .file(logPath), stderr: .sameAsStdout, newProcessGroup: true)
        watchdog = try ServerLifeline.killGroupOnExit(pid)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            // osrm-routed answers any URL with its JSON envelope; something else on the port would not.
            if let reply = Self.httpGet(port: port, pathAndQuery: "/", timeoutSeconds: 1), reply.body.contains("\"code\"") {
                return true
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                ServerLifeline.dismiss(watchdog, group: pid)
                watchdog = 0
                pid = 0
                return false
            }
            usleep(20_000)
        }
        stopLocked(signal: SIGKILL)
        return false
    }

    private func stopLocked(signal: Int32) {
        guard pid > 0 else { return }
        kill(pid, signal)
        var status: Int32 = 0
        var waited = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r == -1 && errno != EINTR) { break }
            if waited == 200 { kill(pid, SIGKILL) }
            usleep(10_000)
            waited += 1
        }
        ServerLifeline.dismiss(watchdog, group: pid)
        watchdog = 0
        pid = 0
    }

    // MARK: - Installation and preparation

    /// The repository root (see ``RepositoryRoot``); it holds `scripts/install-osrm.sh`.
    public static func repositoryRoot() throws -> URL {
        guard let root = RepositoryRoot.find() else { throw DaemonError("no repository root above \(#filePath)") }
        return root
    }

    /// An OSM extract for tests: `fixtures/osm/<name>` in the repository, else `../shared/osm` beside the checkout.
    public static func osmFixture(_ name: String = "monaco.osm.pbf") throws -> String {
        let root = try repositoryRoot()
        let candidates = [
            root.path + "/fixtures/osm/" + name,
            root.deletingLastPathComponent().path + "/shared/osm/" + name,
        ]
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DaemonError("\(name) not found in \(candidates)")
        }
        return path
    }

    /// `$GEOFLEET_OSRM_BIN`, or the wheel's bin dir in `.venv-osrm/`, installing it first when missing.
    static func binDirectory() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["GEOFLEET_OSRM_BIN"], !dir.isEmpty { return dir }
        let root = try repositoryRoot().path
        if let dir = installedBinDirectory(root: root) { return dir }
        // One installer at a time, across parallel tests and processes: pip into a half-made venv fails.
        return try withFileLock(cacheRoot() + "/install.lock") {
            if let dir = installedBinDirectory(root: root) { return dir }
            let result = try ChildProcess.run("/bin/bash", [root + "/scripts/install-osrm.sh", "--print-bin"])
            let lastLine = result.output.split(separator: "\n").last.map(String.init) ?? ""
            guard result.status == 0, FileManager.default.isExecutableFile(atPath: lastLine + "/osrm-routed") else {
                throw DaemonError("scripts/install-osrm.sh failed (\(result.status)): \(result.output.suffix(2000))")
            }
            return lastLine
        }
    }

    private static func installedBinDirectory(root: String) -> String? {
        let lib = root + "/.venv-osrm/lib"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
        for version in versions.sorted() where version.hasPrefix("python3") {
            let dir = "\(lib)/\(version)/site-packages/osrm/bin"
            if FileManager.default.isExecutableFile(atPath: dir + "/osrm-routed") { return dir }
        }
        return nil
    }

    static func cacheRoot() throws -> String {
        let root = NSTemporaryDirectory() + "geofleet-osrm-cache"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// The prepared `.osrm` base path for `pbf`, made on first use. Keyed by content (sha256), profile and
    /// OSRM version: the same file under another path shares the cache, and a new OSRM does not read old files.
    static func prepare(pbf: String, profile: String, bin: String) throws -> String {
        let profilePath = URL(fileURLWithPath: bin).deletingLastPathComponent().path + "/share/profiles/\(profile).lua"
        guard FileManager.default.fileExists(atPath: profilePath) else { throw DaemonError("no OSRM profile at \(profilePath)") }
        let sha = try ChildProcess.run("/usr/bin/sha256sum", [pbf])
        guard sha.status == 0, let digest = sha.output.split(separator: " ").first, digest.count == 64 else {
            throw DaemonError("sha256sum \(pbf) failed: \(sha.output)")
        }
        let version = try ChildProcess.run(bin + "/osrm-routed", ["--version"])
        let versionTag = version.output.trimmingCharacters(in: .whitespacesAndNewlines).filter { $0.isLetter || $0.isNumber || $0 == "." }
        var name = URL(fileURLWithPath: pbf).lastPathComponent
        for suffix in [".osm.pbf", ".pbf"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        let cache = try cacheRoot()
        let key = "\(digest.prefix(16))-\(profile)-\(versionTag)"
        let final = "\(cache)/\(key)"
        let dataPath = "\(final)/\(name).osrm"
        if FileManager.default.fileExists(atPath: final) { return dataPath }
        return try withFileLock("\(cache)/\(key).lock") {
            if FileManager.default.fileExists(atPath: final) { return dataPath }
            // Built aside and renamed into place: the final folder exists only when it is complete.
            let work = "\(cache)/\(key).tmp-\(getpid())-\(UUIDString.random())"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let input = "\(work)/\(name).osm.pbf"
            try FileManager.default.copyItem(atPath: pbf, toPath: input)
            let extract = try ChildProcess.run(bin + "/osrm-extract", ["-p", profilePath, "-t", "1", input])
            guard extract.status == 0 else { throw DaemonError("osrm-extract failed (\(extract.status)): \(extract.output.suffix(2000))") }
            let contract = try ChildProcess.run(bin + "/osrm-contract", ["-t", "1", "\(work)/\(name).osrm"])
            guard contract.status == 0 else { throw DaemonError("osrm-contract failed (\(contract.status)): \(contract.output.suffix(2000))") }
            try FileManager.default.removeItem(atPath: input)
            guard rename(work, final) == 0 else { throw DaemonError("rename \(work) → \(final): \(String(cString: strerror(errno)))") }
            return dataPath
        }
    }

    /// Runs `body` holding an exclusive flock on `path` (which blocks: call off the cooperative pool).
    static func withFileLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DaemonError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw DaemonError("flock \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    // MARK: - Raw HTTP

    /// GET over a blocking socket (SOCK_CLOEXEC, so children spawned meanwhile do not inherit it); nil when
    /// nothing that looks like HTTP came back in time.
    static func httpGet(port: Int, pathAndQuery: String, timeoutSeconds: Int) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(pathAndQuery) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return nil }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                response += buffer[0..<n]
                if let complete = Self.parse(response), complete.done { return (complete.status, complete.body) }
            } else if n == 0 {
                break
            } else if errno != EINTR {
                break
            }
        }
        guard let parsed = Self.parse(response) else { return nil }
        return (parsed.status, parsed.body)
    }

    /// Status and body of a response read so far; `done` once Content-Length bytes of body are in.
    private static func parse(_ bytes: [UInt8]) -> (status: Int, body: String, done: Bool)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = bytes.indices.dropLast(3).first(where: { bytes[$0..<($0 + 4)].elementsEqual(separator) }) else {
            return nil
        }
        let head = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        let body = Array(bytes[(headerEnd + 4)...])
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        return (status, String(decoding: body, as: UTF8.self), length.map { body.count >= $0 } ?? false)
    }
}
