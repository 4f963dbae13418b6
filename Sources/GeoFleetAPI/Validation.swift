import Foundation
import GeoFleetCore

/// Input rules shared by the routes; each failure is a 400 with a message naming the field.
enum Validate {
    static let vehicleTypes: Set<String> = ["truck", "van", "trailer", "flatbed", "refrigerated"]
    static let vehicleStatuses: Set<String> = ["active", "inactive", "maintenance"]

    static func latitude(_ value: Double, field: String = "lat") throws -> Double {
        guard value.isFinite, (-90...90).contains(value) else { throw APIError.badRequest("\(field) must be a number between -90 and 90") }
        return value
    }

    static func longitude(_ value: Double, field: String = "long") throws -> Double {
        guard value.isFinite, (-180...180).contains(value) else { throw APIError.badRequest("\(field) must be a number between -180 and 180") }
        return value
    }

    /// Plates: letters, digits, spaces and dashes, 1 to 16 characters (EU plates fit).
    static func plate(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces).uppercased()
        guard (1...16).contains(trimmed.count),
            trimmed.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == " " || $0 == "-" })
        else { throw APIError.badRequest("licensePlate must be 1-16 letters, digits, spaces or dashes") }
        return trimmed
    }

    /// A device id: an IMEI (15 digits) or another tracker id of 4-32 letters, digits, dashes or underscores.
    static func deviceID(_ value: String) throws -> String {
        guard (4...32).contains(value.count),
            value.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" })
        else { throw APIError.badRequest("gpsDeviceId must be 4-32 letters, digits, dashes or underscores (an IMEI is 15 digits)") }
        return value
    }

    /// User ids from tokens and ids in bodies (Clerk ids, UUIDs): printable, bounded.
    static func reference(_ value: String, field: String) throws -> String {
        guard (1...64).contains(value.count),
            value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0)) })
        else { throw APIError.badRequest("\(field) must be 1-64 letters, digits, dashes or underscores") }
        return value
    }

    /// An ISO 3166-1 alpha-2 country code, upper-cased (`ro` → `RO`).
    static func country(_ value: String, field: String) throws -> String {
        let upper = value.uppercased()
        guard upper.count == 2, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw APIError.badRequest("\(field) must be a two-letter ISO 3166 country code (RO, HU, …)")
        }
        return upper
    }

    static func capacity(_ value: Double, field: String, max: Double) throws -> Double {
        guard value.isFinite, value >= 0, value <= max else { throw APIError.badRequest("\(field) must be between 0 and \(Int(max))") }
        return value
    }

    /// A free-text address: printable, at most 300 characters.
    static func address(_ value: String, field: String) throws -> String {
        guard value.count <= 300, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("\(field) must be at most 300 printable characters")
        }
        return value
    }

    /// Free text for a filter (plate search): printable, bounded.
    static func searchText(_ value: String, field: String) throws -> String {
        guard value.count <= 32, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("\(field) must be at most 32 printable characters")
        }
        return value
    }

    /// An ISO 8601 instant between 1970 and 9999 (what the API can store and print back).
    static func time(_ raw: String, field: String) throws -> Int64 {
        guard let ms = UTCTime.parseISO8601(raw), (0...253_402_300_799_999).contains(ms) else {
            throw APIError.badRequest("\(field) must be an ISO 8601 time between 1970 and 9999")
        }
        return ms
    }

    static func uuid(_ value: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: value) else { throw APIError.badRequest("\(field) must be a UUID") }
        return id
    }
}
