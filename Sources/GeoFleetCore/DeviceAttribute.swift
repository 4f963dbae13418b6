/// A named value a device reported beside its fix (GT06 cell and status, OsmAnd battery, …).
///
/// Teltonika's numbered AVL elements stay `IOElement`s; protocols that name their values use this.
public struct DeviceAttribute: Sendable, Hashable {
    /// The key in `positions.attributes`; never all digits, so it cannot collide with an AVL id.
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// The value of a named attribute, typed as JSON types it.
public enum AttributeValue: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
}

extension AttributeValue {
    /// Writes the value as JSON (non-finite doubles become null). `storable` strings lose their NULs
    /// to U+FFFD, so PostgreSQL's jsonb accepts them (see `JSONWriter.string`).
    public func write(to json: inout JSONWriter, storable: Bool = false) {
        switch self {
        case .int(let v): json.number(v)
        case .double(let v): json.number(v)
        case .bool(let v): json.bool(v)
        case .string(let s): json.string(s, replacingNUL: storable)
        }
    }
}
