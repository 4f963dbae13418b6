import GeoFleetCore

/// One position from an OsmAnd / Traccar Client request, with the device's unique id as it sent it.
public struct OsmAndReport: Sendable, Equatable {
    public var deviceID: String
    public var fix: DeviceFix

    public init(deviceID: String, fix: DeviceFix) {
        self.deviceID = deviceID
        self.fix = fix
    }
}
