import ArgumentParser
import Atomics
import Foundation
import GeoFleetPlatform
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// `geofleet-bench simulate`: N Teltonika devices over TCP against a running geofleetd; reports acknowledged
/// positions/s and ACK latency. Optionally measures raw COPY into `positions` afterwards (the anchor).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Drive simulated Teltonika devices against geofleetd and report throughput and ACK latency.",
        discussion: """
            Unknown IMEIs are refused unless geofleetd runs with GEOFLEET_AUTO_REGISTER=true.
            The summary is printed last, one `key: value` per line.
            """)

    @Option(help: "geofleetd host.") var host: String = "127.0.0.1"
    @Option(help: "geofleetd Teltonika TCP port.") var port: Int = 5027
    @Option(help: "Number of simulated devices (one TCP connection or UDP socket each).") var devices: Int = 100
    @Option(name: .customLong("udp-devices"), help: "How many of the devices send Teltonika UDP datagrams (to the same port) instead of TCP.")
    var udpDevices: Int = 0
    @Option(help: "Total offered positions per second over all devices.") var rate: Double = 10_000
    @Option(help: "Seconds of sending, after all devices have connected.") var duration: Double = 30
    @Option(name: .customLong("records-per-packet"), help: "AVL records per Codec 8 packet (1...255).") var recordsPerPacket: Int = 10
    @Option(name: .customLong("imei-base"), help: "Device i uses IMEI imei-base + i.") var imeiBase: Int = 350_000_000_000_000
    @Option(help: "Seconds between progress lines.") var progress: Double = 5
    @Option(help: "Connections opened concurrently while connecting.") var connectConcurrency: Int = 200
    @Option(name: .customLong("copy-anchor"), help: "After the run, COPY this many rows straight into positions and report the rate (0: off).")
    var copyAnchor: Int = 0
    @Option(
        name: .customLong("copy-anchor-streams"), help: "Parallel psql \\copy streams of the second anchor (the daemon's GEOFLEET_WRITER_STREAMS).")
    var copyAnchorStreams: Int = 2
    @Flag(help: "Speak TLS to the port (a GEOFLEET_TELTONIKA_TLS_PORT); TCP devices only.") var tls = false
    @Option(help: "With --tls: PEM of the CA to trust (default: the system's roots).") var ca: String?
    @Option(
        name: .customLong("tls-server-name"),
        help: "With --tls: the name the server certificate must carry (also sent as SNI); unset: the chain is checked, not the name.")
    var tlsServerName: String?

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1...65535") }
        guard devices > 0 else { throw ValidationError("--devices must be positive") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        guard (0...devices).contains(udpDevices) else { throw ValidationError("--udp-devices must be 0...--devices") }
        guard duration > 0 else { throw ValidationError("--duration must be positive") }
        guard (1...255).contains(recordsPerPacket) else { throw ValidationError("--records-per-packet must be 1...255") }
        guard imeiBase >= 0, String(imeiBase + devices - 1).count <= 17, String(imeiBase).count >= 15 else {
            throw ValidationError("--imei-base + i must be a 15...17 digit IMEI")
        }
        guard progress > 0 else { throw ValidationError("--progress must be positive") }
        guard connectConcurrency > 0 else { throw ValidationError("--connect-concurrency must be positive") }
        guard copyAnchor >= 0 else { throw ValidationError("--copy-anchor must be >= 0") }
        guard (1...64).contains(copyAnchorStreams) else { throw ValidationError("--copy-anchor-streams must be 1...64") }
        guard !tls || udpDevices == 0 else { throw ValidationError("--tls is for TCP devices: --udp-devices must be 0") }
        guard tls || (ca == nil && tlsServerName == nil) else { throw ValidationError("--ca and --tls-server-name need --tls") }
    }

    func run() async throws {
        let stats = SimulationStats()
        let group = MultiThreadedEventLoopGroup.singleton
        // Each device sends K records every N*K/R seconds.
        let intervalSeconds = Double(devices) * Double(recordsPerPacket) / rate
        let interval = TimeAmount.nanoseconds(Int64(intervalSeconds * 1e9))
        let fixTimeStart = WallClock.nowMilliseconds() - 600_000
        let runStartDate = Date()

        let tlsContext: NIOSSLContext? = try tls ? makeTLSContext() : nil
        say(
            "simulate: \(devices) devices -> \(host):\(port)\(tls ? " (TLS)" : ""), \(Int(rate)) positions/s offered, \(recordsPerPacket) records/packet, "
                + "one packet per device every \(String(format: "%.3f", intervalSeconds)) s, \(duration) s")

        // 1. Connect and hand-shake every device, a bounded number at a time.
        let connectStarted = ContinuousClock.now
        let channels = await connectAll(stats: stats, group: group, interval: interval, fixTimeStart: fixTimeStart, tls: tlsContext)
        let connectSeconds = (ContinuousClock.now - connectStarted).seconds
        say(
            "connected \(channels.count)/\(devices) devices in \(String(format: "%.1f", connectSeconds)) s "
                + "(refused \(stats.refusedDevices.value), failed \(stats.failedConnections.value))")

        // 2. The measured run.
        let grace = TimeAmount.seconds(10)
        let start = NIODeadline.now() + .milliseconds(100)
        let end = start + .nanoseconds(Int64(duration * 1e9))
        for (i, channel) in channels.enumerated() {
            let phase = TimeAmount.nanoseconds(interval.nanoseconds * Int64(i) / Int64(max(1, channels.count)))
            channel.pipeline.fireUserInboundEventTriggered(StartSending(firstSend: start + phase, end: end, grace: grace))
        }
        let reporter = Task { await report(stats: stats, start: start, end: end) }
        for channel in channels {
            try? await channel.closeFuture.get()
        }
        reporter.cancel()
        _ = await reporter.result
        let finished = NIODeadline.now()

        // 3. Summary numbers.
        let acked = stats.positionsAcknowledged.value
        let lastAck = stats.lastAckNanos.value
        let windowNanos = max(Int64(duration * 1e9), lastAck > 0 ? Int64(lastAck) - Int64(start.uptimeNanoseconds) : 0)
        let measuredSeconds = Double(windowNanos) / 1e9
        let counts = stats.latencyMicros.snapshot()
        let h = stats.latencyMicros
        var summary: [(String, String)] = [
            ("devices", "\(devices)"),
            ("transport", tls ? "tls" : "tcp"),
            ("connected_devices", "\(channels.count)"),
            ("refused_devices", "\(stats.refusedDevices.value)"),
            ("failed_connections", "\(stats.failedConnections.value)"),
            ("connect_seconds", format(connectSeconds, 1)),
            ("offered_positions_per_second", "\(Int(rate))"),
            ("records_per_packet", "\(recordsPerPacket)"),
            ("measured_seconds", format(measuredSeconds, 2)),
            ("packets_sent", "\(stats.packetsSent.value)"),
            ("packets_acknowledged", "\(stats.packetsAcknowledged.value)"),
            ("positions_sent", "\(stats.positionsSent.value)"),
            ("positions_acknowledged", "\(acked)"),
            ("acknowledged_positions_per_second", "\(Int((Double(acked) / measuredSeconds).rounded()))"),
            ("ack_latency_p50_ms", format(h.quantile(0.50, of: counts) / 1000, 2)),
            ("ack_latency_p99_ms", format(h.quantile(0.99, of: counts) / 1000, 2)),
            ("ack_latency_p999_ms", format(h.quantile(0.999, of: counts) / 1000, 2)),
            ("ack_latency_max_ms", format(Double(h.max) / 1000, 2)),
            ("ack_count_mismatches", "\(stats.ackCountMismatches.value)"),
            ("late_sends", "\(stats.lateSends.value)"),
            ("disconnected_devices", "\(stats.disconnectedDevices.value)"),
            ("unacknowledged_packets", "\(stats.unacknowledgedPackets.value)"),
        ]
        _ = finished

        // 4. The raw-COPY anchor, against the daemon's database.
        var anchorFailed = false
        if copyAnchor > 0 {
            do {
                summary += try await runAnchor(since: runStartDate, sendingSeconds: measuredSeconds)
            } catch {
                anchorFailed = true
                say("copy anchor failed: \(String(reflecting: error))")
                summary.append(("raw_copy_error", "\(error)"))
            }
        }

        say("--- summary ---")
        for (key, value) in summary { say("\(key): \(value)") }
        if acked == 0 {
            say("nothing was acknowledged")
            throw ExitCode(1)
        }
        if anchorFailed { throw ExitCode(2) }
    }

    /// The client side of `--tls`: `--ca` trusted, the name checked only with `--tls-server-name`.
    private func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let ca { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        if tlsServerName == nil { configuration.certificateVerification = .noHostnameVerification }
        return try NIOSSLContext(configuration: configuration)
    }

    private func connectAll(
        stats: SimulationStats, group: any EventLoopGroup, interval: TimeAmount, fixTimeStart: Int64, tls: NIOSSLContext?
    ) async -> [any Channel] {
        let host = host, port = port, k = recordsPerPacket, imeiBase = imeiBase, firstUDP = devices - udpDevices
        let serverName = tlsServerName
        return await withTaskGroup(of: (any Channel)?.self) { tasks in
            var channels: [any Channel] = []
            channels.reserveCapacity(devices)
            var next = 0
            func add() {
                let index = next
                next += 1
                tasks.addTask {
                    await Self.connect(
                        index: index, imei: String(imeiBase + index), transport: index >= firstUDP ? .udp : .tcp,
                        host: host, port: port, recordsPerPacket: k,
                        interval: interval, fixTimeStart: fixTimeStart, stats: stats, group: group, tls: tls, serverName: serverName)
                }
            }
            while next < min(devices, connectConcurrency) { add() }
            for await channel in tasks {
                if let channel { channels.append(channel) }
                if next < devices { add() }
            }
            return channels
        }
    }

    /// One device's connection and IMEI handshake; nil when refused or failed.
    private static func connect(
        index: Int, imei: String, transport: SimulatedTransport, host: String, port: Int, recordsPerPacket: Int, interval: TimeAmount,
        fixTimeStart: Int64, stats: SimulationStats, group: any EventLoopGroup, tls: NIOSSLContext?, serverName: String?
    ) async -> (any Channel)? {
        let loop = group.next()
        let handshake = loop.makePromise(of: Bool.self)
        do {
            let channel: any Channel
            if transport == .udp {
                let remote = try SocketAddress.makeAddressResolvingHost(host, port: port)
                channel = try await DatagramBootstrap(group: loop)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandlers([
                                DatagramUnwrapper(remote: remote),
                                SimulatedDeviceHandler(
                                    index: index, imei: imei, transport: .udp, recordsPerPacket: recordsPerPacket, interval: interval,
                                    fixTimeStart: fixTimeStart, stats: stats, handshake: handshake),
                            ])
                        }
                    }
                    .bind(host: remote.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
            } else {
                channel = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(10))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let tls {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                            }
                            try channel.pipeline.syncOperations.addHandler(
                                SimulatedDeviceHandler(
                                    index: index, imei: imei, recordsPerPacket: recordsPerPacket, interval: interval,
                                    fixTimeStart: fixTimeStart, stats: stats, handshake: handshake))
                        }
                    }
                    .connect(host: host, port: port).get()
            }
            do {
                if try await handshake.futureResult.get() { return channel }
                return nil // refused, already counted and closed
            } catch {
                stats.failedConnections.add()
                try? await channel.close()
                return nil
            }
        } catch {
            handshake.fail(error)
            if stats.failedConnections.loadThenWrappingIncrement(ordering: .relaxed) < 5 {
                FileHandle.standardError.write(Data("device \(imei): \(error)\n".utf8))
            }
            return nil
        }
    }

    /// A progress line every `progress` seconds until cancelled.
    private func report(stats: SimulationStats, start: NIODeadline, end: NIODeadline) async {
        var lastPositions = 0
        var lastCounts = stats.latencyMicros.snapshot()
        var lastTime = NIODeadline.now()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(progress))
            if Task.isCancelled { return }
            let now = NIODeadline.now()
            let positions = stats.positionsAcknowledged.value
            let counts = stats.latencyMicros.snapshot()
            let window = LatencyHistogram.difference(counts, lastCounts)
            let seconds = Double((now - lastTime).nanoseconds) / 1e9
            let inFlight = stats.packetsSent.value - stats.packetsAcknowledged.value - stats.unacknowledgedPackets.value
            let h = stats.latencyMicros
            say(
                String(
                    format: "[%6.1fs] %8.0f pos/s acked  total %d  in-flight %d  p50 %.2f ms  p99 %.2f ms  late %d  unacked %d  disconnected %d",
                    Double((now - start).nanoseconds) / 1e9, Double(positions - lastPositions) / seconds, positions, inFlight,
                    h.quantile(0.5, of: window) / 1000, h.quantile(0.99, of: window) / 1000,
                    stats.lateSends.value, stats.unacknowledgedPackets.value, stats.disconnectedDevices.value))
            lastPositions = positions
            lastCounts = counts
            lastTime = now
        }
    }

    private func runAnchor(since: Date, sendingSeconds: Double) async throws -> [(String, String)] {
        var logger = Logger(label: "geofleet.simulate.copy")
        logger.logLevel = .error
        let anchor = CopyAnchor(endpoint: try CopyAnchor.endpointFromEnvironment(), logger: logger)
        say("copy anchor: connecting to \(anchor.endpoint)")
        let connection = try await anchor.connect()
        do {
            say("copy anchor: waiting for geofleetd to commit its backlog to PostGIS")
            let drain = try await anchor.waitForDaemonDrain(on: connection)
            let committed = try await anchor.committedRows(since: since, on: connection)
            // From the first position sent to the last one committed.
            let commitRate = Double(committed) / (sendingSeconds + drain)
            say("copy anchor: drained after \(format(drain, 1)) s, \(committed) device rows committed (\(Int(commitRate)) rows/s)")
            let directory = FileManager.default.temporaryDirectory.path
            let single = try await anchor.run(rows: copyAnchor, streams: 1, directory: directory, on: connection) { say($0) }
            say("copy anchor (a), 1 stream: \(Int(single.rowsPerSecond)) rows/s")
            let parallel = try await anchor.run(rows: copyAnchor, streams: copyAnchorStreams, directory: directory, on: connection) { say($0) }
            say("copy anchor (b), \(copyAnchorStreams) streams: \(Int(parallel.rowsPerSecond)) rows/s")
            try? await connection.close()
            return [
                ("postgis_drain_seconds", format(drain, 1)),
                ("postgis_rows_committed", "\(committed)"),
                ("postgis_commit_rows_per_second", "\(Int(commitRate.rounded()))"),
                ("raw_copy_rows", "\(single.rows)"),
                ("raw_copy_rows_per_second", "\(Int(single.rowsPerSecond.rounded()))"),
                ("raw_copy_streams", "\(parallel.streams)"),
                ("raw_copy_parallel_rows_per_second", "\(Int(parallel.rowsPerSecond.rounded()))"),
                ("raw_copy_delete_seconds", format(parallel.deleteSeconds, 1)),
                ("commit_to_parallel_copy_ratio", format(parallel.rowsPerSecond > 0 ? commitRate / parallel.rowsPerSecond : 0, 3)),
            ]
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Unbuffered, so progress shows up at once when piped.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
