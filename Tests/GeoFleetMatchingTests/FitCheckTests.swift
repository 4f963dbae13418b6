import Foundation
import GeoFleetCore
import GeoFleetMatching
import Testing

@Suite("Fit checks and confidence")
struct FitCheckTests {
    static let now: Int64 = 1_790_000_000_000

    static func vehicle(
        type: String = "truck", weight: Double = 24_000, volume: Double = 90, status: String = "active",
        assigned: String? = nil, position: GeoPoint? = GeoPoint(latitude: 44.4, longitude: 26.1)
    ) -> MatchVehicle {
        MatchVehicle(
            key: 1, id: UUID(), owner: "u", type: type, capacityWeightKg: weight, capacityVolumeM3: volume, status: status,
            assignedCargoID: assigned, position: position, fixTime: now, source: .device)
    }

    static func cargo(
        weight: Double = 10_000, volume: Double? = 40, type: String? = nil, loadingIn hours: Double = 3,
        deliveryBy: Int64? = nil
    ) -> Cargo {
        Cargo(
            id: "c1", pickup: GeoPoint(latitude: 44.5, longitude: 26.0), delivery: GeoPoint(latitude: 45.7, longitude: 21.2),
            weightKg: weight, volumeM3: volume, vehicleType: type, loadingFrom: now, loadingTo: now + Int64(hours * 3_600_000),
            deliveryBy: deliveryBy, totalPrice: 1200)
    }

    @Test("each static rule gives its own reason")
    func staticReasons() {
        #expect(FitCheck.staticReasons(cargo: Self.cargo(), vehicle: Self.vehicle()).isEmpty)
        let codes = FitCheck.staticReasons(
            cargo: Self.cargo(weight: 30_000, volume: 100, type: "refrigerated"),
            vehicle: Self.vehicle(type: "flatbed", status: "maintenance", assigned: "other", position: nil)
        ).map(\.code)
        #expect(codes == ["type", "weight", "volume", "status", "assigned", "position"])
        // A load already assigned to this very vehicle is not a reason against it.
        #expect(FitCheck.staticReasons(cargo: Self.cargo(), vehicle: Self.vehicle(assigned: "c1")).isEmpty)
        let weight = FitCheck.staticReasons(cargo: Self.cargo(weight: 25_000), vehicle: Self.vehicle())
        #expect(weight.map(\.text) == ["weight: 25000 kg exceeds the capacity of 24000 kg"])
    }

    @Test("a plain truck load takes any heavy body; a specific body only itself")
    func typeCompatibility() {
        #expect(FitCheck.typeAccepts(required: "truck", vehicleType: "refrigerated"))
        #expect(FitCheck.typeAccepts(required: "truck", vehicleType: "flatbed"))
        #expect(!FitCheck.typeAccepts(required: "truck", vehicleType: "van"))
        #expect(!FitCheck.typeAccepts(required: "refrigerated", vehicleType: "truck"))
        #expect(FitCheck.typeAccepts(required: nil, vehicleType: "van"))
    }

    @Test("timing: breaks on the way; a driver near the daily limit misses the window; deliveries too late are refused")
    func timing() {
        let cargo = Self.cargo(loadingIn: 3)
        // 2 h to the pickup, fresh driver: no break, arrives in time.
        let fresh = FitCheck.timing(cargo: cargo, now: Self.now, deadheadSeconds: 7200, loadedSeconds: 4 * 3600, driver: .init())
        #expect(fresh.toPickupSeconds == 7200)
        #expect(FitCheck.timingReasons(cargo: cargo, timing: fresh, driver: .init()).isEmpty)
        // Loaded 4 h after 2 h deadhead: one 45 min break in the whole trip; 2 h handling.
        #expect(fresh.breaks == 1)
        #expect(fresh.totalSeconds == 6 * 3600 + 45 * 60 + 7200)
        // 8.5 h driven today: after 30 min the day's driving is over, 11 h rest, arrives far too late.
        let tired = DrivingTimeRules.DriverState(drivenTodaySeconds: 8.5 * 3600, drivenSinceBreakSeconds: 2 * 3600)
        let late = FitCheck.timing(cargo: cargo, now: Self.now, deadheadSeconds: 7200, loadedSeconds: 0, driver: tired)
        #expect(late.restsBeforePickup == 1)
        #expect(late.toPickupSeconds == 7200 + 11 * 3600)
        let reasons = FitCheck.timingReasons(cargo: cargo, timing: late, driver: tired)
        #expect(reasons.map(\.code) == ["driving_time"])
        #expect(reasons[0].message.contains("8.5 h today"))
        // Arriving early means waiting for loading to open.
        let early = Cargo(
            id: "e", pickup: cargo.pickup, delivery: cargo.delivery, weightKg: 1, loadingFrom: Self.now + 5 * 3_600_000,
            loadingTo: Self.now + 6 * 3_600_000)
        #expect(FitCheck.timing(cargo: early, now: Self.now, deadheadSeconds: 3600, loadedSeconds: 0, driver: .init()).waitSeconds == 4 * 3600)
        let rushed = Self.cargo(loadingIn: 3, deliveryBy: Self.now + 5 * 3_600_000)
        let trip = FitCheck.timing(cargo: rushed, now: Self.now, deadheadSeconds: 3600, loadedSeconds: 4 * 3600, driver: .init())
        #expect(FitCheck.timingReasons(cargo: rushed, timing: trip, driver: .init()).map(\.code) == ["late_delivery"])
    }

    @Test("confidence falls with an aging or stale position, a manual one, and a heuristic distance")
    func confidence() {
        #expect(MatchConfidence.assess(positionAgeMs: 60_000, source: .device, heuristicDistance: false) == .high)
        #expect(MatchConfidence.assess(positionAgeMs: 30 * 60_000, source: .device, heuristicDistance: false) == .medium)
        #expect(MatchConfidence.assess(positionAgeMs: 3 * 3_600_000, source: .device, heuristicDistance: false) == .low)
        #expect(MatchConfidence.assess(positionAgeMs: 60_000, source: .manual, heuristicDistance: false) == .medium)
        #expect(MatchConfidence.assess(positionAgeMs: 60_000, source: .device, heuristicDistance: true) == .medium)
        #expect(MatchConfidence.assess(positionAgeMs: 60_000, source: .manual, heuristicDistance: true) == .low)
        #expect(MatchConfidence.assess(positionAgeMs: nil, source: nil, heuristicDistance: false) == .low)
    }
}
