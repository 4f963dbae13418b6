import GeoFleetOSM
import Testing

/// `PBFReader` is Sendable: each `read` has its own buffers and uses positioned reads.
@Suite struct ConcurrentReadTests {
    @Test("two passes of one reader at the same time and a pass started inside a callback")
    func concurrentAndNestedReads() async throws {
        let reader = try PBFReader(path: try OSMFixtures.path("monaco.osm.pbf"))
        async let nodes = Task.detached { () throws -> Int in
            var count = 0
            try reader.read(.nodes, node: { _ in count += 1 })
            return count
        }.value
        async let ways = Task.detached { () throws -> Int in
            var count = 0
            try reader.read(.ways, way: { _ in count += 1 })
            return count
        }.value
        // osmium fileinfo -e monaco.osm.pbf: 180118 nodes, 27377 ways, 212 relations.
        #expect(try await nodes == 180_118)
        #expect(try await ways == 27_377)

        var relations = 0
        var nested = 0
        try reader.read(
            .relations,
            relation: { relation in
                if relations == 0 {
                    try reader.read(.relations, relation: { _ in nested += 1 })
                }
                relations += 1
            })
        #expect(relations == 212 && nested == 212)
    }
}
