import Foundation
import GeoFleetLive
import Testing

/// An erased vehicle's GPS events in the resume window lose their coordinates; others keep theirs.
@Suite struct FleetEventRedactionTests {
    @Test func erasedVehicleEventsAreBlankedInTheResumeWindow() {
        let erased = UUID()
        let kept = UUID()
        let hub = FleetEventHub(now: { 1_790_000_000_000 })
        hub.publish(.gpsUpdate, userID: "alice", vehicleID: erased, data: #"{"lat":48.1,"long":11.5}"#)
        hub.publish(.gpsUpdate, userID: "alice", vehicleID: kept, data: #"{"lat":52.5,"long":13.4}"#)
        hub.publishStatusChange(userID: "alice", vehicleID: erased, from: "active", to: "inactive")
        hub.redactPositions(of: erased)
        let backlog = hub.subscribe(userID: "alice", after: 0).backlog
        #expect(backlog.count == 3)
        #expect(backlog[0].data == #"{"vehicleId":"\#(erased.uuidString.lowercased())","erased":true}"#)
        #expect(!backlog.contains { $0.vehicleID == erased && $0.data.contains("lat") })
        #expect(backlog[1].data.contains("52.5"), "another vehicle keeps its position")
        #expect(backlog[2].data.contains("inactive"), "status events carry no position and stay")
        #expect(backlog.map(\.sequence) == [1, 2, 3])
    }
}
