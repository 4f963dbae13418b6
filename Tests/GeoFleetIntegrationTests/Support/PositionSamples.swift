import GeoFleetCore

/// Random positions over the whole range the history table takes, for property tests.
enum PositionSamples {
    /// Fix times from 0001-01-01 to 9999-12-31 (what partitions and timestamptz hold).
    static let times: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    static func random(vehicleKey: Int64, using random: inout SeededGenerator) -> Position {
        func real() -> Double {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: Double(Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0xFF7F_FFFF)) // any finite Float
            case 1: Double.random(in: -1000...1000, using: &random) // not a Float: stored rounded
            case 2: 0
            default: Double(Float.random(in: 0...360, using: &random))
            }
        }
        func coordinate() -> Double {
            Bool.random(using: &random) ? Double.random(in: -180...180, using: &random) : Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
        }
        var attributes: [DeviceAttribute] = []
        for index in 0..<Int.random(in: 0...4, using: &random) {
            let value: AttributeValue =
                switch Int.random(in: 0..<4, using: &random) {
                case 0: .int(Int64.random(in: -(1 << 53)...(1 << 53), using: &random))
                case 1: .bool(Bool.random(using: &random))
                case 2: .double(Double(Int.random(in: -1000...1000, using: &random)) / 8)
                default: .string(String((0..<Int.random(in: 0...40, using: &random)).map { _ in Self.character(using: &random) }))
                }
            attributes.append(DeviceAttribute("a\(index)", value))
        }
        let io = (0..<Int.random(in: 0...3, using: &random)).map { index in
            IOElement(id: UInt16(index * 100 + 1), value: .unsigned(UInt64.random(in: 0...(1 << 53), using: &random), width: 8))
        }
        return Position(
            vehicleKey: vehicleKey, deviceID: Bool.random(using: &random) ? nil : Int64.random(in: .min ... .max, using: &random),
            fixTime: Int64.random(in: times, using: &random), receivedTime: Int64.random(in: times, using: &random),
            latitude: coordinate(), longitude: coordinate(), altitude: real(), heading: real(), speedKmh: real(),
            satellites: Int.random(in: -40_000...40_000, using: &random),
            hdop: Bool.random(using: &random) ? nil : real(), accuracy: Bool.random(using: &random) ? nil : real(),
            source: Bool.random(using: &random) ? .device : .manual, io: io, attributes: attributes)
    }

    /// Letters, Romanian diacritics, quotes, backslashes, control characters, a NUL and an emoji.
    static func character(using random: inout SeededGenerator) -> Character {
        let pool: [Character] = ["a", "Z", "ș", "ț", "ă", "\"", "\\", "\n", "\t", "\u{1}", "\u{0}", "🚚", " ", "/"]
        return pool[Int.random(in: 0..<pool.count, using: &random)]
    }
}
