import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import Logging
import NIOCore

/// One Concox GT06 connection: login, then locations, heartbeats and alarms in arrival order.
///
/// Login, heartbeat, alarm and time request get the protocol's response (CONTRACT.md), and so do the
/// position types Traccar answers beyond 0x10/0x12/0x22/0xA0 (`GT06Frame.responseRequired`); the response to a
/// frame carrying a fix waits until that fix is durable. 0x10/0x12/0x22/0xA0 get none, so such a location
/// that cannot be made durable closes the connection: the device notices and keeps its buffer for the next one.
struct GT06Session: DeviceSession {
    func run(_ frames: DeviceFrames<GT06Frame>, on connection: DeviceConnection) async {
        var connection = connection
        var device: DeviceBinding?
        var timeZoneOffset = 0
        for await frame in frames {
            let message: GT06Message
            do {
                message = try GT06.decode(frame, timeZoneOffsetSeconds: timeZoneOffset)
            } catch {
                connection.closeAfterUndecodable(error, ["protocolNumber": "\(frame.protocolNumber)"])
                return
            }
            if case .login(let imei, let offset) = message {
                guard case .known(let binding) = await connection.identify(imei) else {
                    connection.close()
                    return
                }
                device = binding
                if let offset { timeZoneOffset = offset }
                connection.send(GT06.response(protocolNumber: frame.protocolNumber, serial: frame.serial))
                continue
            }
            guard let device else {
                connection.logger.warning("packet before login; closing", metadata: ["protocolNumber": "\(frame.protocolNumber)"])
                connection.close()
                return
            }
            let started = ContinuousClock.now
            switch message {
            case .location(let fix):
                guard await connection.store([fix], for: device) != nil else {
                    connection.close()
                    return
                }
                connection.metrics.acknowledged.increment()
            case .alarm(let fix, _, _), .acknowledgedLocation(let fix):
                _ = await connection.store([fix], for: device) { _ in
                    connection.acknowledge(GT06.acknowledgement(of: frame), since: started)
                }
            case .heartbeat:
                connection.send(GT06.response(protocolNumber: frame.protocolNumber, serial: frame.serial))
            case .timeRequest:
                connection.send(GT06.timeResponse(serial: frame.serial, now: connection.pipeline.currentTime()))
            case .login, .other:
                connection.logger.debug("packet ignored", metadata: ["protocolNumber": "\(frame.protocolNumber)"])
            }
        }
    }
}
