import GeoFleetOSM
import Testing

/// Entities collected by id from one pass over a fixture.
struct Picked {
    var nodes: [Int64: OSMNode] = [:]
    var ways: [Int64: OSMWay] = [:]
    var relations: [Int64: OSMRelation] = [:]

    init(_ file: String, nodes nodeIDs: Set<Int64> = [], ways wayIDs: Set<Int64> = [], relations relationIDs: Set<Int64> = []) throws {
        let reader = try PBFReader(path: try OSMFixtures.path(file))
        var kinds: OSMEntityKinds = []
        if !nodeIDs.isEmpty { kinds.insert(.nodes) }
        if !wayIDs.isEmpty { kinds.insert(.ways) }
        if !relationIDs.isEmpty { kinds.insert(.relations) }
        var nodes: [Int64: OSMNode] = [:], ways: [Int64: OSMWay] = [:], relations: [Int64: OSMRelation] = [:]
        try reader.read(
            kinds,
            node: { if nodeIDs.contains($0.id) { nodes[$0.id] = $0 } },
            way: { if wayIDs.contains($0.id) { ways[$0.id] = $0 } },
            relation: { if relationIDs.contains($0.id) { relations[$0.id] = $0 } })
        self.nodes = nodes
        self.ways = ways
        self.relations = relations
    }
}

/// Exact values of single entities against `osmium getid -f opl FILE ...` (osmium-tool 1.15.0).
@Suite struct DecodedEntityTests {
    // osmium getid -f opl monaco.osm.pbf n25192215 n21911863 w4098197 r3410831 r285633
    //   n21911863 v5 ... T x7.422028 y43.7370125
    //   n25192215 v7 ... Tbus=yes,name=Princesse%20%Stéphanie,public_transport=stop_position x7.4224104 y43.7325405
    //   w4098197 v12 ... Tname=Boulevard%20%d'Italie,lanes=2,highway=primary Nn21918500,n1204288480,n21918536,
    //     n1204288459,n1204288412,n21918572,n21918589,n3419930599,n3419930601,n21918612,n1868736643,n1868736564,
    //     n1868736555,n1868736582,n1868736741
    //   r285633 v16 ... Tname=Via%20%Alpina,note=mappers%2c%%20%check%20%http://wiki.openstreetmap.org/wiki/ViaAlpina,
    //     type=superroute,route=hiking,network=iwn,website=http://www.via-alpina.org/,operator=via-alpina.org,
    //     wikidata=Q460455,description=Walking%20%route%20%from%20%Trieste%20%to%20%Monaco,
    //     osmc:symbol=black:red:white_triangle:V:blue,description:de=Wanderweg%20%von%20%Triest%20%nach%20%Monaco Mr1665395@
    //   r3410831 v1 ... Ttype=restriction,restriction=only_straight_on Mw92627431@from,w254596488@to,n273244852@via
    @Test func monacoEntities() throws {
        let picked = try Picked(
            "monaco.osm.pbf", nodes: [21_911_863, 25_192_215], ways: [4_098_197], relations: [3_410_831, 285_633])

        let stop = try #require(picked.nodes[25_192_215])
        #expect(stop.tags == ["bus": "yes", "name": "Princesse Stéphanie", "public_transport": "stop_position"])
        #expect(abs(stop.latitude - 43.7325405) < 1e-7)
        #expect(abs(stop.longitude - 7.4224104) < 1e-7)
        // Nanodegrees are divided, not multiplied by 1e-9, so the value is the same Double as the literal.
        #expect(stop.latitude == 43.7325405 && stop.longitude == 7.4224104)

        let untagged = try #require(picked.nodes[21_911_863])
        #expect(untagged == OSMNode(id: 21_911_863, latitude: 43.7370125, longitude: 7.422028, tags: [:]))

        let boulevard = try #require(picked.ways[4_098_197])
        #expect(boulevard.refs.count == 15)
        #expect(boulevard.refs.first == 21_918_500)
        #expect(boulevard.refs.last == 1_868_736_741)
        #expect(
            boulevard.refs == [
                21_918_500, 1_204_288_480, 21_918_536, 1_204_288_459, 1_204_288_412, 21_918_572, 21_918_589,
                3_419_930_599, 3_419_930_601, 21_918_612, 1_868_736_643, 1_868_736_564, 1_868_736_555,
                1_868_736_582, 1_868_736_741,
            ])
        #expect(boulevard.tags == ["name": "Boulevard d'Italie", "lanes": "2", "highway": "primary"])

        let restriction = try #require(picked.relations[3_410_831])
        #expect(
            restriction
                == OSMRelation(
                    id: 3_410_831,
                    members: [
                        OSMMember(type: .way, ref: 92_627_431, role: "from"),
                        OSMMember(type: .way, ref: 254_596_488, role: "to"),
                        OSMMember(type: .node, ref: 273_244_852, role: "via"),
                    ],
                    tags: ["type": "restriction", "restriction": "only_straight_on"]))

        let superroute = try #require(picked.relations[285_633])
        #expect(superroute.members == [OSMMember(type: .relation, ref: 1_665_395, role: "")])
        #expect(superroute.tags.count == 11)
        #expect(superroute.tags["note"] == "mappers, check http://wiki.openstreetmap.org/wiki/ViaAlpina")
        #expect(superroute.tags["osmc:symbol"] == "black:red:white_triangle:V:blue")
        #expect(superroute.tags["description:de"] == "Wanderweg von Triest nach Monaco")
    }

    // osmium getid -f opl andorra.osm.pbf n625025 n45161413 w5203906 r3648981
    //   n625025 v3 ... T x1.5527243 y42.5142133
    //   n45161413 v9 ... Tele=2748,name=Pic%20%de%20%Noè,natural=peak,wikidata=Q21330042 x1.7384087 y42.6117099
    //   w5203906 v13 ... Thighway=primary,maxspeed=30,old_ref=N%20%22,oneway=yes,ref=N%20%22
    //     Nn3655224911,n3655224917,n3655224916,n3655224915,n4817024439
    //   r3648981 v3 ... Ttype=restriction,restriction=only_straight_on Mw273906954@from,n51402997@via,w24715008@to
    @Test func andorraEntities() throws {
        let picked = try Picked(
            "andorra.osm.pbf", nodes: [625_025, 45_161_413], ways: [5_203_906], relations: [3_648_981])
        #expect(picked.nodes[625_025] == OSMNode(id: 625_025, latitude: 42.5142133, longitude: 1.5527243))
        let peak = try #require(picked.nodes[45_161_413])
        #expect(abs(peak.latitude - 42.6117099) < 1e-7 && abs(peak.longitude - 1.7384087) < 1e-7)
        #expect(peak.tags == ["ele": "2748", "name": "Pic de Noè", "natural": "peak", "wikidata": "Q21330042"])
        #expect(
            picked.ways[5_203_906]
                == OSMWay(
                    id: 5_203_906,
                    refs: [3_655_224_911, 3_655_224_917, 3_655_224_916, 3_655_224_915, 4_817_024_439],
                    tags: ["highway": "primary", "maxspeed": "30", "old_ref": "N 22", "oneway": "yes", "ref": "N 22"]))
        #expect(
            picked.relations[3_648_981]?.members == [
                OSMMember(type: .way, ref: 273_906_954, role: "from"),
                OSMMember(type: .node, ref: 51_402_997, role: "via"),
                OSMMember(type: .way, ref: 24_715_008, role: "to"),
            ])
        #expect(picked.relations[3_648_981]?.tags["restriction"] == "only_straight_on")
    }

    // osmium getid -f opl liechtenstein.osm.pbf w4781367
    //   w4781367 v3 ... Tname=In%20%den%20%Äusseren,highway=residential Nn30604007,n1752681738,n30604015,
    //     n30604017,n30604019,n1752681852,n1752681861,n30604020,n1743684563
    @Test func liechtensteinWay() throws {
        let picked = try Picked("liechtenstein.osm.pbf", ways: [4_781_367])
        let way = try #require(picked.ways[4_781_367])
        #expect(way.tags == ["name": "In den Äusseren", "highway": "residential"])
        #expect(
            way.refs == [
                30_604_007, 1_752_681_738, 30_604_015, 30_604_017, 30_604_019, 1_752_681_852, 1_752_681_861,
                30_604_020, 1_743_684_563,
            ])
    }
}
