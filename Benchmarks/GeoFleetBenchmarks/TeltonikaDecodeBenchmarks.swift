import Benchmark
import GeoFleetCore
import GeoFleetProtocols
import NIOCore

/// One realistic Codec 8 packet: 50 records, each with the IO set of a typical FMB tracker.
enum TeltonikaFixture {
    static let recordsPerPacket = 50

    /// The IO set of record `i`: 5 one-byte, 5 two-byte, 2 four-byte and 1 eight-byte element.
    static func typicalIO(_ i: Int) -> [IOElement] {
        let step = UInt64(i)
        var io: [IOElement] = []
        // 1-byte: ignition, movement, GSM signal, sleep mode, GNSS status.
        for (id, v) in [(239, 1), (240, 1), (21, 4), (200, 0), (69, 1)] as [(UInt16, UInt64)] {
            io.append(IOElement(id: id, value: .unsigned(v, width: 1)))
        }
        // 2-byte: PDOP, HDOP, external voltage, speed, battery voltage.
        for (id, v) in [(181, 9), (182, 7), (66, 12_700), (24, step % 120), (67, 4_100)] as [(UInt16, UInt64)] {
            io.append(IOElement(id: id, value: .unsigned(v, width: 2)))
        }
        // 4-byte: total and trip odometer; 8-byte: iButton id.
        io.append(IOElement(id: 16, value: .unsigned(1_234_567 + step * 30, width: 4)))
        io.append(IOElement(id: 199, value: .unsigned(step * 30, width: 4)))
        io.append(IOElement(id: 78, value: .unsigned(0x0102_0304_0506_0708, width: 8)))
        return io
    }

    static let packet: TeltonikaAVLPacket = {
        var records: [TeltonikaRecord] = []
        for i in 0..<recordsPerPacket {
            records.append(
                TeltonikaRecord(
                    timestamp: 1_764_190_000_000 + Int64(i) * 10_000, priority: 0,
                    longitude: 26.1025 + Double(i) * 1e-4, latitude: 44.4268 + Double(i) * 5e-5,
                    altitude: 80, angle: UInt16(i * 7 % 360), satellites: 12, speed: UInt16(i % 120), eventIOID: 0,
                    io: typicalIO(i)))
        }
        return TeltonikaAVLPacket(codec: .codec8, records: records)
    }()

    /// The AVL data (codec id through the trailing record count) cut out of a TCP frame:
    /// the frame is 4 zero bytes, a 4-byte data length, the AVL data, then a 4-byte CRC.
    static let avlData: ByteBuffer = {
        let frame = Teltonika.encodeTCPFrame(packet)
        return ByteBuffer(bytes: frame[8..<(frame.count - 4)])
    }()
}

func teltonikaDecodeBenchmarks() {
    let records = ThroughputLog("teltonika.records")
    Benchmark(
        "Teltonika decodeAVLData, Codec 8, 50 records per packet (1 packet per iteration)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 100, scalingFactor: .one,
            maxDuration: .seconds(5), maxIterations: 10_000_000
        ),
        closure: { benchmark in
            // A copy of the buffer shares storage; decoding only moves this copy's reader index.
            var buffer = TeltonikaFixture.avlData
            records.measure(operations: TeltonikaFixture.recordsPerPacket) {
                do {
                    blackHole(try Teltonika.decodeAVLData(&buffer))
                } catch {
                    benchmark.error("decode failed: \(error)")
                }
            }
        },
        setup: {
            // Round trip once, so a broken codec cannot produce a fast but meaningless number.
            var buffer = TeltonikaFixture.avlData
            let decoded = try Teltonika.decodeAVLData(&buffer)
            // Coordinates travel as 1e-7° integers, so compare them with that tolerance.
            let same =
                decoded.records.count == TeltonikaFixture.recordsPerPacket
                && zip(decoded.records, TeltonikaFixture.packet.records).allSatisfy {
                    $0.timestamp == $1.timestamp && $0.io == $1.io && $0.speed == $1.speed
                        && abs($0.latitude - $1.latitude) < 1e-6 && abs($0.longitude - $1.longitude) < 1e-6
                }
            guard same, buffer.readableBytes == 0 else {
                struct RoundTripMismatch: Error {}
                throw RoundTripMismatch()
            }
        },
        teardown: {
            records.report(extra: "records/packet=\(TeltonikaFixture.recordsPerPacket) bytes/packet=\(TeltonikaFixture.avlData.readableBytes)")
        })
}
