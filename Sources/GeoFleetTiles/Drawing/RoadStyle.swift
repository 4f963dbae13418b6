import GeoFleetRouting

/// How roads look: OSM-Carto-like colours per class, widths growing with zoom, the zoom each class appears at.
public enum RoadStyle {
    /// Bumped whenever drawing changes, so that browsers and the disk cache drop old tiles.
    public static let version = 1

    public static let background = RGB(0xF2EFE9)
    public static let grid = RGB(0xD8D4CC)
    public static let casing = RGB(0x8F8A80)
    public static let label = RGB(0x33302B)
    /// Truck-restricted roads on the restrictions layer.
    public static let restriction = RGB(0xD7263D)

    public static func fill(_ kind: RoadClass) -> RGB {
        switch kind {
        case .motorway: RGB(0xE892A2)
        case .trunk: RGB(0xF9B29C)
        case .primary: RGB(0xFCD6A4)
        case .secondary: RGB(0xF7FABF)
        case .tertiary, .unclassified, .residential, .livingStreet, .service: RGB(0xFFFFFF)
        }
    }

    /// The least zoom a class is drawn at; below it the tile would be a grey smear.
    public static func minimumZoom(_ kind: RoadClass) -> Int {
        switch kind {
        case .motorway, .trunk: 5
        case .primary: 8
        case .secondary: 9
        case .tertiary: 11
        case .unclassified, .residential: 13
        case .livingStreet, .service: 14
        }
    }

    /// The smallest class drawn at `zoom`.
    public static func minimumKind(atZoom zoom: Int) -> RoadClass? {
        RoadClass.allCases.last { minimumZoom($0) <= zoom }
    }

    /// The fill width in pixels.
    public static func width(_ kind: RoadClass, isLink: Bool, zoom: Int) -> Double {
        let base: Double =
            switch kind {
            case .motorway, .trunk: 3
            case .primary: 2.6
            case .secondary: 2.3
            case .tertiary: 2
            case .unclassified, .residential: 1.6
            case .livingStreet, .service: 1.1
            }
        // Doubling from zoom 13 would make zoom-19 streets 100 px wide; grow by a third per level instead.
        let grown = base * max(0.5, min(6, pow13(zoom)))
        return isLink ? grown * 0.6 : grown
    }

    private static func pow13(_ zoom: Int) -> Double {
        var factor = 1.0
        if zoom >= 13 {
            for _ in 13..<zoom { factor *= 1.33 }
        } else {
            for _ in zoom..<13 { factor /= 1.2 }
        }
        return factor
    }

    /// Names are drawn from this zoom on.
    public static let labelZoom = 15
}

/// An opaque sRGB colour, `0xRRGGBB`.
public struct RGB: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ hex: UInt32) {
        red = UInt8((hex >> 16) & 0xFF)
        green = UInt8((hex >> 8) & 0xFF)
        blue = UInt8(hex & 0xFF)
    }

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }
}
