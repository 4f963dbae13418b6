/// Every edge's class, flags and names, stored apart from the routing arrays: one packed word and one
/// name index per edge, and each distinct name once.
struct EdgeAttributeTable: Sendable {
    /// `EdgeInfo.packed` per edge.
    let flags: [UInt16]
    /// Per edge, 1 + the index of its name in `strings`; 0: none.
    let nameIndex: [UInt32]
    /// Per edge, 1 + the index of its ref in `strings`; 0: none.
    let refIndex: [UInt32]
    let strings: [String]

    init(flags: [UInt16], nameIndex: [UInt32], refIndex: [UInt32], strings: [String]) {
        self.flags = flags
        self.nameIndex = nameIndex
        self.refIndex = refIndex
        self.strings = strings
    }

    /// The table for edges cut from `ways` (`edgeWays[e]` is edge e's way index).
    init(ways: [RoadNetwork.Way], uses: [RoadUse?], rules: RoadRules, edgeWays: [Int32]) {
        var strings: [String] = []
        var known: [String: UInt32] = [:]
        func intern(_ value: String?) -> UInt32 {
            guard let value, !value.isEmpty else { return 0 }
            if let index = known[value] { return index }
            strings.append(value)
            known[value] = UInt32(strings.count)
            return UInt32(strings.count)
        }
        var byWay: [Int32: (UInt16, UInt32, UInt32)] = [:]
        var flags: [UInt16] = []
        var nameIndex: [UInt32] = []
        var refIndex: [UInt32] = []
        flags.reserveCapacity(edgeWays.count)
        nameIndex.reserveCapacity(edgeWays.count)
        refIndex.reserveCapacity(edgeWays.count)
        for way in edgeWays {
            if byWay[way] == nil {
                let tags = ways[Int(way)].tags
                let kind = uses[Int(way)].flatMap { RoadClass.of(highway: $0.highway) } ?? (.service, false)
                let info = EdgeInfo(
                    roadClass: kind.roadClass, isLink: kind.isLink, isToll: rules.isToll(tags),
                    truckRestricted: RoadRules.restrictsTrucks(tags))
                byWay[way] = (info.packed, intern(tags["name"]), intern(tags["ref"]))
            }
            let (packed, name, ref) = byWay[way]!
            flags.append(packed)
            nameIndex.append(name)
            refIndex.append(ref)
        }
        self.init(flags: flags, nameIndex: nameIndex, refIndex: refIndex, strings: strings)
    }

    func info(_ edge: Int) -> EdgeInfo {
        var info = EdgeInfo.unpack(flags[edge]) ?? EdgeInfo(roadClass: .service)
        info.name = string(nameIndex[edge])
        info.ref = string(refIndex[edge])
        return info
    }

    private func string(_ index: UInt32) -> String? { index == 0 ? nil : strings[Int(index) - 1] }

    /// Whether the table fits a graph of `edges` edges and every index points into `strings`.
    func isConsistent(edges: Int) -> Bool {
        flags.count == edges && nameIndex.count == edges && refIndex.count == edges
            && !nameIndex.contains(where: { Int($0) > strings.count }) && !refIndex.contains(where: { Int($0) > strings.count })
            && !flags.contains(where: { EdgeInfo.unpack($0) == nil })
    }
}
