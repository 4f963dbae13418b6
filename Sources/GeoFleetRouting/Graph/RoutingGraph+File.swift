import Foundation

/// Why a graph file could not be read.
public enum RoutingGraphFileError: Error, Equatable, CustomStringConvertible {
    case notAGraphFile(String)
    case unsupportedVersion(UInt32)
    case truncated(Int)
    case unknownProfile(String)
    case inconsistent(String)

    public var description: String {
        switch self {
        case .notAGraphFile(let path): return "\(path) is not a GeoFleet routing graph"
        case .unsupportedVersion(let version):
            return "routing graph format version \(version) is not supported; rebuild it with `geofleet routing build`"
        case .truncated(let offset): return "routing graph file is truncated at byte \(offset)"
        case .unknownProfile(let name): return "routing graph is for an unknown profile \(name)"
        case .inconsistent(let what): return "routing graph file is inconsistent: \(what)"
        }
    }
}

extension RoutingGraph {
    static let magic: [UInt8] = Array("GFROUTE\u{1}".utf8)
    /// 2: per-edge class, flags, name and ref (`EdgeAttributeTable`).
    static let formatVersion: UInt32 = 2

    /// The file's bytes: magic, version, profile, source, summary, then the arrays and the hierarchy.
    public func serialized() -> [UInt8] {
        var writer = BinaryWriter()
        for byte in Self.magic { writer.write(byte) }
        writer.write(Self.formatVersion)
        writer.write(UInt32(0x0102_0304)) // byte-order mark for the bulk arrays
        writer.write(profile.name)
        writer.write(source.name)
        writer.write(source.bytes)
        writer.write(source.modified)
        for count in [
            summary.roadWays, summary.roadVertices, summary.edges, summary.directedNodes, summary.turns,
            summary.shortcuts, summary.restrictionsApplied, summary.restrictionsSkipped, summary.bigComponentNodes,
        ] { writer.write(UInt64(count)) }
        writer.write(array: geometryStart)
        writer.write(array: latE7)
        writer.write(array: lonE7)
        writer.write(array: pointOffset)
        writer.write(array: wayIDs)
        writer.write(array: attributes.flags)
        writer.write(array: attributes.nameIndex)
        writer.write(array: attributes.refIndex)
        writer.write(UInt64(attributes.strings.count))
        for string in attributes.strings { writer.write(string) }
        writer.write(array: nodeWeight)
        writer.write(array: nodeDuration)
        writer.write(array: nodeDistance)
        writer.write(array: inBigComponent)
        writer.write(array: arcStart)
        writer.write(array: arcTarget)
        writer.write(array: arcWeight)
        writer.write(array: arcDuration)
        writer.write(blob: hierarchy.serialized())
        return writer.bytes
    }

    public init(serialized bytes: [UInt8], path: String = "graph") throws {
        var reader = BinaryReader(bytes: bytes)
        for byte in Self.magic {
            guard (try? reader.read(UInt8.self)) == byte else { throw RoutingGraphFileError.notAGraphFile(path) }
        }
        let version = try reader.read(UInt32.self)
        guard version == Self.formatVersion else { throw RoutingGraphFileError.unsupportedVersion(version) }
        guard try reader.read(UInt32.self) == 0x0102_0304 else { throw RoutingGraphFileError.inconsistent("byte order") }
        let profileName = try reader.readString()
        guard let profile = VehicleProfile.named(profileName) else { throw RoutingGraphFileError.unknownProfile(profileName) }
        let source = Source(name: try reader.readString(), bytes: try reader.read(Int64.self), modified: try reader.read(Int64.self))
        var counts: [Int] = []
        for _ in 0..<9 { counts.append(Int(try reader.read(UInt64.self))) }
        let summary = Summary(
            roadWays: counts[0], roadVertices: counts[1], edges: counts[2], directedNodes: counts[3], turns: counts[4],
            shortcuts: counts[5], restrictionsApplied: counts[6], restrictionsSkipped: counts[7], bigComponentNodes: counts[8]
        )
        let geometryStart = try reader.readArray(UInt32.self)
        let latE7 = try reader.readArray(Int32.self)
        let lonE7 = try reader.readArray(Int32.self)
        let pointOffset = try reader.readArray(UInt32.self)
        let wayIDs = try reader.readArray(Int64.self)
        let flags = try reader.readArray(UInt16.self)
        let nameIndex = try reader.readArray(UInt32.self)
        let refIndex = try reader.readArray(UInt32.self)
        let stringCount = try reader.read(UInt64.self)
        // Each string takes at least its length word: a count beyond the bytes left is a corrupt file.
        guard stringCount <= UInt64(bytes.count) / 4 else { throw RoutingGraphFileError.inconsistent("name table") }
        var strings: [String] = []
        strings.reserveCapacity(Int(stringCount))
        for _ in 0..<stringCount { strings.append(try reader.readString()) }
        let attributes = EdgeAttributeTable(flags: flags, nameIndex: nameIndex, refIndex: refIndex, strings: strings)
        let nodeWeight = try reader.readArray(UInt32.self)
        let nodeDuration = try reader.readArray(UInt32.self)
        let nodeDistance = try reader.readArray(UInt32.self)
        let inBigComponent = try reader.readArray(UInt8.self)
        let arcStart = try reader.readArray(UInt32.self)
        let arcTarget = try reader.readArray(UInt32.self)
        let arcWeight = try reader.readArray(UInt32.self)
        let arcDuration = try reader.readArray(UInt32.self)
        let hierarchy = try ContractedGraph(serialized: try reader.readArray(UInt8.self))
        let edges = wayIDs.count
        guard geometryStart.count == edges + 1, Int(geometryStart.last ?? 0) == latE7.count,
            lonE7.count == latE7.count, pointOffset.count == latE7.count, attributes.isConsistent(edges: edges),
            nodeWeight.count == edges * 2, nodeDuration.count == edges * 2, nodeDistance.count == edges * 2,
            inBigComponent.count == edges * 2, arcStart.count == edges * 2 + 1, Int(arcStart.last ?? 0) == arcTarget.count,
            arcWeight.count == arcTarget.count, arcDuration.count == arcTarget.count,
            hierarchy.nodeCount == edges * 2,
            !arcTarget.contains(where: { Int($0) >= edges * 2 }),
            zip(geometryStart, geometryStart.dropFirst()).allSatisfy({ $1 >= $0 + 2 })
        else { throw RoutingGraphFileError.inconsistent("array sizes") }
        self.init(
            profile: profile, source: source, summary: summary,
            geometryStart: geometryStart, latE7: latE7, lonE7: lonE7, pointOffset: pointOffset, wayIDs: wayIDs,
            attributes: attributes, nodeWeight: nodeWeight, nodeDuration: nodeDuration, nodeDistance: nodeDistance, inBigComponent: inBigComponent,
            arcStart: arcStart, arcTarget: arcTarget, arcWeight: arcWeight, arcDuration: arcDuration, hierarchy: hierarchy
        )
    }

    /// Writes the graph atomically (temp file, fsync, rename), so a crash never leaves half a graph under the real name.
    public func write(to path: String) throws {
        let temporary = path + ".partial"
        let data = Data(serialized())
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RoutingGraphFileError.notAGraphFile(path) }
        try self.init(serialized: [UInt8](data), path: path)
    }
}
