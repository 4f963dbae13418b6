import GeoFleetCore
import Testing

struct UTCTimeTests {
    @Test("ISO 8601 formatting of known instants")
    func formatting() {
        #expect(UTCTime.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTime.iso8601(milliseconds: 1_546_604_839_000) == "2019-01-04T12:27:19.000Z")
        #expect(UTCTime.iso8601(milliseconds: 951_782_400_123) == "2000-02-29T00:00:00.123Z")
        #expect(UTCTime.iso8601(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test("parsing: Z, offsets, fractions, date only; garbage refused")
    func parsing() {
        #expect(UTCTime.parseISO8601("2019-01-04T12:27:19Z") == 1_546_604_839_000)
        #expect(UTCTime.parseISO8601("2019-01-04T14:27:19.5+02:00") == 1_546_604_839_500)
        #expect(UTCTime.parseISO8601("2019-01-04") == 1_546_560_000_000)
        #expect(UTCTime.parseISO8601("2019-13-04T00:00:00Z") == nil)
        #expect(UTCTime.parseISO8601("yesterday") == nil)
        #expect(UTCTime.parseISO8601("2019-01-04T12:27:19Zjunk") == nil)
    }

    @Test("civil date round trip over four centuries")
    func civilRoundTrip() {
        for days in stride(from: -146_097, through: 146_097, by: 37) {
            let (y, m, d) = UTCTime.civilFromDays(days)
            #expect(UTCTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }
}

struct PositionBinaryCodecTests {
    @Test("positions survive encode/decode exactly, optional fields and IO included")
    func roundTrip() throws {
        let positions = [
            Position(
                vehicleKey: 7, deviceID: 3, fixTime: 1_546_604_839_000, receivedTime: 1_546_604_840_000,
                latitude: 48.1523066, longitude: 16.3745183, altitude: 190, heading: 198, speedKmh: 83, satellites: 15,
                hdop: 0.9, accuracy: nil, source: .device,
                io: [IOElement(id: 66, value: .unsigned(0x3799, width: 2)), IOElement(id: 256, value: .bytes(Array("WVWZZZ".utf8)))]),
            Position(vehicleKey: 8, deviceID: nil, fixTime: 1, receivedTime: 2, latitude: -33.4, longitude: -70.6, source: .manual),
        ]
        #expect(try PositionBinaryCodec.decode(PositionBinaryCodec.encode(positions)) == positions)
    }

    @Test("truncated or inflated payloads are refused, not trusted")
    func refusesDamage() {
        let bytes = PositionBinaryCodec.encode([Position(vehicleKey: 1, deviceID: 1, fixTime: 1, receivedTime: 1, latitude: 1, longitude: 1)])
        #expect(throws: PositionBinaryCodec.DecodingError.truncated) { try PositionBinaryCodec.decode(Array(bytes.dropLast())) }
        var inflated = bytes
        inflated[1] = 0xFF; inflated[2] = 0xFF; inflated[3] = 0xFF
        #expect(throws: PositionBinaryCodec.DecodingError.badValue) { try PositionBinaryCodec.decode(inflated) }
    }

    @Test("IO elements as the JSON stored in positions.attributes")
    func ioJSON() {
        let io = [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 385, value: .bytes([0x01, 0xAB]))]
        #expect(io.jsonObject == #"{"239":1,"385":"01ab"}"#)
    }

    @Test("great-circle distance Bucharest to Cluj (about 324 km)")
    func distance() {
        let d = GreatCircle.distanceMeters(lat1: 44.4268, lon1: 26.1025, lat2: 46.7712, lon2: 23.6236)
        #expect(abs(d - 324_000) < 3_000)
    }
}
