import Foundation
import GeoFleetCore
import GeoFleetProtocols
import NIOCore

/// One vehicle driving around Romania: every record has a fix time 1 ms after the previous one
/// and a position a few metres further along a slowly wandering heading.
struct VehicleTrack {
    // Romania's bounding box, slightly inset.
    static let latitudes = 43.8...48.1
    static let longitudes = 20.5...29.5

    var rng: SeededGenerator
    var latitude: Double
    var longitude: Double
    var heading: Double
    var speed: UInt16
    var nextFixTime: Int64

    init(index: Int, startTime: Int64) {
        rng = SeededGenerator(seed: 0x6E0F_1EE7 &+ UInt64(index) &* 0x1000_0001)
        latitude = Double.random(in: Self.latitudes, using: &rng)
        longitude = Double.random(in: Self.longitudes, using: &rng)
        heading = Double.random(in: 0..<360, using: &rng)
        speed = UInt16.random(in: 30...90, using: &rng)
        nextFixTime = startTime
    }

    /// The next `count` records, each one second of driving further (fix times 1 ms apart).
    mutating func nextRecords(_ count: Int) -> [TeltonikaRecord] {
        var records: [TeltonikaRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            heading += Double.random(in: -8...8, using: &rng)
            let metres = Double(speed) / 3.6
            let radians = heading * .pi / 180
            latitude += metres * cos(radians) / 111_320
            longitude += metres * sin(radians) / (111_320 * cos(latitude * .pi / 180))
            if !Self.latitudes.contains(latitude) || !Self.longitudes.contains(longitude) {
                heading += 180
                latitude = min(max(latitude, Self.latitudes.lowerBound), Self.latitudes.upperBound)
                longitude = min(max(longitude, Self.longitudes.lowerBound), Self.longitudes.upperBound)
            }
            heading = heading.truncatingRemainder(dividingBy: 360)
            if heading < 0 { heading += 360 }
            speed = UInt16(clamping: Int(speed) + Int.random(in: -3...3, using: &rng))
            speed = min(max(speed, 10), 110)
            records.append(
                TeltonikaRecord(
                    timestamp: nextFixTime, priority: 0, longitude: longitude, latitude: latitude,
                    altitude: Int16(80 + Int(rng.next() % 40)), angle: UInt16(heading), satellites: UInt8(7 + rng.next() % 6),
                    speed: speed, eventIOID: 0,
                    io: [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 66, value: .unsigned(24_079, width: 2))]))
            nextFixTime += 1
        }
        return records
    }
}

/// Sent down a connected device's pipeline when the measured run begins.
struct StartSending: Sendable {
    /// When this device sends its first packet (devices are spread over one interval).
    var firstSend: NIODeadline
    /// When the run ends: no packet is sent after it.
    var end: NIODeadline
    /// How long to wait for the last ACK after `end` before closing.
    var grace: TimeAmount
}

/// How a simulated device reaches geofleetd.
enum SimulatedTransport: Sendable {
    /// A TCP connection: IMEI handshake, Codec 8 frames, 4-byte record-count ACKs.
    case tcp
    /// A connected UDP socket: self-contained datagrams, 7-byte ACKs echoing the packet ids.
    case udp
}

/// One simulated Teltonika device on one TCP connection or UDP socket. Lives on its channel's event loop.
///
/// TCP handshake: sends the IMEI packet and completes `handshake` with true on 0x01, false on 0x00;
/// UDP has none (the IMEI travels in every datagram), so `handshake` succeeds at once.
/// After `StartSending`: one Codec 8 packet of `recordsPerPacket` records every `interval`,
/// at most one unacknowledged, ACK latency measured from write to the 4-byte ACK.
final class SimulatedDeviceHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case handshaking
        case ready
        case running
        case draining
        case closed
    }

    private let imei: String
    private let transport: SimulatedTransport
    /// UDP: the packet id of the next datagram (echoed by the ACK).
    private var packetID: UInt16 = 0
    private let recordsPerPacket: Int
    private let interval: TimeAmount
    private let stats: SimulationStats
    private let handshake: EventLoopPromise<Bool>
    private var track: VehicleTrack
    private var state = State.handshaking
    private var inbound: ByteBuffer?
    private var context: ChannelHandlerContext?
    private var nextDue = NIODeadline.now()
    private var end = NIODeadline.distantFuture
    private var inFlightSince: NIODeadline?
    private var inFlightRecords = 0
    private var scheduled: Scheduled<Void>?
    private var handshakeTimeout: Scheduled<Void>?

    init(
        index: Int, imei: String, transport: SimulatedTransport = .tcp, recordsPerPacket: Int, interval: TimeAmount, fixTimeStart: Int64,
        stats: SimulationStats, handshake: EventLoopPromise<Bool>
    ) {
        self.imei = imei
        self.transport = transport
        self.recordsPerPacket = recordsPerPacket
        self.interval = interval
        self.stats = stats
        self.handshake = handshake
        track = VehicleTrack(index: index, startTime: fixTimeStart)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        if transport == .udp {
            state = .ready
            handshake.succeed(true)
            context.fireChannelActive()
            return
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: Teltonika.encodeIMEI(imei))), promise: nil)
        handshakeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(60)) {
            guard self.state == .handshaking else { return }
            self.handshake.fail(SimulationError.handshakeTimeout)
            self.close()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if inbound == nil || inbound!.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound!.writeBuffer(&bytes)
        }
        process()
    }

    private func process() {
        while var buffer = inbound {
            switch state {
            case .handshaking:
                guard let reply = buffer.readInteger(as: UInt8.self) else { return }
                inbound = buffer
                handshakeTimeout?.cancel()
                if reply == 1 {
                    state = .ready
                    stats.handshakesAccepted.add()
                    handshake.succeed(true)
                } else {
                    stats.refusedDevices.add()
                    handshake.succeed(false)
                    close()
                    return
                }
            case .ready, .running, .draining:
                guard transport == .udp else {
                    guard let acked = buffer.readInteger(as: UInt32.self) else { return }
                    inbound = buffer
                    acknowledged(Int(acked))
                    continue
                }
                // One ACK per datagram: length 5, packet id, type, AVL packet id, count.
                guard let ack = buffer.readBytes(length: 7) else { return }
                inbound = buffer
                let echoed = UInt16(ack[2]) << 8 | UInt16(ack[3])
                // A late ACK of an earlier datagram (after a resend) is not this one's.
                guard echoed == packetID &- 1 else { continue }
                acknowledged(Int(ack[6]))
            case .closed:
                inbound = nil
                return
            }
        }
    }

    private func acknowledged(_ count: Int) {
        guard let sentAt = inFlightSince else { return } // unsolicited: ignore
        let now = NIODeadline.now()
        inFlightSince = nil
        stats.latencyMicros.record(Int((now - sentAt).nanoseconds / 1000))
        stats.packetsAcknowledged.add()
        stats.positionsAcknowledged.add(count)
        stats.noteAck(atNanos: Int(now.uptimeNanoseconds))
        if count != inFlightRecords { stats.ackCountMismatches.add() }
        switch state {
        case .running:
            if now >= nextDue {
                // Late: the slot passed while we waited for this ACK. Send now and restart the schedule.
                stats.lateSends.add()
                nextDue = now
                send()
            }
        case .draining:
            close()
        default:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let start = event as? StartSending else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard state == .ready else { return }
        state = .running
        end = start.end
        nextDue = start.firstSend
        let loop = context.eventLoop.assumeIsolated()
        scheduled = loop.scheduleTask(deadline: nextDue) { self.tick() }
        loop.scheduleTask(deadline: start.end) { self.stop(grace: start.grace) }
    }

    /// A send slot: send if nothing is in flight (else the ACK handler sends when it comes).
    private func tick() {
        guard state == .running, inFlightSince == nil else { return }
        send()
    }

    private func send() {
        guard state == .running, let context, NIODeadline.now() < end else { return }
        let packet = TeltonikaAVLPacket(codec: .codec8, records: track.nextRecords(recordsPerPacket))
        let frame: [UInt8]
        switch transport {
        case .tcp:
            frame = Teltonika.encodeTCPFrame(packet)
        case .udp:
            frame = Teltonika.encodeUDPDatagram(
                packetID: packetID, avlPacketID: UInt8(truncatingIfNeeded: packetID), imei: imei,
                avlData: Teltonika.encodeAVLData(packet))
            packetID &+= 1
            // UDP may lose the datagram or its ACK: give up on it after a while and carry on.
            let sent = packetID
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(5)) {
                guard self.packetID == sent, self.inFlightSince != nil else { return }
                self.stats.unacknowledgedPackets.add()
                self.inFlightSince = nil
                if self.state == .draining { self.close() }
            }
        }
        inFlightRecords = recordsPerPacket
        inFlightSince = .now()
        stats.packetsSent.add()
        stats.positionsSent.add(recordsPerPacket)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: frame)), promise: nil)
        nextDue = nextDue + interval
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: nextDue) { self.tick() }
    }

    private func stop(grace: TimeAmount) {
        guard state == .running else { return }
        scheduled?.cancel()
        if inFlightSince == nil {
            close()
            return
        }
        state = .draining
        context?.eventLoop.assumeIsolated().scheduleTask(in: grace) { self.close() }
    }

    private func close() {
        guard state != .closed else { return }
        if inFlightSince != nil {
            stats.unacknowledgedPackets.add()
            inFlightSince = nil
        }
        state = .closed
        scheduled?.cancel()
        context?.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if state == .handshaking {
            handshakeTimeout?.cancel()
            handshake.fail(SimulationError.closedDuringHandshake)
        } else if state == .running || state == .ready {
            stats.disconnectedDevices.add()
        }
        close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }
}

/// Lets the device handler speak ByteBuffer on a connected UDP channel: unwraps received datagrams and
/// addresses written ones.
final class DatagramUnwrapper: ChannelDuplexHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let remote: SocketAddress

    init(remote: SocketAddress) { self.remote = remote }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(unwrapInboundIn(data).data))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: unwrapOutboundIn(data))), promise: promise)
    }
}

enum SimulationError: Error, CustomStringConvertible {
    case handshakeTimeout
    case closedDuringHandshake

    var description: String {
        switch self {
        case .handshakeTimeout: "no IMEI reply within 60 s"
        case .closedDuringHandshake: "connection closed during the IMEI handshake"
        }
    }
}
