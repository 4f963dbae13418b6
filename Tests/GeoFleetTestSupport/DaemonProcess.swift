import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// A `geofleetd` child process for crash tests: started with posix_spawn, killed with any signal.
public final class DaemonProcess: Sendable {
    public let pid: pid_t
    public let logPath: String
    private let watchdog: pid_t

    /// The built executable next to the test bundle (`swift build --build-tests` builds both).
    public static func executable(_ name: String) throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let path = dir + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw DaemonError("\(path) not found: build it first (swift build --build-tests)")
        }
        return path
    }

    /// Started in a process group of its own with its output in `logPath`, and watched: it is killed
    /// when the test process dies before stopping it (``ServerLifeline``).
    public init(executable: String, environment: [String: String], logPath: String) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let pid = try ChildProcess.spawn(
            executable, [], stdin: .devNull, stdout: .appendFile(logPath), stderr: .sameAsStdout,
            environment: env, newProcessGroup: true)
        self.pid = pid
        self.logPath = logPath
        do {
            watchdog = try ServerLifeline.killGroupOnExit(pid)
        } catch {
            kill(pid, SIGKILL)
            _ = ChildProcess.exitStatus(waitingFor: pid)
            throw error
        }
    }

    /// Sends `signal` and reaps the process; returns its wait status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async -> Int32 {
        kill(pid, signal)
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || r == -1 {
                ServerLifeline.dismiss(watchdog, group: pid)
                return status
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        ServerLifeline.dismiss(watchdog, group: pid)
        return status
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// A daemon that could not be started or found.
public struct DaemonError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A TCP port that was free a moment ago on 127.0.0.1.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
