import Foundation
import GeoFleetCluster
import GeoFleetCore
import Testing

/// The messages nodes exchange over Redis: what goes out comes back the same, and nothing malformed
/// is taken for a message.
struct ClusterMessageTests {
    static let positions = [
        Position(
            vehicleKey: 7, deviceID: 3, fixTime: 1_790_000_000_000, receivedTime: 1_790_000_000_250, latitude: 45.75, longitude: 21.23, speedKmh: 61),
        Position(
            vehicleKey: 9, deviceID: nil, fixTime: 1_790_000_001_000, receivedTime: 1_790_000_001_100, latitude: 44.43, longitude: 26.1,
            source: .manual),
    ]

    @Test func positionsRoundTripWithOwnersThatNeedEscaping() throws {
        let message = RelayedPositions(
            node: "n2", groups: [.init(owner: "user a\nb c", positions: [Self.positions[0]]), .init(owner: "ü", positions: [Self.positions[1]])])
        let decoded = try #require(RelayedPositions(decoding: message.encoded()))
        #expect(decoded == message)
        #expect(decoded.positionCount == 2)
    }

    @Test func malformedPositionMessagesAreRefused() {
        #expect(RelayedPositions(decoding: "") == nil)
        #expect(RelayedPositions(decoding: "n1\nnot-base64 !!") == nil)
        #expect(RelayedPositions(decoding: "n1\n" + Data("u".utf8).base64EncodedString() + " " + Data([1, 2, 3]).base64EncodedString()) == nil)
        #expect(RelayedPositions(decoding: "n1\nonly-one-field") == nil)
    }

    @Test func eventsAndChangesRoundTrip() throws {
        let event = RelayedEvent(
            node: "n1", kind: "geofence_enter", userID: "u1", vehicleID: UUID(), data: #"{"geofenceId":"x"}"#, eventID: UUID(), cargoID: "c-1")
        #expect(RelayedEvent(decoding: event.encoded()) == event)
        let change = CacheChange(scope: .geofences, userID: "u1", node: "n3")
        #expect(CacheChange(decoding: change.encoded()) == change)
        #expect(CacheChange(decoding: #"{"scope":"nothing","userID":"u","node":"n"}"#) == nil)
        #expect(RelayedEvent(decoding: "[]") == nil)
    }
}
