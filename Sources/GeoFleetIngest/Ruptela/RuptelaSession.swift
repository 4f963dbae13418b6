import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import Logging
import NIOCore

/// One Ruptela connection: every packet names its IMEI; records are acknowledged positively once
/// durable and negatively when not (the device then resends them).
struct RuptelaSession: DeviceSession {
    func run(_ frames: DeviceFrames<RuptelaFrame>, on connection: DeviceConnection) async {
        var connection = connection
        var device: DeviceBinding?
        for await frame in frames {
            if device?.uniqueID != frame.imei {
                guard case .known(let binding) = await connection.identify(frame.imei) else {
                    connection.close()
                    return
                }
                device = binding
            }
            guard let device else { continue }
            let message: RuptelaMessage
            do {
                message = try Ruptela.decode(frame)
            } catch {
                connection.closeAfterUndecodable(error, ["command": "\(frame.command)"])
                return
            }
            let started = ContinuousClock.now
            switch message {
            case .records(let fixes, _):
                let stored = await connection.store(fixes, for: device) { _ in
                    connection.acknowledge(Ruptela.ack(positive: true), since: started)
                }
                if stored == nil {
                    connection.send(Ruptela.ack(positive: false))
                }
            default:
                if let reply = message.reply { connection.send(reply) }
                connection.logger.debug("packet without positions", metadata: ["command": "\(frame.command)"])
            }
        }
    }
}
