/// Decodes one inflated `OSMData` blob (a PrimitiveBlock) and hands its entities to callbacks.
///
/// Only the requested kinds are decoded: other groups are skipped by length, and the string table
/// is indexed only when a tag or role is looked up. Parse errors are `ProtobufError`; errors thrown
/// by the callbacks pass through unchanged.
struct PrimitiveBlock {
    private let bytes: UnsafeRawBufferPointer
    private var strings: StringTable
    /// Coordinates are `offset + granularity * value` nanodegrees.
    private let granularity: Int64
    private let latitudeOffset: Int64
    private let longitudeOffset: Int64
    /// Milliseconds per timestamp unit. Parsed for completeness: timestamps are not exposed.
    let dateGranularity: Int64

    init(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        self.bytes = bytes
        // The scalars (fields 17–20) follow the groups on the wire, so read them in a first pass
        // and walk the groups in a second one instead of collecting the group ranges.
        var granularity: Int64 = 100
        var latitudeOffset: Int64 = 0
        var longitudeOffset: Int64 = 0
        var dateGranularity: Int64 = 1000
        var stringTable: Range<Int>?
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1:
                stringTable = try reader.readLengthDelimited(field: field, wireType: wireType, in: "PrimitiveBlock")
            case 17:
                granularity = Int64(try reader.readInt32(field: field, wireType: wireType))
            case 18:
                dateGranularity = Int64(try reader.readInt32(field: field, wireType: wireType))
            case 19:
                latitudeOffset = Int64(bitPattern: try reader.readVarint(field: field, wireType: wireType, in: "PrimitiveBlock"))
            case 20:
                longitudeOffset = Int64(bitPattern: try reader.readVarint(field: field, wireType: wireType, in: "PrimitiveBlock"))
            default:
                try reader.skip(wireType: wireType)
            }
        }
        guard let stringTable else {
            throw ProtobufError(reason: "PrimitiveBlock has no string table", position: 0)
        }
        guard granularity > 0, dateGranularity > 0 else {
            throw ProtobufError(reason: "PrimitiveBlock granularity must be positive", position: 0)
        }
        self.strings = StringTable(bytes, range: stringTable)
        self.granularity = granularity
        self.latitudeOffset = latitudeOffset
        self.longitudeOffset = longitudeOffset
        self.dateGranularity = dateGranularity
    }

    /// Calls back for every requested entity of the block, in block order.
    mutating func decode(
        _ kinds: OSMEntityKinds,
        node: (OSMNode) throws -> Void,
        way: (OSMWay) throws -> Void,
        relation: (OSMRelation) throws -> Void
    ) throws {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            guard field == 2 else {
                try reader.skip(wireType: wireType)
                continue
            }
            let group = try reader.readLengthDelimited(field: field, wireType: wireType, in: "PrimitiveBlock")
            try decodeGroup(group, kinds, node: node, way: way, relation: relation)
        }
    }

    // MARK: PrimitiveGroup

    private mutating func decodeGroup(
        _ range: Range<Int>,
        _ kinds: OSMEntityKinds,
        node: (OSMNode) throws -> Void,
        way: (OSMWay) throws -> Void,
        relation: (OSMRelation) throws -> Void
    ) throws {
        var reader = ProtobufReader(bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            // 1 nodes, 2 dense, 3 ways, 4 relations (repeated messages); 5 changesets is ignored.
            let wanted: Bool
            switch field {
            case 1, 2: wanted = kinds.contains(.nodes)
            case 3: wanted = kinds.contains(.ways)
            case 4: wanted = kinds.contains(.relations)
            default: wanted = false
            }
            guard wanted else {
                try reader.skip(wireType: wireType)
                continue
            }
            let message = try reader.readLengthDelimited(field: field, wireType: wireType, in: "PrimitiveGroup")
            switch field {
            case 1: try node(decodeNode(message))
            case 2: try decodeDenseNodes(message, node)
            case 3: try way(decodeWay(message))
            default: try relation(decodeRelation(message))
            }
        }
    }

    // MARK: Coordinates and tags

    @inline(__always)
    private func latitude(_ value: Int64) -> Double {
        // Dividing (not multiplying by 1e-9) rounds correctly: 437325405000 nanodegrees becomes
        // exactly the Double literal 43.7325405, as OSM tools print it.
        Double(latitudeOffset &+ granularity &* value) / 1e9
    }

    @inline(__always)
    private func longitude(_ value: Int64) -> Double {
        Double(longitudeOffset &+ granularity &* value) / 1e9
    }

    /// Tags from the parallel packed `keys` and `vals` string indexes of a Node, Way or Relation.
    private mutating func tags(keys: Range<Int>, values: Range<Int>) throws(ProtobufError) -> [String: String] {
        if keys.isEmpty && values.isEmpty {
            return [:]
        }
        var keyReader = ProtobufReader(bytes, range: keys)
        var valueReader = ProtobufReader(bytes, range: values)
        var tags = [String: String](minimumCapacity: Self.reservation(ProtobufReader.varintCount(in: bytes, range: keys)))
        while !keyReader.isAtEnd {
            guard !valueReader.isAtEnd else {
                throw ProtobufError(reason: "more tag keys than values", position: keyReader.position)
            }
            let key = try strings.string(at: keyReader.readVarint(), position: keyReader.position)
            let value = try strings.string(at: valueReader.readVarint(), position: valueReader.position)
            tags[key] = value
        }
        guard valueReader.isAtEnd else {
            throw ProtobufError(reason: "more tag values than keys", position: valueReader.position)
        }
        return tags
    }

    /// Capacity to reserve for `count` tags: exact for real data, capped so that a hostile block
    /// cannot make us allocate a huge table up front for keys that would mostly collide.
    @inline(__always)
    private static func reservation(_ count: Int) -> Int {
        Swift.min(count, 1024)
    }

    // MARK: Node

    private mutating func decodeNode(_ range: Range<Int>) throws(ProtobufError) -> OSMNode {
        var reader = ProtobufReader(bytes, range: range)
        var id: Int64?
        var lat: Int64?
        var lon: Int64?
        var keys = 0..<0
        var values = 0..<0
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: id = ProtobufReader.zigzagDecode(try reader.readVarint(field: field, wireType: wireType, in: "Node"))
            case 2: keys = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Node")
            case 3: values = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Node")
            case 8: lat = ProtobufReader.zigzagDecode(try reader.readVarint(field: field, wireType: wireType, in: "Node"))
            case 9: lon = ProtobufReader.zigzagDecode(try reader.readVarint(field: field, wireType: wireType, in: "Node"))
            default: try reader.skip(wireType: wireType)
            }
        }
        guard let id, let lat, let lon else {
            throw ProtobufError(reason: "Node without id, lat or lon", position: range.lowerBound)
        }
        return OSMNode(id: id, latitude: latitude(lat), longitude: longitude(lon), tags: try tags(keys: keys, values: values))
    }

    // MARK: DenseNodes

    private mutating func decodeDenseNodes(_ range: Range<Int>, _ node: (OSMNode) throws -> Void) throws {
        var reader = ProtobufReader(bytes, range: range)
        var ids = 0..<0
        var lats = 0..<0
        var lons = 0..<0
        var keysValues = 0..<0
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: ids = try reader.readLengthDelimited(field: field, wireType: wireType, in: "DenseNodes")
            case 8: lats = try reader.readLengthDelimited(field: field, wireType: wireType, in: "DenseNodes")
            case 9: lons = try reader.readLengthDelimited(field: field, wireType: wireType, in: "DenseNodes")
            case 10: keysValues = try reader.readLengthDelimited(field: field, wireType: wireType, in: "DenseNodes")
            default: try reader.skip(wireType: wireType) // 5 denseinfo: metadata is not exposed
            }
        }
        var idReader = ProtobufReader(bytes, range: ids)
        var latReader = ProtobufReader(bytes, range: lats)
        var lonReader = ProtobufReader(bytes, range: lons)
        var tagReader = ProtobufReader(bytes, range: keysValues)
        // keys_vals is empty when no node of the block has tags; otherwise every node has an
        // entry ending in 0, and a short array just leaves the remaining nodes untagged.
        var id: Int64 = 0
        var lat: Int64 = 0
        var lon: Int64 = 0
        while !idReader.isAtEnd {
            guard !latReader.isAtEnd, !lonReader.isAtEnd else {
                throw ProtobufError(reason: "DenseNodes has fewer lat/lon values than ids", position: idReader.position)
            }
            id &+= try idReader.readSInt64()
            lat &+= try latReader.readSInt64()
            lon &+= try lonReader.readSInt64()
            let tags: [String: String] = tagReader.isAtEnd ? [:] : try denseTags(&tagReader)
            try node(OSMNode(id: id, latitude: latitude(lat), longitude: longitude(lon), tags: tags))
        }
    }

    /// One node's `(key value)* 0` run of `keys_vals`.
    @inline(__always)
    private mutating func denseTags(_ reader: inout ProtobufReader) throws(ProtobufError) -> [String: String] {
        // Count the pairs first so the dictionary is allocated once at its final size.
        var scan = reader
        var count = 0
        while !scan.isAtEnd {
            if try scan.readVarint() == 0 {
                break
            }
            guard !scan.isAtEnd else {
                throw ProtobufError(reason: "DenseNodes keys_vals ends after a key", position: scan.position)
            }
            _ = try scan.readVarint()
            count += 1
        }
        guard count > 0 else {
            reader = scan
            return [:]
        }
        var tags = [String: String](minimumCapacity: Self.reservation(count))
        for _ in 0..<count {
            let key = try strings.string(at: reader.readVarint(), position: reader.position)
            let value = try strings.string(at: reader.readVarint(), position: reader.position)
            tags[key] = value
        }
        reader = scan
        return tags
    }

    // MARK: Way

    private mutating func decodeWay(_ range: Range<Int>) throws(ProtobufError) -> OSMWay {
        var reader = ProtobufReader(bytes, range: range)
        var id: Int64?
        var keys = 0..<0
        var values = 0..<0
        var refs = 0..<0
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: id = Int64(bitPattern: try reader.readVarint(field: field, wireType: wireType, in: "Way"))
            case 2: keys = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Way")
            case 3: values = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Way")
            case 8: refs = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Way")
            default: try reader.skip(wireType: wireType) // 4 info, 9/10 LocationsOnWays
            }
        }
        guard let id else {
            throw ProtobufError(reason: "Way without id", position: range.lowerBound)
        }
        var nodeIDs: [Int64] = []
        nodeIDs.reserveCapacity(ProtobufReader.varintCount(in: bytes, range: refs))
        var refReader = ProtobufReader(bytes, range: refs)
        var ref: Int64 = 0
        while !refReader.isAtEnd {
            ref &+= try refReader.readSInt64()
            nodeIDs.append(ref)
        }
        return OSMWay(id: id, refs: nodeIDs, tags: try tags(keys: keys, values: values))
    }

    // MARK: Relation

    private mutating func decodeRelation(_ range: Range<Int>) throws(ProtobufError) -> OSMRelation {
        var reader = ProtobufReader(bytes, range: range)
        var id: Int64?
        var keys = 0..<0
        var values = 0..<0
        var roles = 0..<0
        var memberIDs = 0..<0
        var types = 0..<0
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: id = Int64(bitPattern: try reader.readVarint(field: field, wireType: wireType, in: "Relation"))
            case 2: keys = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Relation")
            case 3: values = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Relation")
            case 8: roles = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Relation")
            case 9: memberIDs = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Relation")
            case 10: types = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Relation")
            default: try reader.skip(wireType: wireType) // 4 info
            }
        }
        guard let id else {
            throw ProtobufError(reason: "Relation without id", position: range.lowerBound)
        }
        var members: [OSMMember] = []
        members.reserveCapacity(ProtobufReader.varintCount(in: bytes, range: memberIDs))
        var roleReader = ProtobufReader(bytes, range: roles)
        var idReader = ProtobufReader(bytes, range: memberIDs)
        var typeReader = ProtobufReader(bytes, range: types)
        var ref: Int64 = 0
        while !idReader.isAtEnd {
            guard !roleReader.isAtEnd, !typeReader.isAtEnd else {
                throw ProtobufError(reason: "Relation has fewer roles or types than members", position: idReader.position)
            }
            ref &+= try idReader.readSInt64()
            let typePosition = typeReader.position
            let rawType = try typeReader.readVarint()
            guard rawType <= 2, let type = OSMMemberType(rawValue: UInt8(rawType)) else {
                throw ProtobufError(reason: "unknown relation member type \(rawType)", position: typePosition)
            }
            let role = try strings.string(at: roleReader.readVarint(), position: roleReader.position)
            members.append(OSMMember(type: type, ref: ref, role: role))
        }
        guard roleReader.isAtEnd, typeReader.isAtEnd else {
            throw ProtobufError(reason: "Relation has more roles or types than members", position: idReader.position)
        }
        return OSMRelation(id: id, members: members, tags: try tags(keys: keys, values: values))
    }
}

extension ProtobufReader {
    /// An `int32` field's value; the wire type must be 0.
    @inline(__always)
    fileprivate mutating func readInt32(field: Int, wireType: UInt8) throws(ProtobufError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint(field: field, wireType: wireType, in: "PrimitiveBlock"))
    }
}
