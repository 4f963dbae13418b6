import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import NIOCore

/// One Teltonika TCP connection: IMEI handshake, then each AVL packet made durable and acknowledged
/// with its record count, strictly in arrival order.
struct TeltonikaSession: DeviceSession {
    func run(_ messages: DeviceFrames<TeltonikaTCPMessage>, on connection: DeviceConnection) async {
        var connection = connection
        var device: DeviceBinding?
        for await message in messages {
            switch message {
            case .imei(let imei):
                guard case .known(let binding) = await connection.identify(imei) else {
                    connection.send([0x00])
                    connection.close()
                    return
                }
                device = binding
                connection.send([0x01])
            case .packet(let packet):
                guard let device else {
                    connection.logger.warning("AVL packet before IMEI handshake; closing")
                    connection.close()
                    return
                }
                let started = ContinuousClock.now
                // Not durable: no ACK; the device keeps the records and sends them again.
                _ = await connection.store(packet.records.map(\.fix), for: device) { outcome in
                    connection.acknowledge(Teltonika.encodeTCPAck(accepted: outcome.acknowledged), since: started)
                }
            case .corruptPacket(let count):
                connection.metrics.corrupt.increment()
                connection.logger.warning("AVL packet failed its CRC; not acknowledged", metadata: ["records": "\(count)"])
            case .ping:
                continue
            }
        }
    }
}
