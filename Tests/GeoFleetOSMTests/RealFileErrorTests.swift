import Foundation
import GeoFleetOSM
import GeoFleetTestSupport
import Testing

/// Damaged copies of a real extract (andorra: 34 frames, header frame at 0 with a 14-byte
/// BlobHeader and a 153-byte Blob) must fail with the right `PBFError`, never crash.
@Suite struct RealFileErrorTests {
    let original: [UInt8]
    let frames: [FrameLayout]

    init() throws {
        original = try fileBytes(try OSMFixtures.path("andorra.osm.pbf"))
        frames = FrameLayout.parse(original)
    }

    func error(reading bytes: [UInt8]) throws -> PBFError? {
        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        let path = try directory.write(bytes, to: "damaged.osm.pbf")
        return pbfError { try readEverything(path) }
    }

    @Test func layoutOfTheOriginal() throws {
        #expect(frames.count == 34)
        #expect(frames.last?.end == original.count)
        #expect(frames[0].type == "OSMHeader" && frames[0].headerLength == 14 && frames[0].dataSize == 153)
        #expect(frames.dropFirst().allSatisfy { $0.type == "OSMData" })
        #expect(try error(reading: original) == nil)
    }

    @Test("truncated inside a blob, inside a length prefix, inside the header blob")
    func truncated() throws {
        let frame = frames[5]
        var progress: [Int] = []
        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        let path = try directory.write(Array(original[..<(frame.dataOffset + 100)]), to: "cut.osm.pbf")
        let reader = try PBFReader(path: path) // the header is intact
        let error = pbfError { try reader.read(.all, progress: { progress.append($0) }) }
        #expect(error == .truncated(offset: frame.dataOffset, needed: frame.dataSize, available: 100))
        #expect(progress == frames[1..<5].map(\.end))
        #expect(error?.description.contains("\(frame.dataOffset)") == true)

        #expect(try self.error(reading: Array(original[..<(frames[3].offset + 2)])) == .truncated(offset: frames[3].offset, needed: 4, available: 2))
        #expect(try self.error(reading: Array(original[..<100])) == .truncated(offset: 18, needed: 153, available: 82))
    }

    @Test("corrupt zlib data in a data blob and in the header blob")
    func corruptZlib() throws {
        var damaged = original
        let zlib = try #require(frames[2].zlibData(in: original))
        for index in stride(from: zlib.lowerBound + zlib.count / 2, to: zlib.lowerBound + zlib.count / 2 + 64, by: 1) {
            damaged[index] ^= 0x5A
        }
        let failure = try error(reading: damaged)
        guard case .inflateFailed(let offset, let reason)? = failure else {
            Issue.record("expected inflateFailed, got \(String(describing: failure))")
            return
        }
        #expect(offset == frames[2].offset)
        // Garbled deflate data either breaks the stream or decodes to the wrong length
        // (here: longer than raw_size); both are caught before any protobuf is parsed.
        #expect(!reason.isEmpty)
        #expect(failure?.description.hasPrefix("zlib inflate failed for blob at byte \(frames[2].offset)") == true)

        var badHeader = original
        let headerZlib = try #require(frames[0].zlibData(in: original))
        badHeader[headerZlib.lowerBound] = 0x00 // the zlib CMF byte
        #expect(try error(reading: badHeader) == .inflateFailed(offset: 0, reason: "corrupt zlib data (incorrect header check)"))
    }

    @Test("a length prefix or datasize claiming a huge blob")
    func hugeSizes() throws {
        var bigHeader = original
        let offset = frames[2].offset
        bigHeader.replaceSubrange(offset..<(offset + 4), with: [0x00, 0x10, 0x00, 0x00])
        #expect(try error(reading: bigHeader) == .blobHeaderTooLarge(offset: offset, size: 1 << 20))

        // Same BlobHeader with datasize 0x7FFFFFFF; the prefix is fixed up for its new length.
        var header = ProtobufWriter()
        header.string(1, "OSMData")
        header.int(3, Int64(Int32.max))
        let length = UInt32(header.bytes.count)
        var bigBlob = Array(original[..<offset])
        bigBlob += [0, 0, UInt8(length >> 8), UInt8(length & 0xFF)] + header.bytes
        bigBlob += original[frames[2].dataOffset...]
        #expect(try error(reading: bigBlob) == .blobTooLarge(offset: offset, size: Int(Int32.max)))

        // In the very first frame the same bytes mean "not a PBF file".
        var notPBF = original
        notPBF.replaceSubrange(0..<4, with: [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(try error(reading: notPBF) == .notPBF(reason: "the first 4 bytes give a BlobHeader length of 2147483647, over 64 KiB"))
    }

    @Test("files that are not PBF at all")
    func notPBF() throws {
        let xml = Array("<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\"></osm>\n".utf8)
        guard case .notPBF? = try error(reading: xml) else {
            Issue.record("XML accepted or wrong error")
            return
        }
        #expect(try error(reading: []) == .notPBF(reason: "the file is only 0 bytes long"))
        #expect(try error(reading: [0, 0, 0]) == .notPBF(reason: "the file is only 3 bytes long"))
        // A plausible length but no protobuf behind it.
        guard case .notPBF? = try error(reading: [0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]) else {
            Issue.record("garbage BlobHeader accepted or wrong error")
            return
        }
        // The data blobs without the OSMHeader blob in front.
        #expect(
            try error(reading: Array(original[frames[1].offset...])) == .notPBF(reason: "the first blob has type \"OSMData\", expected \"OSMHeader\"")
        )

        let directory = try TemporaryDirectory(prefix: "osm")
        defer { directory.remove() }
        guard case .cannotOpen(let path, let reason)? = pbfError({ try readEverything(directory.url.path) }) else {
            Issue.record("directory accepted or wrong error")
            return
        }
        #expect(path == directory.url.path && reason == "not a regular file")
        let missing = directory.url.appendingPathComponent("missing.osm.pbf").path
        #expect(pbfError { try readEverything(missing) } == .cannotOpen(path: missing, reason: "No such file or directory"))
    }
}
