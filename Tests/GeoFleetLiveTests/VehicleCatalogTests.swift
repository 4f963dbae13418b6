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

    @Test func entryByIDFollowsInsertsMovesAndRemovals() {
        let catalog = VehicleCatalog()
        let a = UUID()
        let b = UUID()
        catalog.insert(.init(key: 1, id: a, owner: "u1"))
        #expect(catalog.entry(id: a)?.key == 1)
        // The same key moves to another owner: still found, with its new owner.
        catalog.insert(.init(key: 1, id: a, owner: "u2"))
        #expect(catalog.entry(id: a)?.owner == "u2")
        // The key now holds another vehicle id: the old id is gone.
        catalog.insert(.init(key: 1, id: b, owner: "u2"))
        #expect(catalog.entry(id: a) == nil)
        #expect(catalog.entry(id: b)?.key == 1)
        catalog.remove(key: 1)
        #expect(catalog.entry(id: b) == nil)
        #expect(catalog.entry(id: UUID()) == nil)
    }
}
