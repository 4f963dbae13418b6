import Foundation
import GeoFleetCore
import GeoFleetProtocols
import NIOCore
import NIOEmbedded

/// One real frame from fixtures/teltonika/teltonika-tcp.json (hex copied from the Teltonika wiki or Traccar's tests).
struct TeltonikaFrame: Decodable, Sendable {
    let name: String
    let source: String
    let hex: String
}

/// Loads the real-frame fixtures and runs bytes through the TCP decoder the way the server does.
enum TeltonikaFrames {
    static let all: [TeltonikaFrame] = FixtureFile.load(File.self, "teltonika/teltonika-tcp.json").frames

    private struct File: Decodable { let frames: [TeltonikaFrame] }

    /// Frames whose CRC is wrong on purpose, or which are not AVL data.
    static let notAVL: Set<String> = [
        "wiki-imei", "wiki-codec12-getinfo", "traccar-codec16-badcrc", "traccar-codec8-badcrc",
        "traccar-codec13-badcrc", "traccar-codec8-zero-length",
    ]

    /// Every real AVL frame with a correct CRC.
    static var validAVL: [TeltonikaFrame] { all.filter { !notAVL.contains($0.name) } }

    static func bytes(_ name: String) -> [UInt8] {
        guard let frame = all.first(where: { $0.name == name }), let bytes = [UInt8](hex: frame.hex) else {
            fatalError("no frame named \(name)")
        }
        return bytes
    }

    /// The AVL data field of a TCP frame (Codec ID … Number of Data 2): what `decodeAVLData` reads.
    static func avlData(_ name: String) -> [UInt8] {
        let frame = bytes(name)
        return Array(frame[8..<(frame.count - 4)])
    }

    /// The IMEI handshake from the wiki, which must precede any AVL frame on a connection.
    static var imei: [UInt8] { bytes("wiki-imei") }

    /// Feeds `chunks` (one `channelRead` each) through `ByteToMessageHandler(TeltonikaTCPFrameDecoder())`.
    static func decode(_ chunks: [[UInt8]], decoder: TeltonikaTCPFrameDecoder = TeltonikaTCPFrameDecoder()) throws -> [TeltonikaTCPMessage] {
        try ChannelDecoding.run(chunks, through: decoder)
    }

    /// Decodes one real frame after the IMEI handshake and returns its packet.
    static func packet(_ name: String) throws -> TeltonikaAVLPacket {
        let messages = try decode([imei, bytes(name)])
        guard messages.count == 2, case .packet(let packet) = messages[1] else {
            throw Unexpected(messages: messages)
        }
        return packet
    }

    struct Unexpected: Error { let messages: [TeltonikaTCPMessage] }
}

/// `IOElement` shorthand for expected values.
func u(_ id: UInt16, _ value: UInt64, width: UInt8) -> IOElement {
    IOElement(id: id, value: .unsigned(value, width: width))
}
