import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
import GeoFleetPlatform
#endif

/// Silent, slow and oversized device connections are cut off; idle connections stay cheap.
@Suite(.serialized) struct ConnectionLimitTests {
    @Test func silentAndTricklingDevicesAreTimedOut() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.idleTimeoutSeconds = 1 })
        let silent = try await TestDeviceClient.connect(port: harness.devicePort)
        let trickling = try await TestDeviceClient.connect(port: harness.gt06Port)
        // A GT06 7979 frame declaring 1,000 bytes, sent one byte every 200 ms: bytes keep coming, but no
        // frame completes within the timeout.
        let header: [UInt8] = [0x79, 0x79, 0x03, 0xE8, 0x94]
        var closed = false
        for index in 0..<1000 {
            try? await trickling.send([index < header.count ? header[index] : 0x00])
            if await trickling.waitForClose(timeout: .milliseconds(200)) { closed = true; break }
        }
        #expect(closed, "a device trickling a frame byte by byte is cut off")
        #expect(await silent.waitForClose(timeout: .seconds(30)), "a silent device is cut off")
        await silent.close()
        await trickling.close()
        try await harness.stop()
    }

    @Test func oversizedLengthsCloseOnlyThatConnection() async throws {
        let harness = try await EngineHarness.start()
        _ = try await harness.addVehicle(token: try await harness.token("limits"), plate: "B-300-LIM", imei: "356307042441013")
        let bystander = try await TestDeviceClient.connect(port: harness.gt06Port)

        let gt06 = try await TestDeviceClient.connect(port: harness.gt06Port)
        try await gt06.send([0x79, 0x79, 0xFF, 0xFF, 0x01])
        #expect(await gt06.waitForClose(), "a GT06 7979 length beyond the limit closes the connection at once")

        let ruptela = try await TestDeviceClient.connect(port: harness.ruptelaPort)
        try await ruptela.send([0xFF, 0xFF, 0x00, 0x03])
        #expect(await ruptela.waitForClose(), "a Ruptela length beyond the limit closes the connection at once")

        let teltonika = try await TestDeviceClient.connect(port: harness.devicePort)
        try await teltonika.send(Teltonika.encodeIMEI("356307042441013"))
        #expect(try await teltonika.read(1) == [0x01])
        try await teltonika.send([0x00, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(await teltonika.waitForClose(), "a Teltonika data length beyond the limit closes the connection at once")

        // The bystander's connection is untouched: it can still log in (and is refused only as unknown).
        try await bystander.send([UInt8](hex: "78780D01012345678901234500018CDD0D0A")!)
        #expect(await bystander.waitForClose(), "unknown device: closed without a reply")
        try await harness.stop()
    }

    @Test("10,000 idle device connections cost geofleetd less than 200 MB")
    func tenThousandIdleConnections() async throws {
        // Both ends live on this machine: raise the descriptor limit for us and the daemon (we run as root in CI).
        var limit = rlimit(rlim_cur: 65_536, rlim_max: 65_536)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            try #require(limit.rlim_cur >= 10_500, "need 10,500 file descriptors, have \(limit.rlim_cur)")
        }
        let executable = try DaemonProcess.executable("geofleetd")
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let dataDir = FileManager.default.temporaryDirectory.path + "/geofleet-idle-\(UUIDString.short())"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let httpPort = freePort(), devicePort = freePort()
        let daemon = try DaemonProcess(
            executable: executable,
            environment: [
                "GEOFLEET_DATA_DIR": dataDir, "GEOFLEET_DATABASE_URL": endpoint.description, "GEOFLEET_BIND": "127.0.0.1",
                "GEOFLEET_HTTP_PORT": "\(httpPort)", "GEOFLEET_TELTONIKA_PORT": "\(devicePort)",
                "GEOFLEET_GT06_PORT": "0", "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0",
                "GEOFLEET_JWT_SECRET": EngineHarness.secret,
                // Every socket comes from 127.0.0.1 here: lift the per-IP cap above the 10,200 opened.
                "GEOFLEET_MAX_CONNECTIONS_PER_IP": "20000",
            ], logPath: dataDir + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: httpPort, daemon: daemon)
        // Warm up the paths a connection uses, so the baseline holds the code and pools every connection shares.
        var warm: [Int32] = []
        for _ in 0..<200 { warm.append(try await Blocking.run { try Self.connect(port: devicePort) }) }
        try await Self.waitForOpenConnections(200, httpPort: httpPort)
        let before = try Self.residentBytes(pid: daemon.pid)

        let sockets = try await Blocking.run { try (0..<10_000).map { _ in try Self.connect(port: devicePort) } }
        try await Self.waitForOpenConnections(10_200, httpPort: httpPort)
        try await Task.sleep(for: .seconds(1))
        let after = try Self.residentBytes(pid: daemon.pid)
        let perConnection = Double(after - before) / 10_000
        print("10,000 idle connections: RSS \(before >> 20) MiB -> \(after >> 20) MiB, \(Int(perConnection)) bytes each")
        #expect(after - before < 200 << 20, "10,000 idle connections took \((after - before) >> 20) MiB")

        for fd in sockets + warm { close(fd) }
        #expect(await daemon.stop(signal: SIGTERM) == 0)
    }

    static func connect(port: Int) throws -> Int32 {
        // Close-on-exec: child processes (pg_ctl, geofleetd) must not inherit ten thousand sockets.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw HarnessError("connect() failed: errno \(errno)") }
        return fd
    }

    static func residentBytes(pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else {
            throw HarnessError("no VmRSS for \(pid)")
        }
        return kb * 1024
    }

    /// Waits until geofleetd's open-connection gauge reaches `count`.
    static func waitForOpenConnections(_ count: Int, httpPort: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var last = ""
        while ContinuousClock.now < deadline {
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(httpPort)/metrics")!)
            let text = String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("geofleet_device_connections_open{") && $0.contains("teltonika\"") }
            ) {
                last = String(line)
                if let value = Double(line.split(separator: " ").last ?? ""), Int(value) >= count { return }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("open connections did not reach \(count); last: \(last)")
    }
}
