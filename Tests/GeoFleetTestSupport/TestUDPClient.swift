import Foundation
import GeoFleetPlatform
#if canImport(Glibc)
import Glibc
#endif

/// A device's side of UDP, for tests: send a datagram, wait for one reply with a timeout.
public final class TestUDPClient: @unchecked Sendable {
    // A plain socket owned by this object alone; tests use one client from one task at a time.
    private let fd: Int32
    private var server = sockaddr_in()

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket() failed: errno \(errno)") }
        server.sin_family = sa_family_t(AF_INET)
        server.sin_port = in_port_t(UInt16(port).bigEndian)
        server.sin_addr.s_addr = inet_addr("127.0.0.1")
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        let sent = withUnsafePointer(to: &server) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard sent == bytes.count else { throw DaemonError("sendto() failed: errno \(errno)") }
    }

    /// The next datagram received within `timeout`, or nil. Waits off the cooperative pool.
    public func receive(timeout: Duration = .seconds(15)) async -> [UInt8]? {
        await Blocking.run { self.receiveBlocking(timeout: timeout) }
    }

    private func receiveBlocking(timeout: Duration) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, ms) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n >= 0 ? Array(buffer.prefix(n)) : nil
    }
}
