import Foundation
import GeoFleetOSM
import GeoFleetTestSupport
import Testing

/// What osmium says about one fixture.
struct FixtureExpectation: Sendable, CustomTestStringConvertible {
    var file: String
    // `osmium fileinfo -e fixtures/osm/FILE` (osmium-tool 1.15.0): "Number of nodes/ways/relations",
    // "Smallest/Largest ... ID" (the files are sorted by type then id, so these are the first and
    // last ids in file order; checked with `osmium cat -f opl FILE` and head/tail).
    var nodes: Int
    var ways: Int
    var relations: Int
    var firstNode: Int64, lastNode: Int64
    var firstWay: Int64, lastWay: Int64
    var firstRelation: Int64, lastRelation: Int64
    // "Header: Bounding boxes" (left, bottom, right, top) of the same command, and the header
    // fields as stored (decoded with a throwaway Python protobuf parser, and matching osmium's
    // "generator=", "osmosis_replication_timestamp=" options; `date -u -d ... +%s`).
    var headerBox: (minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double)
    var requiredFeatures: [String]
    var optionalFeatures: [String]
    var writingProgram: String
    var replicationTimestamp: Int64
    // Sums over `osmium cat -f opl FILE`: nodes with tags, tags per kind (1 + commas of the T
    // field; OPL escapes commas inside tags), way refs, relation members by type, members with an
    // empty role, and the sums of all node y and x values in units of 1e-7 degree.
    var taggedNodes: Int
    var nodeTags: Int
    var wayTags: Int
    var wayRefs: Int
    var relationTags: Int
    var members: (node: Int, way: Int, relation: Int)
    var emptyRoles: Int
    var latitudeSumE7: Int64
    var longitudeSumE7: Int64

    var testDescription: String { file }
}

let fixtureExpectations: [FixtureExpectation] = [
    FixtureExpectation(
        file: "andorra.osm.pbf",
        nodes: 235_550, ways: 11_871, relations: 262,
        firstNode: 625_025, lastNode: 7_463_004_985,
        firstWay: 5_203_906, lastWay: 790_983_237,
        firstRelation: 7_439, lastRelation: 10_837_845,
        headerBox: (1.412368, 42.4276, 1.787481, 42.65717),
        requiredFeatures: ["OsmSchema-V0.6", "DenseNodes"],
        optionalFeatures: [],
        writingProgram: "osmium/1.8.0",
        replicationTimestamp: 1_588_366_743, // 2020-05-01T20:59:03Z
        taggedNodes: 10_194, nodeTags: 16_938, wayTags: 26_996, wayRefs: 252_030, relationTags: 3_278,
        members: (151, 20_956, 580), emptyRoles: 2_315,
        latitudeSumE7: 100_207_398_492_208, longitudeSumE7: 3_691_296_818_883),
    FixtureExpectation(
        file: "liechtenstein.osm.pbf",
        nodes: 142_832, ways: 15_247, relations: 358,
        firstNode: 26_032_956, lastNode: 3_668_934_713,
        firstWay: 4_781_367, lastWay: 362_621_137,
        firstRelation: 8_497, lastRelation: 5_384_465,
        headerBox: (9.471078, 47.04774, 9.636217, 47.27128),
        requiredFeatures: ["OsmSchema-V0.6", "DenseNodes"],
        optionalFeatures: [],
        writingProgram: "Osmium (http://wiki.openstreetmap.org/wiki/Osmium)",
        replicationTimestamp: 1_438_031_641, // 2015-07-27T21:14:01Z
        taggedNodes: 4_809, nodeTags: 8_483, wayTags: 28_032, wayRefs: 159_076, relationTags: 2_985,
        members: (1_100, 15_799, 489), emptyRoles: 10_157,
        latitudeSumE7: 67_336_255_478_469, longitudeSumE7: 13_628_801_553_792),
    FixtureExpectation(
        file: "monaco.osm.pbf",
        nodes: 180_118, ways: 27_377, relations: 212,
        firstNode: 21_911_863, lastNode: 4_035_273_179,
        firstWay: 4_097_656, lastWay: 401_050_512,
        firstRelation: 7_385, lastRelation: 5_997_347,
        headerBox: (7.349, 43.71, 7.491, 43.77),
        requiredFeatures: ["OsmSchema-V0.6", "DenseNodes"],
        optionalFeatures: ["Sort.Type_then_ID", "timestamp=2016-03-05T00:26:02Z"],
        writingProgram: "osmconvert 0.7T",
        replicationTimestamp: 1_457_137_562, // 2016-03-05T00:26:02Z
        taggedNodes: 3_090, nodeTags: 5_896, wayTags: 63_957, wayRefs: 238_855, relationTags: 2_595,
        members: (216, 1_744, 48), emptyRoles: 1_109,
        latitudeSumE7: 78_794_191_533_739, longitudeSumE7: 13_361_899_242_575),
]

/// Whole-file reads of the real extracts against osmium's numbers.
@Suite struct FixtureCountTests {
    @Test("header: bounding box, features, writing program, replication timestamp", arguments: fixtureExpectations)
    func header(_ expected: FixtureExpectation) throws {
        let reader = try PBFReader(path: try OSMFixtures.path(expected.file))
        let header = reader.header
        let box = try #require(header.boundingBox)
        #expect(abs(box.minLongitude - expected.headerBox.minLongitude) < 1e-7)
        #expect(abs(box.minLatitude - expected.headerBox.minLatitude) < 1e-7)
        #expect(abs(box.maxLongitude - expected.headerBox.maxLongitude) < 1e-7)
        #expect(abs(box.maxLatitude - expected.headerBox.maxLatitude) < 1e-7)
        #expect(header.requiredFeatures == expected.requiredFeatures)
        #expect(header.optionalFeatures == expected.optionalFeatures)
        #expect(header.writingProgram == expected.writingProgram)
        #expect(header.replicationTimestamp == expected.replicationTimestamp)
        let size = try FileManager.default.attributesOfItem(atPath: try OSMFixtures.path(expected.file))[.size] as? Int
        #expect(reader.fileSize == size)
    }

    @Test("counts, first/last ids, tag/ref/member totals and coordinate sums", arguments: fixtureExpectations)
    func fullRead(_ expected: FixtureExpectation) throws {
        let reader = try PBFReader(path: try OSMFixtures.path(expected.file))
        var nodeIDs: [Int64] = []
        var wayIDs: [Int64] = []
        var relationIDs: [Int64] = []
        var taggedNodes = 0, nodeTags = 0, wayTags = 0, wayRefs = 0, relationTags = 0, emptyRoles = 0
        var members = [OSMMemberType: Int]()
        var latitudeSum: Int64 = 0, longitudeSum: Int64 = 0
        var progress: [Int] = []
        try reader.read(
            .all,
            node: { node in
                nodeIDs.append(node.id)
                if !node.tags.isEmpty { taggedNodes += 1 }
                nodeTags += node.tags.count
                latitudeSum += Int64((node.latitude * 1e7).rounded())
                longitudeSum += Int64((node.longitude * 1e7).rounded())
            },
            way: { way in
                wayIDs.append(way.id)
                wayTags += way.tags.count
                wayRefs += way.refs.count
            },
            relation: { relation in
                relationIDs.append(relation.id)
                relationTags += relation.tags.count
                for member in relation.members {
                    members[member.type, default: 0] += 1
                    if member.role.isEmpty { emptyRoles += 1 }
                }
            },
            progress: { progress.append($0) })

        #expect(nodeIDs.count == expected.nodes)
        #expect(wayIDs.count == expected.ways)
        #expect(relationIDs.count == expected.relations)
        #expect(nodeIDs.first == expected.firstNode)
        #expect(nodeIDs.last == expected.lastNode)
        #expect(wayIDs.first == expected.firstWay)
        #expect(wayIDs.last == expected.lastWay)
        #expect(relationIDs.first == expected.firstRelation)
        #expect(relationIDs.last == expected.lastRelation)
        // Sorted input ("Objects ordered (by type and id): yes"), so delta decoding must keep ids increasing.
        #expect(zip(nodeIDs, nodeIDs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(wayIDs, wayIDs.dropFirst()).allSatisfy { $0 < $1 })

        #expect(taggedNodes == expected.taggedNodes)
        #expect(nodeTags == expected.nodeTags)
        #expect(wayTags == expected.wayTags)
        #expect(wayRefs == expected.wayRefs)
        #expect(relationTags == expected.relationTags)
        #expect(members[.node, default: 0] == expected.members.node)
        #expect(members[.way, default: 0] == expected.members.way)
        #expect(members[.relation, default: 0] == expected.members.relation)
        #expect(emptyRoles == expected.emptyRoles)
        // Every coordinate to 1e-7 degree: the sums of the rounded 1e-7 units match exactly.
        #expect(latitudeSum == expected.latitudeSumE7)
        #expect(longitudeSum == expected.longitudeSumE7)

        // One progress call per data blob, increasing, ending at the file size.
        #expect(!progress.isEmpty)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 < $1 })
        #expect(progress.last == reader.fileSize)
        #expect(progress.count == FrameLayout.parse(try fileBytes(try OSMFixtures.path(expected.file))).count - 1)
    }

    @Test("only the requested kinds reach the callbacks; a second pass sees the same data", arguments: fixtureExpectations)
    func selectiveReads(_ expected: FixtureExpectation) throws {
        let reader = try PBFReader(path: try OSMFixtures.path(expected.file))
        var nodes = 0, ways = 0, relations = 0, lastWayRefs: [Int64] = []
        // The importer's order: ways and relations first, then nodes.
        try reader.read(
            [.ways, .relations],
            node: { _ in nodes += 1 },
            way: {
                ways += 1; lastWayRefs = $0.refs
            },
            relation: { _ in relations += 1 })
        #expect(nodes == 0)
        #expect(ways == expected.ways)
        #expect(relations == expected.relations)

        var lastNode: OSMNode?
        try reader.read(
            .nodes,
            node: {
                nodes += 1; lastNode = $0
            }, way: { _ in ways += 1 }, relation: { _ in relations += 1 })
        #expect(nodes == expected.nodes)
        #expect(ways == expected.ways)
        #expect(relations == expected.relations)
        #expect(lastNode?.id == expected.lastNode)
        #expect(!lastWayRefs.isEmpty)

        var calls = 0
        var progressCalls = 0
        try reader.read(
            [], node: { _ in calls += 1 }, way: { _ in calls += 1 }, relation: { _ in calls += 1 },
            progress: { _ in progressCalls += 1 })
        #expect(calls == 0)
        #expect(progressCalls > 0)
    }
}
