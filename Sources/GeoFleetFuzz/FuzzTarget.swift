import GeoFleetProtocols
import NIOCore

/// A decoder as a fuzz target: takes any bytes, must return (never trap, never spin) and may only
/// produce output the input could justify.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case teltonikaTCP = "teltonika-tcp"
    case teltonikaUDP = "teltonika-udp"
    case gt06
    case ruptela
    case osmand

    /// What a single input produced, for statistics (how often the deep paths were reached).
    public enum Outcome: Sendable {
        /// At least one message decoded completely.
        case decoded
        /// A decoder refused the input with an error.
        case rejected
        /// A stream decoder wanted more bytes.
        case incomplete
    }

    /// A decoder that returns without consuming anything and without asking for more is a hang.
    public struct NoProgress: Error, CustomStringConvertible {
        public let target: FuzzTarget
        public var description: String { "\(target.rawValue): decoder returned a result without consuming input" }
    }

    /// Runs one input delivered in `chunks` reads (stream targets) or whole (datagram/HTTP targets).
    public func run(_ input: [UInt8], chunks: [Int]) throws(NoProgress) -> Outcome {
        switch self {
        case .teltonikaTCP:
            return try stream(input, chunks, TeltonikaTCPFrameDecoder()) { decoder, buffer in
                try decoder.next(&buffer) != .needMoreData
            }
        case .gt06:
            return try stream(input, chunks, GT06FrameDecoder()) { decoder, buffer in
                guard let frame = try decoder.next(&buffer) else { return false }
                _ = try? GT06.decode(frame, timeZoneOffsetSeconds: 0)
                return true
            }
        case .ruptela:
            return try stream(input, chunks, RuptelaFrameDecoder()) { decoder, buffer in
                guard let frame = try decoder.next(&buffer) else { return false }
                _ = try? Ruptela.decode(frame)
                return true
            }
        case .teltonikaUDP:
            return (try? Teltonika.decodeUDPDatagram(ByteBuffer(bytes: input))) == nil ? .rejected : .decoded
        case .osmand:
            return osmand(input)
        }
    }

    /// Feeds chunks into a stream decoder the way `ByteToMessageHandler` does: after each read,
    /// decode until the decoder needs more data or throws.
    private func stream<D>(
        _ input: [UInt8], _ chunks: [Int], _ decoder: D, step: (inout D, inout ByteBuffer) throws -> Bool
    ) throws(NoProgress) -> Outcome {
        var decoder = decoder
        var buffer = ByteBuffer()
        var offset = 0
        var decodedAny = false
        for size in chunks {
            buffer.writeBytes(input[offset..<(offset + size)])
            offset += size
            while true {
                let before = buffer.readerIndex
                let produced: Bool
                do {
                    produced = try step(&decoder, &buffer)
                } catch {
                    return .rejected
                }
                guard produced else { break }
                guard buffer.readerIndex > before else { throw NoProgress(target: self) }
                decodedAny = true
            }
        }
        return decodedAny ? .decoded : .incomplete
    }

    /// The first byte picks the request shape; the rest is the query or the body.
    private func osmand(_ input: [UInt8]) -> Outcome {
        guard let shape = input.first else { return .rejected }
        let rest = Array(input.dropFirst())
        let result: [OsmAndReport]?
        switch shape % 3 {
        case 0:
            result = try? OsmAnd.parse(method: "GET", query: String(decoding: rest, as: UTF8.self), contentType: nil, body: [], now: 0)
        case 1:
            result = try? OsmAnd.parse(method: "POST", query: "", contentType: "application/json", body: rest, now: 0)
        default:
            result = try? OsmAnd.parse(method: "POST", query: "", contentType: "application/x-www-form-urlencoded", body: rest, now: 0)
        }
        return result == nil ? .rejected : .decoded
    }
}
