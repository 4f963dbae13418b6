import Foundation
import GeoFleetOSM
import GeoFleetTestSupport
import Testing

/// A small PBF built from protobuf bytes in the test, covering what the fixtures do not: plain
/// (non-dense) nodes, uncompressed `raw` blobs, non-default granularity and offsets, negative
/// ids and coordinates, unknown blob types, changeset groups, and every member type.
enum HandMade {
    static let header = PBFBuilder.headerBlock(
        boundingBox: (left: -10_500_000_000, right: 20_250_000_000, top: 60_000_000_000, bottom: -45_125_000_000),
        required: ["OsmSchema-V0.6", "DenseNodes"],
        optional: ["Sort.Type_then_ID"],
        writingProgram: "GeoFleetOSMTests",
        replicationTimestamp: 1_764_201_600)

    /// Plain nodes, granularity 1000 and offsets: coordinate = offset + 1000 × value nanodegrees.
    static func plainNodesBlock() -> [UInt8] {
        var block = PrimitiveBlockBuilder()
        block.granularity = 1000
        block.latitudeOffset = 500
        block.longitudeOffset = -300
        block.group { group, strings in
            group.message(1) { node in
                node.sint(1, -5)
                node.sint(8, -33_868_820)
                node.sint(9, 151_209_296)
            }
            let (keys, values) = strings.tagIndexes(["name": "Zürich HB", "amenity": "cafe"])
            group.message(1) { node in
                node.sint(1, 7)
                node.packedUInt(2, keys)
                node.packedUInt(3, values)
                node.message(4) { info in // Info: skipped
                    info.int(1, 3)
                    info.int(2, 1_700_000_000)
                }
                node.sint(8, 47_378_177)
                node.sint(9, 8_540_192)
            }
            group.message(1) { node in
                node.sint(1, 8)
                node.sint(8, 0)
                node.sint(9, 0)
            }
        }
        return block.build()
    }

    static let plainNodes = [
        OSMNode(id: -5, latitude: -33.8688195, longitude: 151.2092957),
        OSMNode(id: 7, latitude: 47.3781775, longitude: 8.5401917, tags: ["name": "Zürich HB", "amenity": "cafe"]),
        OSMNode(id: 8, latitude: 0.0000005, longitude: -0.0000003),
    ]

    /// Dense nodes, a way group and a relation group in one block with default granularity.
    static func mixedBlock() -> [UInt8] {
        var block = PrimitiveBlockBuilder()
        block.group { group, strings in
            let key = strings.index("highway")
            let value = strings.index("crossing")
            let key2 = strings.index("crossing")
            let value2 = strings.index("zebra")
            group.message(2) { dense in
                dense.packedDelta(1, [100, 101, 105])
                dense.message(5) { info in dense_info(&info) }
                // Units of 100 nanodegrees (default granularity).
                dense.packedDelta(8, [-100_000_000, -99_900_000, 899_999_900])
                dense.packedDelta(9, [-1_799_999_999, -1_799_999_999, 1_800_000_001])
                dense.packedUInt(10, [0, key, value, key2, value2, 0, 0])
            }
        }
        block.group { group, strings in
            let (keys, values) = strings.tagIndexes(["highway": "primary"])
            group.message(3) { way in
                way.int(1, 200)
                way.packedUInt(2, keys)
                way.packedUInt(3, values)
                way.message(4) { $0.int(1, 2) }
                way.packedDelta(8, [100, 101, 105, 7])
            }
            group.message(3) { way in
                way.int(1, 201)
                way.packedDelta(8, [105, -5])
            }
        }
        block.group { group, strings in
            let (keys, values) = strings.tagIndexes(["type": "restriction", "restriction": "no_left_turn"])
            let roles = [strings.index("from"), strings.index("via"), strings.index("to"), 0]
            group.message(4) { relation in
                relation.int(1, 300)
                relation.packedUInt(2, keys)
                relation.packedUInt(3, values)
                relation.packedUInt(8, roles)
                relation.packedDelta(9, [200, 101, 201, 301])
                relation.packedUInt(10, [1, 0, 1, 2])
            }
        }
        return block.build()
    }

    private static func dense_info(_ info: inout ProtobufWriter) {
        info.packedUInt(1, [1, 2, 3])
        info.packedDelta(2, [1_700_000_000, 1_700_000_100, 1_700_000_200])
    }

    static let denseNodes = [
        OSMNode(id: 100, latitude: -10.0, longitude: -179.9999999),
        OSMNode(id: 101, latitude: -9.99, longitude: -179.9999999, tags: ["highway": "crossing", "crossing": "zebra"]),
        OSMNode(id: 105, latitude: 89.99999, longitude: 180.0000001),
    ]
    static let ways = [
        OSMWay(id: 200, refs: [100, 101, 105, 7], tags: ["highway": "primary"]),
        OSMWay(id: 201, refs: [105, -5]),
    ]
    static let restriction = OSMRelation(
        id: 300,
        members: [
            OSMMember(type: .way, ref: 200, role: "from"),
            OSMMember(type: .node, ref: 101, role: "via"),
            OSMMember(type: .way, ref: 201, role: "to"),
            OSMMember(type: .relation, ref: 301, role: ""),
        ],
        tags: ["type": "restriction", "restriction": "no_left_turn"])

    /// A relation without members, after a changeset group that must be ignored.
    static func lastBlock() -> [UInt8] {
        var block = PrimitiveBlockBuilder()
        block.group { group, _ in
            group.message(5) { $0.int(1, 99) }
        }
        block.group { group, strings in
            let (keys, values) = strings.tagIndexes(["type": "multipolygon"])
            group.message(4) { relation in
                relation.int(1, 301)
                relation.packedUInt(2, keys)
                relation.packedUInt(3, values)
            }
        }
        return block.build()
    }

    static let emptyRelation = OSMRelation(id: 301, members: [], tags: ["type": "multipolygon"])

    /// Header (zlib), plain nodes (raw), mixed block (zlib), unknown blob (raw garbage), last block (raw).
    static func file(header: [UInt8] = header, headerEncoding: PBFBuilder.Encoding = .zlib) -> PBFBuilder {
        var builder = PBFBuilder()
        builder.frame(type: "OSMHeader", payload: header, encoding: headerEncoding)
        builder.frame(type: "OSMData", payload: plainNodesBlock(), encoding: .raw)
        builder.frame(type: "OSMData", payload: mixedBlock(), encoding: .zlib)
        builder.frame(type: "GeoFleetTestIndex", payload: [0xFF, 0xFF, 0xFF, 0x00, 0x13], encoding: .raw)
        builder.frame(type: "OSMData", payload: lastBlock(), encoding: .raw)
        return builder
    }
}

@Suite struct HandMadePBFTests {
    func withFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        try body(try directory.write(bytes, to: "test.osm.pbf"))
    }

    /// The PBFError of opening and reading `bytes` as a file, nil when it reads fine.
    func readError(_ bytes: [UInt8]) throws -> PBFError? {
        var error: PBFError?
        try withFile(bytes) { path in error = pbfError { try readEverything(path) } }
        return error
    }

    @Test func headerFields() throws {
        try withFile(HandMade.file().bytes) { path in
            let header = try PBFReader(path: path).header
            let box = try #require(header.boundingBox)
            #expect(box.minLongitude == -10.5 && box.maxLongitude == 20.25)
            #expect(box.minLatitude == -45.125 && box.maxLatitude == 60)
            #expect(header.requiredFeatures == ["OsmSchema-V0.6", "DenseNodes"])
            #expect(header.optionalFeatures == ["Sort.Type_then_ID"])
            #expect(header.writingProgram == "GeoFleetOSMTests")
            #expect(header.replicationTimestamp == 1_764_201_600)
        }
        // Without the optional fields, and stored raw.
        let bare = PBFBuilder.headerBlock(required: ["OsmSchema-V0.6"])
        try withFile(HandMade.file(header: bare, headerEncoding: .raw).bytes) { path in
            let header = try PBFReader(path: path).header
            #expect(header.boundingBox == nil)
            #expect(header.writingProgram == nil)
            #expect(header.replicationTimestamp == nil)
            #expect(header.optionalFeatures.isEmpty)
        }
    }

    @Test("plain nodes, dense nodes, ways and relations decode exactly, in file order")
    func allEntities() throws {
        let builder = HandMade.file()
        try withFile(builder.bytes) { path in
            let reader = try PBFReader(path: path)
            var nodes: [OSMNode] = []
            var ways: [OSMWay] = []
            var relations: [OSMRelation] = []
            var order: [String] = []
            var progress: [Int] = []
            try reader.read(
                .all,
                node: {
                    nodes.append($0); order.append("n\($0.id)")
                },
                way: {
                    ways.append($0); order.append("w\($0.id)")
                },
                relation: {
                    relations.append($0); order.append("r\($0.id)")
                },
                progress: { progress.append($0) })
            #expect(nodes == HandMade.plainNodes + HandMade.denseNodes)
            #expect(ways == HandMade.ways)
            #expect(relations == [HandMade.restriction, HandMade.emptyRelation])
            #expect(order == ["n-5", "n7", "n8", "n100", "n101", "n105", "w200", "w201", "r300", "r301"])
            // After each blob, including the unknown one, at the offset where the next frame starts.
            #expect(progress == Array(builder.frameOffsets.dropFirst(2)) + [builder.bytes.count])
            #expect(reader.fileSize == builder.bytes.count)
        }
    }

    @Test("kinds filter the callbacks")
    func kinds() throws {
        try withFile(HandMade.file().bytes) { path in
            let reader = try PBFReader(path: path)
            var seen: [String] = []
            try reader.read(
                .relations, node: { seen.append("n\($0.id)") }, way: { seen.append("w\($0.id)") },
                relation: { seen.append("r\($0.id)") })
            #expect(seen == ["r300", "r301"])
            seen = []
            try reader.read(
                [.nodes, .ways], node: { seen.append("n\($0.id)") }, way: { seen.append("w\($0.id)") },
                relation: { seen.append("r\($0.id)") })
            #expect(seen == ["n-5", "n7", "n8", "n100", "n101", "n105", "w200", "w201"])
        }
    }

    @Test("an error thrown by a callback stops the read and arrives unchanged")
    func callbackErrors() throws {
        struct Stop: Error, Equatable { var id: Int64 }
        try withFile(HandMade.file().bytes) { path in
            let reader = try PBFReader(path: path)
            var count = 0
            #expect(throws: Stop(id: 7)) {
                try reader.read(
                    .all,
                    node: { node in
                        count += 1
                        if node.id == 7 { throw Stop(id: node.id) }
                    })
            }
            #expect(count == 2)
        }
    }

    @Test("HistoricalInformation is a supported required feature, an unknown one is not")
    func requiredFeatures() throws {
        let history = PBFBuilder.headerBlock(required: ["OsmSchema-V0.6", "DenseNodes", "HistoricalInformation"])
        try withFile(HandMade.file(header: history).bytes) { path in
            let reader = try PBFReader(path: path)
            #expect(reader.header.requiredFeatures.last == "HistoricalInformation")
        }
        let future = PBFBuilder.headerBlock(required: ["OsmSchema-V0.6", "Sort.Geographic.Hilbert"])
        try withFile(HandMade.file(header: future).bytes) { path in
            #expect(throws: PBFError.unsupportedRequiredFeature("Sort.Geographic.Hilbert")) {
                _ = try PBFReader(path: path)
            }
        }
    }

    @Test(
        "lzma and zstd blobs are a clear unsupportedCompression error",
        arguments: [
            (PBFBuilder.Encoding.lzma, "lzma"), (.zstd, "zstd"),
        ])
    func unsupportedCompression(_ encoding: PBFBuilder.Encoding, _ name: String) throws {
        var builder = PBFBuilder()
        builder.frame(type: "OSMHeader", payload: HandMade.header)
        builder.frame(type: "OSMData", payload: HandMade.plainNodesBlock(), encoding: .raw)
        builder.frame(type: "OSMData", payload: HandMade.mixedBlock(), encoding: encoding)
        let offset = builder.frameOffsets[2]
        try withFile(builder.bytes) { path in
            let error = pbfError { try readEverything(path) }
            #expect(error == .unsupportedCompression(offset: offset, format: name))
            #expect(error?.description.contains(name) == true)
            #expect(error?.description.contains("\(offset)") == true)
        }
    }

    @Test("zlib blobs: bad checksum, wrong raw_size, raw_size over 32 MiB, no data")
    func zlibBlobErrors() throws {
        func failure(_ encoding: PBFBuilder.Encoding) throws -> (PBFError?, Int) {
            var builder = PBFBuilder()
            builder.frame(type: "OSMHeader", payload: HandMade.header)
            builder.frame(type: "OSMData", payload: HandMade.mixedBlock(), encoding: encoding)
            return (try readError(builder.bytes), builder.frameOffsets[1])
        }
        let size = Int64(HandMade.mixedBlock().count)

        let (checksum, offset) = try failure(.zlibBadChecksum)
        guard case .inflateFailed(offset, let reason) = checksum else {
            Issue.record("\(String(describing: checksum))")
            return
        }
        #expect(reason.contains("incorrect data check"), "\(reason)")

        let (short, _) = try failure(.zlibRawSize(size - 1))
        #expect(short == .inflateFailed(offset: offset, reason: "inflated \(size) bytes, but raw_size is \(size - 1)"))
        let (shorter, _) = try failure(.zlibRawSize(size - 5))
        #expect(shorter == .inflateFailed(offset: offset, reason: "inflated data is longer than raw_size \(size - 5)"))

        let (long, _) = try failure(.zlibRawSize(size + 10))
        #expect(long == .inflateFailed(offset: offset, reason: "inflated \(size) bytes, but raw_size is \(size + 10)"))

        let (huge, _) = try failure(.zlibRawSize(40 << 20))
        #expect(huge == .blobTooLarge(offset: offset, size: 40 << 20))

        let (empty, _) = try failure(.empty)
        #expect(empty == .badProtobuf(offset: offset, reason: "Blob has no data (no raw or zlib_data field)"))
    }

    @Test("malformed blocks are badProtobuf with the blob's offset")
    func malformedBlocks() throws {
        func failure(_ block: [UInt8]) throws -> (error: PBFError?, offset: Int) {
            var builder = PBFBuilder()
            builder.frame(type: "OSMHeader", payload: HandMade.header)
            builder.frame(type: "OSMData", payload: HandMade.plainNodesBlock(), encoding: .raw)
            builder.frame(type: "OSMData", payload: block, encoding: .raw)
            return (try readError(builder.bytes), builder.frameOffsets[2])
        }
        func expectBadProtobuf(_ block: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (error, offset) = try failure(block)
            guard case .badProtobuf(offset, let reason) = error else {
                Issue.record("expected badProtobuf at \(offset), got \(String(describing: error))", sourceLocation: sourceLocation)
                return
            }
            #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation)
        }

        var outOfRange = PrimitiveBlockBuilder()
        outOfRange.group { group, _ in
            group.message(3) { way in
                way.int(1, 1)
                way.packedUInt(2, [0])
                way.packedUInt(3, [57])
            }
        }
        try expectBadProtobuf(outOfRange.build(), "string table index 57 out of range")

        var memberType = PrimitiveBlockBuilder()
        memberType.group { group, _ in
            group.message(4) { relation in
                relation.int(1, 1)
                relation.packedUInt(8, [0])
                relation.packedDelta(9, [5])
                relation.packedUInt(10, [7])
            }
        }
        try expectBadProtobuf(memberType.build(), "unknown relation member type 7")

        var shortDense = PrimitiveBlockBuilder()
        shortDense.group { group, _ in
            group.message(2) { dense in
                dense.packedDelta(1, [1, 2])
                dense.packedDelta(8, [10])
                dense.packedDelta(9, [10])
            }
        }
        try expectBadProtobuf(shortDense.build(), "fewer lat/lon values than ids")

        var unpacked = PrimitiveBlockBuilder()
        unpacked.group { group, _ in
            group.message(3) { way in
                way.int(1, 1)
                way.sint(8, 5) // refs must be packed
            }
        }
        try expectBadProtobuf(unpacked.build(), "Way field 8 has wire type 0")

        var mismatchedTags = PrimitiveBlockBuilder()
        mismatchedTags.group { group, strings in
            let key = strings.index("k")
            group.message(3) { way in
                way.int(1, 1)
                way.packedUInt(2, [key, key])
                way.packedUInt(3, [key])
            }
        }
        try expectBadProtobuf(mismatchedTags.build(), "more tag keys than values")

        try expectBadProtobuf([0x12, 0x05, 0x1A, 0x01], "runs past the end") // group longer than the block
        try expectBadProtobuf([0x12, 0x00], "no string table")
        try expectBadProtobuf([0x0A, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "varint longer than 10 bytes")
    }

    @Test("blob header size limits and a datasize beyond the end of the file")
    func framing() throws {
        var builder = PBFBuilder()
        builder.frame(type: "OSMHeader", payload: HandMade.header)
        builder.rawFrame(type: "OSMData", blob: [0x0A, 0x00], dataSize: 40 << 20)
        try withFile(builder.bytes) { path in
            #expect(pbfError { try readEverything(path) } == .blobTooLarge(offset: builder.frameOffsets[1], size: 40 << 20))
        }

        var beyond = PBFBuilder()
        beyond.frame(type: "OSMHeader", payload: HandMade.header)
        beyond.rawFrame(type: "OSMData", blob: [0x0A, 0x00], dataSize: 1000)
        let dataOffset = beyond.bytes.count - 2
        try withFile(beyond.bytes) { path in
            #expect(pbfError { try readEverything(path) } == .truncated(offset: dataOffset, needed: 1000, available: 2))
        }

        var firstIsData = PBFBuilder()
        firstIsData.frame(type: "OSMData", payload: HandMade.plainNodesBlock(), encoding: .raw)
        try withFile(firstIsData.bytes) { path in
            #expect(pbfError { try readEverything(path) } == .notPBF(reason: "the first blob has type \"OSMData\", expected \"OSMHeader\""))
        }
    }

    @Test("every truncation of the file is a PBFError unless it falls on a frame boundary")
    func everyTruncation() throws {
        let builder = HandMade.file()
        let full = builder.bytes
        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        var boundaries = Set(builder.frameOffsets)
        boundaries.insert(full.count)
        var errors = 0
        for length in 0..<full.count {
            let path = try directory.write(Array(full[..<length]), to: "cut.osm.pbf")
            let error = pbfError { try readEverything(path) }
            if boundaries.contains(length) && length >= builder.frameOffsets[1] { // header-only files are valid
                #expect(error == nil, "cut at frame boundary \(length): \(String(describing: error))")
            } else {
                #expect(error != nil, "cut at \(length) of \(full.count) was accepted")
                errors += 1
            }
        }
        #expect(errors > full.count - 10)
    }

    @Test("random byte mutations give PBFErrors or data, never a crash or another error")
    func mutations() throws {
        let full = HandMade.file().bytes
        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        var generator = SplitMix64(seed: 0x05_4D_50_42)
        var failures = 0
        var successes = 0
        for _ in 0..<1500 {
            var bytes = full
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = Bool.random(using: &generator) ? UInt8.random(in: 0...255, using: &generator) : bytes[index] ^ 0x80
            }
            let path = try directory.write(bytes, to: "mutated.osm.pbf")
            if pbfError({ try readEverything(path) }) == nil {
                successes += 1
            } else {
                failures += 1
            }
        }
        // Both outcomes occur: mutations of string bytes still decode, framing damage does not.
        #expect(failures > 100)
        #expect(successes > 10)
    }
}

/// A small seeded generator so that mutation runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
