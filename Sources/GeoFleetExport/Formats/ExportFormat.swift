/// The file formats an export is written in; every format carries the same rows.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    case json, csv, gpx, geojson

    /// The download's Content-Type.
    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv; charset=utf-8"
        case .gpx: "application/gpx+xml"
        case .geojson: "application/geo+json"
        }
    }

    public var fileExtension: String { rawValue }

    func makeWriter() -> any ExportRowWriter {
        switch self {
        case .json: JSONExportWriter()
        case .csv: CSVExportWriter()
        case .gpx: GPXExportWriter()
        case .geojson: GeoJSONExportWriter()
        }
    }
}
