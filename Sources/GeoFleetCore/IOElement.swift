/// One device I/O element (Teltonika AVL id, or a named attribute of another protocol), kept as sent.
public struct IOElement: Sendable, Hashable {
    /// The element's id as the device numbers it (Teltonika AVL ID).
    public var id: UInt16
    /// The raw value.
    public var value: IOValue

    public init(id: UInt16, value: IOValue) {
        self.id = id
        self.value = value
    }
}

/// The value of an I/O element: a fixed-width unsigned integer or a variable-length byte string.
public enum IOValue: Sendable, Hashable {
    /// A 1, 2, 4 or 8-byte value, as unsigned (signedness depends on the AVL id table, which we don't interpret).
    case unsigned(UInt64, width: UInt8)
    /// A variable-length value (Codec 8 Extended NX group, e.g. VIN, DTCs, BLE data).
    case bytes([UInt8])
}

extension Array where Element == IOElement {
    /// The elements as a JSON object `{"<id>": number | "hex"}`, the form stored in `positions.attributes`.
    public var jsonObject: String { AttributesJSON.object(io: self, named: []) }
}

/// The JSON object stored in `positions.attributes`.
public enum AttributesJSON {
    /// Named attributes under their names, then AVL elements under their numeric ids.
    public static func object(io: [IOElement], named: [DeviceAttribute]) -> String {
        if io.isEmpty && named.isEmpty { return "{}" }
        var json = JSONWriter(capacity: 16 * (io.count + named.count) + 2)
        json.beginObject()
        for attribute in named {
            // Names and values come from devices: never a NUL into jsonb.
            json.key(escaping: attribute.name, replacingNUL: true)
            attribute.value.write(to: &json, storable: true)
        }
        for element in io {
            json.key(escaping: String(element.id))
            switch element.value {
            case .unsigned(let v, _): json.number(v)
            case .bytes(let bytes): json.string(bytes.hexString)
            }
        }
        json.endObject()
        return json.text
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte.
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            chars.append(digits[Int(byte >> 4)])
            chars.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Parses hex (upper or lower case, optional whitespace); nil on odd length or a non-hex character.
    public init?(hex: String) {
        var bytes: [UInt8] = []
        var high: UInt8? = nil
        for c in hex.utf8 {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        if high != nil { return nil }
        self = bytes
    }
}
