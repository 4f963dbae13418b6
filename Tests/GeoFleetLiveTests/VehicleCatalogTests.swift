import Foundation
import GeoFleetLive
import Testing

@Suite struct VehicleCatalogTests {
    @Test func entriesOfManyKeysKeepTheirOrderAndWhatTheViewKeeps() {
        let catalog = VehicleCatalog()
        let a = UUID()
        let b = UUID()
        let c = UUID()
        catalog.insert(.init(key: 1, id: a, owner: "u1", cargoID: "cargo_1"))
        catalog.insert(.init(key: 2, id: b, owner: "u2"))
        catalog.insert(.init(key: 3, id: c, owner: "u1"))
        let owned = catalog.entries(keys: [3, 2, 99, 1]) { $0.owner == "u1" ? ($0.id, $0.cargoID) : nil }
        #expect(owned.map { $0?.0 } == [c, nil, nil, a])
        #expect(owned.map { $0?.1 } == [nil, nil, nil, "cargo_1"])
        #expect(catalog.entries(keys: []) { $0.id }.isEmpty)
    }
}
