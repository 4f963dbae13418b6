import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Encoder round trip")
struct TeltonikaRoundTripTests {
    @Test("encodeTCPFrame(decode(frame)) reproduces every real frame byte for byte", arguments: TeltonikaFrames.validAVL.map(\.name))
    func realFrames(name: String) throws {
        let packet = try TeltonikaFrames.packet(name)
        #expect(Teltonika.encodeTCPFrame(packet) == TeltonikaFrames.bytes(name))
    }

    @Test("encodeIMEI produces the wiki's handshake")
    func imei() {
        #expect(Teltonika.encodeIMEI("356307042441013") == TeltonikaFrames.imei)
    }

    @Test("a synthetic packet survives encode -> decode for every codec")
    func synthetic() throws {
        let record = TeltonikaRecord(
            timestamp: 1_764_187_677_123, priority: 2, longitude: -0.1275, latitude: 51.5072, altitude: -12,
            angle: 359, satellites: 9, speed: 88, eventIOID: 240, generationType: nil,
            io: [u(1, 1, width: 1), u(66, 12_345, width: 2), u(16, 4_000_000_000, width: 4), u(78, .max, width: 8)])
        for codec in [TeltonikaCodec.codec8, .codec8Extended, .codec16] {
            var r = record
            if codec == .codec16 { r.generationType = 6 }
            if codec == .codec8Extended { r.io.append(IOElement(id: 385, value: .bytes([1, 2, 3]))) }
            let packet = TeltonikaAVLPacket(codec: codec, records: [r, r])
            let frame = Teltonika.encodeTCPFrame(packet)
            let messages = try TeltonikaFrames.decode([TeltonikaFrames.imei, frame])
            #expect(messages.last == .packet(packet))
        }
    }
}
