import GeoFleetCore

/// Which country a tolled stretch lies in, from coarse bounding boxes of the countries that have toll
/// rates: the smallest box that holds the point wins (so Andorra beats Spain and France). Near a
/// border two boxes overlap and the answer can be the neighbour's, which the analyses' notes say.
public enum CountryLocator {
    struct Box {
        var code: String
        var south: Double, west: Double, north: Double, east: Double
        var area: Double { (north - south) * (east - west) }
        func contains(_ p: GeoPoint) -> Bool {
            p.latitude >= south && p.latitude <= north && p.longitude >= west && p.longitude <= east
        }
    }

    /// A country may take several boxes, so that a border that runs diagonally (Hungary–Romania,
    /// Italy–France on the coast) or along a river (the Danube) is followed more closely.
    static let boxes: [Box] = [
        Box(code: "AD", south: 42.43, west: 1.41, north: 42.66, east: 1.79),
        Box(code: "SI", south: 45.42, west: 13.37, north: 46.88, east: 16.61),
        Box(code: "MD", south: 45.46, west: 26.61, north: 48.49, east: 30.14),
        Box(code: "HR", south: 42.39, west: 13.49, north: 46.56, east: 19.45),
        // Serbia: south of the Danube, and Vojvodina west of the Banat border.
        Box(code: "RS", south: 42.23, west: 18.81, north: 44.70, east: 23.01),
        Box(code: "RS", south: 44.70, west: 18.81, north: 46.19, east: 20.80),
        // Hungary: the Great Plain west of Arad and Oradea, and the north-east above Oradea.
        Box(code: "HU", south: 45.74, west: 16.11, north: 48.59, east: 21.20),
        Box(code: "HU", south: 47.20, west: 21.20, north: 48.59, east: 22.90),
        // Bulgaria: south of the Danube; Vidin's bend; Ruse's bank; Silistra's corner of Dobruja.
        Box(code: "BG", south: 41.23, west: 22.36, north: 43.75, east: 28.61),
        Box(code: "BG", south: 43.75, west: 22.36, north: 44.22, east: 23.50),
        Box(code: "BG", south: 43.75, west: 25.00, north: 43.87, east: 26.40),
        Box(code: "BG", south: 43.75, west: 26.50, north: 44.12, east: 27.30),
        Box(code: "RO", south: 43.62, west: 20.26, north: 48.27, east: 29.76),
        Box(code: "SK", south: 47.73, west: 16.83, north: 49.61, east: 22.57),
        Box(code: "CZ", south: 48.55, west: 12.09, north: 51.06, east: 18.86),
        Box(code: "AT", south: 46.37, west: 9.53, north: 49.02, east: 17.16),
        Box(code: "PT", south: 36.96, west: -9.50, north: 42.15, east: -6.19),
        Box(code: "UA", south: 44.38, west: 22.14, north: 52.38, east: 40.23),
        Box(code: "PL", south: 49.00, west: 14.12, north: 54.84, east: 24.15),
        Box(code: "DE", south: 47.27, west: 5.87, north: 55.06, east: 15.04),
        // Italy: the Alps and the peninsula, leaving the Riviera west of Ventimiglia to France and Monaco.
        Box(code: "IT", south: 43.90, west: 6.63, north: 47.09, east: 18.52),
        Box(code: "IT", south: 36.62, west: 7.53, north: 43.90, east: 18.52),
        Box(code: "FR", south: 41.33, west: -5.14, north: 51.09, east: 9.56),
        Box(code: "ES", south: 35.95, west: -9.30, north: 43.79, east: 4.33),
    ].sorted { $0.area < $1.area }

    /// The ISO code of the smallest box holding the point, or nil outside them all.
    public static func country(of point: GeoPoint) -> String? {
        boxes.first { $0.contains(point) }?.code
    }
}
