import Foundation
import GeoFleetPlatform
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One exported (or track API) position, in the fields every format and the track API share.
struct ExportedRow: Equatable, CustomStringConvertible {
    var vehicleId: String
    var time: String
    var lat: Double
    var long: Double
    var speed: Double
    var heading: Double

    var description: String { "\(vehicleId.prefix(8)) \(time) \(lat),\(long) \(speed) km/h \(heading)°" }
}

/// Exports through the API, and the four formats read back into rows.
enum ExportTestSupport {
    /// POSTs an export and polls it until done (or failed); returns (id, final status JSON).
    static func run(_ harness: EngineHarness, token: String, body: [String: Any]) async throws -> (String, [String: Any]) {
        let (status, json) = try await harness.call("POST", "/api/privacy/exports", token: token, body: body)
        guard status == 202, let id = (json as? [String: Any])?["exportId"] as? String else {
            throw HarnessError("export request failed: \(status) \(String(describing: json))")
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let (_, raw) = try await harness.call("GET", "/api/privacy/exports/\(id)", token: token)
            if let job = raw as? [String: Any], let s = job["status"] as? String, s == "done" || s == "failed" { return (id, job) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("export \(id) did not finish")
    }

    /// GETs `path` with the token; returns status, headers and body.
    static func download(_ harness: EngineHarness, _ path: String, token: String) async throws -> (Int, [String: String], Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(harness.httpPort)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http?.allHeaderFields ?? [:] { headers[String(describing: k).lowercased()] = String(describing: v) }
        return (http?.statusCode ?? 0, headers, data)
    }

    static func json(_ data: Data) throws -> [ExportedRow] {
        let top = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let positions = try #require(top["positions"] as? [[String: Any]])
        return try positions.map { p in
            ExportedRow(
                vehicleId: try #require(p["vehicleId"] as? String), time: try #require(p["time"] as? String),
                lat: try #require(p["lat"] as? Double), long: try #require(p["long"] as? Double),
                speed: try #require(p["speed"] as? Double), heading: try #require(p["heading"] as? Double))
        }
    }

    static func geojson(_ data: Data) throws -> [ExportedRow] {
        let top = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        guard top["type"] as? String == "FeatureCollection" else { throw HarnessError("not a FeatureCollection") }
        let features = try #require(top["features"] as? [[String: Any]])
        return try features.map { f in
            let geometry = try #require(f["geometry"] as? [String: Any])
            guard geometry["type"] as? String == "Point" else { throw HarnessError("not a Point") }
            let c = try #require(geometry["coordinates"] as? [Double])
            let p = try #require(f["properties"] as? [String: Any])
            return ExportedRow(
                vehicleId: try #require(p["vehicleId"] as? String), time: try #require(p["time"] as? String), lat: c[1], long: c[0],
                speed: try #require(p["speed"] as? Double), heading: try #require(p["heading"] as? Double))
        }
    }

    /// RFC 4180 records (quoted fields with doubled quotes, CRLF).
    static func csvRecords(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    static func csv(_ data: Data) throws -> [ExportedRow] {
        let records = csvRecords(String(decoding: data, as: UTF8.self))
        let header = try #require(records.first)
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let (v, t, la, lo, s, h) = (
            try column("vehicle_id"), try column("time"), try column("lat"), try column("long"), try column("speed_kmh"), try column("heading")
        )
        return try records.dropFirst().map { r in
            guard r.count == header.count else { throw HarnessError("CSV record with \(r.count) fields: \(r)") }
            return ExportedRow(
                vehicleId: r[v], time: r[t], lat: try #require(Double(r[la])), long: try #require(Double(r[lo])),
                speed: try #require(Double(r[s])), heading: try #require(Double(r[h])))
        }
    }

    /// Rows of a GPX file: each `<trk>`'s `<desc>` is the vehicle id.
    static func gpx(_ data: Data) throws -> [ExportedRow] {
        let reader = GPXRows()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse() else { throw HarnessError("GPX does not parse: \(String(describing: parser.parserError))") }
        return reader.rows
    }

    /// `xmllint --noout --schema fixtures/gpx/gpx.xsd`; returns (exit status, its output).
    static func validateGPX(_ data: Data) throws -> (Int32, String) {
        let schema = try #require(RepositoryRoot.file("fixtures/gpx/gpx.xsd")).path
        let file = FileManager.default.temporaryDirectory.path + "/geofleet-export-\(UUIDString.short()).gpx"
        try data.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema, file]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// Collects trkpt rows while parsing GPX.
final class GPXRows: NSObject, XMLParserDelegate {
    var rows: [ExportedRow] = []
    private var vehicle = ""
    private var current: ExportedRow?
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        text = ""
        if name == "trkpt" {
            current = ExportedRow(
                vehicleId: vehicle, time: "", lat: Double(attributes["lat"] ?? "") ?? .nan, long: Double(attributes["lon"] ?? "") ?? .nan,
                speed: .nan, heading: .nan)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "desc" where current == nil: vehicle = text
        case "time": current?.time = text
        case "speed": current?.speed = Double(text) ?? .nan
        case "heading": current?.heading = Double(text) ?? .nan
        case "trkpt":
            if let current { rows.append(current) }
            current = nil
        default: break
        }
    }
}
