/// Decodes the `HeaderBlock` message of the `OSMHeader` blob.
enum HeaderBlock {
    /// Required features this reader handles. Anything else in `required_features` (a newer schema,
    /// a new encoding) means the writer expects readers to understand it, or misread the file.
    static let supportedRequiredFeatures: Set<String> = ["OsmSchema-V0.6", "DenseNodes", "HistoricalInformation"]

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) -> OSMHeader {
        var header = OSMHeader()
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1:
                let box = try reader.readLengthDelimited(field: field, wireType: wireType, in: "HeaderBlock")
                header.boundingBox = try decodeBoundingBox(bytes, range: box)
            case 4:
                header.requiredFeatures.append(try reader.readString(field: field, wireType: wireType, in: "HeaderBlock"))
            case 5:
                header.optionalFeatures.append(try reader.readString(field: field, wireType: wireType, in: "HeaderBlock"))
            case 16:
                header.writingProgram = try reader.readString(field: field, wireType: wireType, in: "HeaderBlock")
            case 32:
                header.replicationTimestamp = Int64(bitPattern: try reader.readVarint(field: field, wireType: wireType, in: "HeaderBlock"))
            default:
                try reader.skip(wireType: wireType) // 17 source, 33 sequence number, 34 base URL
            }
        }
        return header
    }

    /// `HeaderBBox`: left/right/top/bottom as sint64 nanodegrees, all required.
    private static func decodeBoundingBox(
        _ bytes: UnsafeRawBufferPointer,
        range: Range<Int>
    ) throws(ProtobufError) -> (minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        var reader = ProtobufReader(bytes, range: range)
        var left: Int64?
        var right: Int64?
        var top: Int64?
        var bottom: Int64?
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1...4:
                let value = ProtobufReader.zigzagDecode(try reader.readVarint(field: field, wireType: wireType, in: "HeaderBBox"))
                switch field {
                case 1: left = value
                case 2: right = value
                case 3: top = value
                default: bottom = value
                }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        guard let left, let right, let top, let bottom else {
            throw ProtobufError(reason: "HeaderBBox is missing one of left/right/top/bottom", position: range.lowerBound)
        }
        return (Double(left) / 1e9, Double(bottom) / 1e9, Double(right) / 1e9, Double(top) / 1e9)
    }
}
