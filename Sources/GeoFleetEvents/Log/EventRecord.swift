import Foundation
import GeoFleetCore

/// One event of the durable log.
public struct EventRecord: Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var userID: String
    public var vehicleID: UUID
    /// Milliseconds since the epoch.
    public var time: Int64
    public var geofenceID: UUID?
    public var cargoID: String?
    /// A JSON object's text (stored as jsonb, so it reads back normalised).
    public var data: String

    public init(
        id: UUID, type: String, userID: String, vehicleID: UUID, time: Int64, geofenceID: UUID? = nil, cargoID: String? = nil,
        data: String = "{}"
    ) {
        self.id = id
        self.type = type
        self.userID = userID
        self.vehicleID = vehicleID
        self.time = time
        self.geofenceID = geofenceID
        self.cargoID = cargoID
        self.data = data
    }

    /// The JSON the API lists and webhooks receive: {"id","type","time" (ISO 8601 UTC with ms),"vehicleId","geofenceId"?,"cargoId"?,"data":{...}}
    public var json: String {
        var w = JSONWriter(capacity: 160 + data.utf8.count)
        write(to: &w)
        return w.text
    }

    /// Writes `json` into a larger document (the API's list).
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(id.uuidString.lowercased())
        w.key("type")
        w.string(type)
        w.key("time")
        w.date(milliseconds: time)
        w.key("vehicleId")
        w.string(vehicleID.uuidString.lowercased())
        if let geofenceID {
            w.key("geofenceId")
            w.string(geofenceID.uuidString.lowercased())
        }
        if let cargoID {
            w.key("cargoId")
            w.string(cargoID)
        }
        w.key("data")
        w.json(data)
        w.endObject()
    }
}
