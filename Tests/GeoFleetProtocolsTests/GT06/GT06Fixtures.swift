import Foundation
import GeoFleetCore
import GeoFleetProtocols
import NIOCore
import NIOEmbedded

/// One real frame from fixtures/gt06/gt06.json with the values fixtures/gt06/make_gt06_fixtures.py computed.
struct GT06Fixture: Decodable, Sendable {
    let name: String
    let source: String
    let hex: String
    let expect: Expect

    struct Expect: Decodable, Sendable {
        /// Set when the frame decoder must refuse the bytes; the other fields are then absent.
        let frameError: String?
        let frame: FrameFields?
        /// Set when `GT06.decode` must throw.
        let decodeError: String?
        /// "login", "location", "heartbeat", "alarm", "timeRequest" or "other".
        let kind: String?
        let imei: String?
        let timeZoneOffsetSeconds: Int?
        let fix: Fix?
        let status: Status?
        let alarm: String?
        let alarmCode: Int?
        /// The exact reply (upper-case hex), null when none is due.
        let response: String?
    }

    struct FrameFields: Decodable, Sendable {
        let `protocol`: UInt8
        let serial: UInt16
        let extended: Bool
    }

    struct Fix: Decodable, Sendable {
        let time: String
        let fixTime: Int64
        let latitude: Double
        let longitude: Double
        let speedKmh: Double
        let heading: Double
        let satellites: Int
        let valid: Bool
        let attributes: [String: Scalar]
        /// Metres; only the 0x70 GPS module carries it (absent: 0).
        let altitude: Double?
    }

    struct Status: Decodable, Sendable {
        let terminalInfo: UInt8
        let voltageLevel: UInt8
        let gsmSignal: UInt8
    }

    /// A JSON attribute value, typed the way `AttributeValue` types it.
    enum Scalar: Decodable, Sendable, Equatable {
        case bool(Bool), int(Int64), double(Double), string(String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            // Bool first: JSONDecoder refuses to read a number as Bool and a fraction as Int.
            if let v = try? c.decode(Bool.self) {
                self = .bool(v)
            } else if let v = try? c.decode(Int64.self) {
                self = .int(v)
            } else if let v = try? c.decode(Double.self) {
                self = .double(v)
            } else {
                self = .string(try c.decode(String.self))
            }
        }

        var attributeValue: AttributeValue {
            switch self {
            case .bool(let v): .bool(v)
            case .int(let v): .int(v)
            case .double(let v): .double(v)
            case .string(let v): .string(v)
            }
        }
    }

    var bytes: [UInt8] {
        guard let bytes = [UInt8](hex: hex) else { fatalError("fixture \(name) holds invalid hex") }
        return bytes
    }
}

/// Loads the GT06 fixtures and runs bytes through the frame decoder the way the server does.
enum GT06Fixtures {
    private struct File: Decodable {
        let now: Int64
        let frames: [GT06Fixture]
    }

    private static let file = FixtureFile.load(File.self, "gt06/gt06.json")

    static var all: [GT06Fixture] { file.frames }

    /// The clock the fixture's time-request answer was computed with.
    static var now: Int64 { file.now }

    /// Fixtures whose bytes form a valid frame.
    static var framed: [GT06Fixture] { all.filter { $0.expect.frameError == nil } }

    static func fixture(_ name: String) -> GT06Fixture {
        guard let fixture = all.first(where: { $0.name == name }) else { fatalError("no GT06 fixture named \(name)") }
        return fixture
    }

    static func bytes(_ name: String) -> [UInt8] { fixture(name).bytes }

    /// Feeds `chunks` (one `channelRead` each) through `ByteToMessageHandler(GT06FrameDecoder())`.
    static func frames(_ chunks: [[UInt8]], decoder: GT06FrameDecoder = GT06FrameDecoder()) throws -> [GT06Frame] {
        try ChannelDecoding.run(chunks, through: decoder)
    }

    /// The single frame of a named fixture, through the channel.
    static func frame(_ name: String) throws -> GT06Frame {
        let frames = try frames([bytes(name)])
        guard frames.count == 1 else { throw Unexpected(frames: frames) }
        return frames[0]
    }

    struct Unexpected: Error { let frames: [GT06Frame] }
}

/// The case name of an error, as the fixture spells it.
func gt06ErrorName(_ error: GT06DecodingError) -> String {
    switch error {
    case .badStartBytes: "badStartBytes"
    case .frameTooSmall: "frameTooSmall"
    case .frameTooLarge: "frameTooLarge"
    case .badStopBytes: "badStopBytes"
    case .badCRC: "badCRC"
    case .truncated: "truncated"
    case .badTerminalID: "badTerminalID"
    case .badDateTime: "badDateTime"
    case .badCoordinates: "badCoordinates"
    }
}

/// A valid frame around `content`, to test content checks that sit behind the CRC.
func gt06Frame(protocolNumber: UInt8, content: [UInt8], serial: UInt16 = 1) -> [UInt8] {
    GT06.response(protocolNumber: protocolNumber, serial: serial, content: content)
}

/// The attributes as a dictionary; traps on duplicate names, which the codec must never produce.
func gt06Attributes(_ fix: DeviceFix) -> [String: AttributeValue] {
    Dictionary(uniqueKeysWithValues: fix.attributes.map { ($0.name, $0.value) })
}
