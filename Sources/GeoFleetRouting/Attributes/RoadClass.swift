/// The `highway` class of a road, from the fastest to the slowest; links share their road's class.
public enum RoadClass: UInt8, Sendable, CaseIterable, Codable {
    case motorway
    case trunk
    case primary
    case secondary
    case tertiary
    case unclassified
    case residential
    case livingStreet
    case service

    /// The class and whether it is a `_link` ramp, for a `highway` value; nil for values no profile routes on.
    public static func of(highway: String) -> (roadClass: RoadClass, isLink: Bool)? {
        let isLink = highway.hasSuffix("_link")
        let base = isLink ? String(highway.dropLast(5)) : highway
        let found: RoadClass?
        switch base {
        case "motorway": found = .motorway
        case "trunk": found = .trunk
        case "primary": found = .primary
        case "secondary": found = .secondary
        case "tertiary": found = .tertiary
        case "unclassified": found = .unclassified
        case "residential": found = .residential
        case "living_street": found = .livingStreet
        case "service": found = .service
        default: found = nil
        }
        return found.map { ($0, isLink) }
    }

    /// The OSM `highway` value (without `_link`), as the API names the class.
    public var name: String {
        switch self {
        case .livingStreet: return "living_street"
        default: return String(describing: self)
        }
    }
}
