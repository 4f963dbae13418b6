import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// Servers a test starts (PostgreSQL, Redis, geofleetd, osrm-routed) must not outlive the test
/// process, however it dies: a leftover kept `swift test`'s output pipe open and the run hung.
///
/// Each server gets a watchdog: `sh` blocked reading a pipe whose only write end is held by this
/// process (close-on-exec, so no other child inherits it). The kernel closes it when this process
/// ends, even by SIGKILL; the read returns and the watchdog takes the server down. Why not
/// `PR_SET_PDEATHSIG` (`setpriv --pdeathsig`): it fires when the spawning *thread* exits, and
/// Swift's pool threads come and go, so servers would die mid-test; and a postmaster started by
/// `pg_ctl` is not our child at all.
public enum ServerLifeline {
    /// (read, write); both close-on-exec. Never closed: its end is this process's end.
    private static let pipeEnds: (read: Int32, write: Int32) = {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe: \(String(cString: strerror(errno)))")
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }()

    /// Starts a watchdog that runs `command` (sh) once this process is gone; returns its pid, for
    /// ``dismiss(_:)``. Its output goes nowhere, so it never holds the test runner's pipe.
    public static func onExit(run command: String) throws -> pid_t {
        try ChildProcess.spawn(
            "/bin/sh", ["-c", "read -r _; " + command], stdin: .fd(pipeEnds.read), stdout: .devNull, stderr: .devNull,
            newProcessGroup: true)
    }

    /// Starts a watchdog that kills process group `group` (SIGKILL) once this process is gone, and
    /// lists the group for `scripts/test.sh` (`GEOFLEET_TEST_PGROUP_DIR`), which kills what is left.
    public static func killGroupOnExit(_ group: pid_t) throws -> pid_t {
        if let dir = groupDirectory {
            _ = FileManager.default.createFile(atPath: dir + "/\(group)", contents: nil)
        }
        return try onExit(run: "kill -KILL -\(group)")
    }

    /// Stops a watchdog whose server was stopped normally, and unlists the server's group.
    public static func dismiss(_ watchdog: pid_t, group: pid_t? = nil) {
        guard watchdog > 0 else { return }
        kill(watchdog, SIGKILL)
        _ = ChildProcess.exitStatus(waitingFor: watchdog)
        if let group, let dir = groupDirectory { unlink(dir + "/\(group)") }
    }

    private static var groupDirectory: String? {
        guard let dir = ProcessInfo.processInfo.environment["GEOFLEET_TEST_PGROUP_DIR"], !dir.isEmpty else { return nil }
        return FileManager.default.fileExists(atPath: dir) ? dir : nil
    }
}
