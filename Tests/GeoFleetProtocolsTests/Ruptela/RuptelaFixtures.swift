import Foundation
import GeoFleetCore
import GeoFleetProtocols
import NIOCore
import NIOEmbedded

/// One real frame from fixtures/ruptela/ruptela.json with the values fixtures/ruptela/make_ruptela_fixtures.py
/// computed for it from the byte layout.
struct RuptelaFixture: Decodable, Sendable {
    let name: String
    let source: String
    let hex: String
    let expect: Expect

    struct Expect: Decodable, Sendable {
        let imei: String
        let command: UInt8
        let crc: String
        /// Set when the frame's length field disagrees with its size (hand-edited upstream test data).
        let lengthField: Int?
        /// "badCRC" when a stream decoder must refuse the frame.
        let framing: String?
        /// "records", "identification", "heartbeat", "troubleCodes" or "other".
        let message: String
        let recordsLeft: Int?
        /// Records on the wire, before split extended records are merged.
        let wireRecords: Int?
        let fixes: [Fix]?
        let codes: [Code]?
        let payloadHex: String?
        let reply: String?
    }

    struct Fix: Decodable, Sendable {
        let fixTime: Int64
        let latitude: Double
        let longitude: Double
        let altitude: Double
        let heading: Double
        let speedKmh: Double
        let satellites: Int
        let hdop: Double?
        let valid: Bool
        let attributes: [NamedInt]
        let io: [IO]
    }

    struct NamedInt: Decodable, Sendable {
        let name: String
        let int: Int64
    }

    struct IO: Decodable, Sendable {
        let id: UInt16
        let width: UInt8
        /// Decimal, as a string so 8-byte values survive JSON.
        let value: String
    }

    struct Code: Decodable, Sendable {
        let time: Int64
        let latitude: Double
        let longitude: Double
        let archived: Bool
        let code: String
    }

    var bytes: [UInt8] { [UInt8](hex: hex)! }

    /// The payload as the frame carries it (between command id and CRC), whatever its length field says.
    var payload: [UInt8] { Array(bytes[11..<(bytes.count - 2)]) }

    /// The frame as `RuptelaFrameDecoder` should emit it.
    var frame: RuptelaFrame { RuptelaFrame(imei: expect.imei, command: expect.command, payload: payload) }

    var expectedIO: [[IOElement]] {
        (expect.fixes ?? []).map { fix in
            fix.io.map { IOElement(id: $0.id, value: .unsigned(UInt64($0.value)!, width: $0.width)) }
        }
    }

    var expectedAttributes: [[DeviceAttribute]] {
        (expect.fixes ?? []).map { fix in fix.attributes.map { DeviceAttribute($0.name, .int($0.int)) } }
    }
}

enum RuptelaFixtures {
    private struct File: Decodable {
        let frames: [RuptelaFixture]
        let acks: Acks
        let crcCheck: CRCCheck
    }

    struct Acks: Decodable, Sendable {
        let positive: String
        let negative: String
    }

    struct CRCCheck: Decodable, Sendable {
        let input: String
        let crc: String
    }

    private static let file = FixtureFile.load(File.self, "ruptela/ruptela.json")

    static var all: [RuptelaFixture] { file.frames }
    static var acks: Acks { file.acks }
    static var crcCheck: CRCCheck { file.crcCheck }

    /// Frames a stream decoder accepts (their length field matches their size).
    static var framed: [RuptelaFixture] { all.filter { $0.expect.framing == nil } }
    static var records: [RuptelaFixture] { all.filter { $0.expect.message == "records" } }

    static func named(_ name: String) -> RuptelaFixture {
        guard let fixture = all.first(where: { $0.name == name }) else { fatalError("no Ruptela frame named \(name)") }
        return fixture
    }

    static func bytes(_ name: String) -> [UInt8] { named(name).bytes }

    /// Feeds `chunks` (one `channelRead` each) through `ByteToMessageHandler(RuptelaFrameDecoder())`.
    static func decodeFrames(_ chunks: [[UInt8]], decoder: RuptelaFrameDecoder = RuptelaFrameDecoder()) throws -> [RuptelaFrame] {
        try ChannelDecoding.run(chunks, through: decoder)
    }

    /// Frames one real packet through the channel and decodes its message.
    static func message(_ name: String) throws -> RuptelaMessage {
        let frames = try decodeFrames([bytes(name)])
        guard frames.count == 1 else { throw Unexpected(frames: frames) }
        return try Ruptela.decode(frames[0])
    }

    /// The fixes and records-left byte of a records packet.
    static func records(_ name: String) throws -> (fixes: [DeviceFix], recordsLeft: Int) {
        guard case .records(let fixes, let left) = try message(name) else { throw Unexpected(frames: []) }
        return (fixes, left)
    }

    struct Unexpected: Error { let frames: [RuptelaFrame] }
}

/// Shorthand for an expected IO element.
func ruptelaIO(_ id: UInt16, _ value: UInt64, width: UInt8) -> IOElement {
    IOElement(id: id, value: .unsigned(value, width: width))
}
