import Benchmark
import GeoFleetCore
import GeoFleetProtocols
import NIOCore

/// Real frames (from fixtures/) for the decode-rate benchmarks of every protocol but Teltonika TCP.
enum ProtocolFrames {
    /// GT06 0x12 GPS+LBS, Kaunas, 2015-10-20 (fixtures/gt06: gps-lbs-kaunas).
    static let gt06Location = [UInt8](hex: "78781f120f0a140e150bc505e51e780293a9e800540000f601006e0055da00035f240d0a")!
    /// Ruptela command 1 with 5 records (fixtures/ruptela: traccar-records-2014-5).
    static let ruptelaRecords = [UInt8](
        hex:
            "009200000c07a6bacd4701000552db5cc20000187b8b251ace478e087c044c0a000009070000000052db5cfe0000187b8ab01ace47190879044c0900000b070000000052db5d3a0000187b8b251ace474b089d044c09000009070000000052db5d760000187b8b9a1ace475c08cd044c08000009070000000052db5db20000187b8b141ace46e708b3044c08000009070000000041cb"
    )!
    /// Teltonika Codec 8 over UDP (fixtures/teltonika/teltonika-udp.json: traccar-udp-codec8).
    static let teltonikaUDP = [UInt8](
        hex:
            "0049cafe0122000f33353734353430373237313339373508010000015d3766f6a800003eef961ec6215e0063006d09003100070401000200f001c8000242381c18003201c7000000e10001"
    )!
    /// Traccar Client for Android's query (fixtures/osmand: client-android-moving).
    static let osmandQuery =
        "id=48241179&timestamp=1750001112&lat=52.5200066&lon=13.404954&speed=11.99351748&bearing=271.5&altitude=34.2&accuracy=4.8&batt=87.0&charge=true"
    /// Traccar Client 9's JSON body for one location.
    static let osmandJSON = Array(
        #"{"location":{"timestamp":"2025-06-15T15:25:12.000Z","coords":{"latitude":52.5200066,"longitude":13.404954,"accuracy":4.8,"speed":6.17,"heading":271.5,"altitude":34.2},"is_moving":true,"odometer":1234,"event":"motionchange","battery":{"level":0.87,"is_charging":true},"activity":{"type":"in_vehicle"},"extras":{}},"device_id":"48241179"}"#
            .utf8)
}

/// One decode benchmark: `decodeOnce` runs 1,000 times an iteration and must return nil on failure.
private func decodeBenchmark(
    _ title: String, log: ThroughputLog, operationsPerCall: Int = 1, extra: String, decodeOnce: @escaping @Sendable () -> Any?
) {
    Benchmark(
        title,
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 100, scalingFactor: .kilo,
            maxDuration: .seconds(5), maxIterations: 10_000_000
        ),
        closure: { benchmark in
            log.measure(operations: 1000 * operationsPerCall) {
                for _ in 0..<1000 {
                    guard let decoded = decodeOnce() else {
                        benchmark.error("\(title): decode failed")
                        return
                    }
                    blackHole(decoded)
                }
            }
        }, teardown: { log.report(extra: extra) })
}

func protocolDecodeBenchmarks() {
    let gt06 = ByteBuffer(bytes: ProtocolFrames.gt06Location)
    decodeBenchmark(
        "GT06 frame + 0x12 location decode (1k frames per iteration)", log: ThroughputLog("gt06.frames"),
        extra: "bytes/frame=\(ProtocolFrames.gt06Location.count)"
    ) {
        var buffer = gt06
        var decoder = GT06FrameDecoder()
        guard let frame = try? decoder.next(&buffer) else { return nil }
        return try? GT06.decode(frame)
    }

    let ruptela = ByteBuffer(bytes: ProtocolFrames.ruptelaRecords)
    decodeBenchmark(
        "Ruptela frame + records decode, 5 records per frame (1k frames per iteration)", log: ThroughputLog("ruptela.records"),
        operationsPerCall: 5, extra: "records/frame=5 bytes/frame=\(ProtocolFrames.ruptelaRecords.count)"
    ) {
        var buffer = ruptela
        var decoder = RuptelaFrameDecoder()
        guard let frame = try? decoder.next(&buffer) else { return nil }
        return try? Ruptela.decode(frame)
    }

    let datagram = ByteBuffer(bytes: ProtocolFrames.teltonikaUDP)
    decodeBenchmark(
        "Teltonika UDP datagram decode, 1 record (1k datagrams per iteration)", log: ThroughputLog("teltonika-udp.datagrams"),
        extra: "bytes/datagram=\(ProtocolFrames.teltonikaUDP.count)"
    ) {
        try? Teltonika.decodeUDPDatagram(datagram)
    }

    decodeBenchmark(
        "OsmAnd query parse, Traccar Client Android (1k requests per iteration)", log: ThroughputLog("osmand.query"),
        extra: "bytes/request=\(ProtocolFrames.osmandQuery.utf8.count)"
    ) {
        try? OsmAnd.parse(method: "POST", query: ProtocolFrames.osmandQuery, contentType: nil, body: [], now: 0)
    }

    decodeBenchmark(
        "OsmAnd JSON parse, Traccar Client 9 (1k requests per iteration)", log: ThroughputLog("osmand.json"),
        extra: "bytes/request=\(ProtocolFrames.osmandJSON.count)"
    ) {
        try? OsmAnd.parse(method: "POST", query: "", contentType: "application/json", body: ProtocolFrames.osmandJSON, now: 0)
    }
}
