import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A device's side of a TCP connection, for tests: send bytes, read exactly n bytes with a timeout.
public final class TestDeviceClient: Sendable {
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    public let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// With `tls`, the connection speaks TLS to a server named `serverHostname` (a failed handshake closes it).
    public static func connect(
        host: String = "127.0.0.1", port: Int, tls: NIOSSLContext? = nil, serverHostname: String = "localhost"
    ) async throws -> TestDeviceClient {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: host, port: port)
            .get()
        return TestDeviceClient(channel: channel, collector: collector)
    }

    /// The serial number of the server's certificate (TLS connections), once the handshake is done; nil if
    /// it did not finish within `timeout`.
    public func peerCertificateSerial(timeout: Duration = .seconds(10)) async throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let certificate = try await channel.nioSSL_peerCertificate().get() { return certificate.serialNumber }
            if collector.state.withLock({ $0.closed }) { return nil }
            try await Task.sleep(for: .milliseconds(10))
        } while ContinuousClock.now < deadline
        return nil
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Exactly `count` bytes, or nil if they did not arrive within `timeout` (or the connection closed first).
    public func read(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let taken = take(count) { return taken }
            if collector.state.withLock({ $0.closed }) { return nil }
            try await Task.sleep(for: .milliseconds(2))
        }
        // One last look: a starved test task may wake only after the deadline, with the bytes long there.
        return take(count)
    }

    private func take(_ count: Int) -> [UInt8]? {
        collector.state.withLock { s in
            guard s.bytes.count >= count else { return nil }
            let head = Array(s.bytes.prefix(count))
            s.bytes.removeFirst(count)
            return head
        }
    }

    /// True once the server has closed the connection (within `timeout`).
    public func waitForClose(timeout: Duration = .seconds(15)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.state.withLock({ $0.closed }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        // One last look, for a task that woke only after the deadline.
        return collector.state.withLock { $0.closed }
    }

    public func close() async {
        try? await channel.close()
    }
}
