import GeoFleetCore
import Testing
@testable import GeoFleetHotIndex

/// The open-addressing cell table against a Dictionary model, through growth and backward-shift deletes.
@Suite struct CellTableTests {
    @Test func behavesLikeADictionary() {
        var g = SeededGenerator(seed: 5)
        var table = CellTable()
        var model: [Int: Int32] = [:]
        for step in 0..<50_000 {
            // Clustered keys (neighbouring cells) collide in probe chains, which is what deletes must survive.
            let key = Int.random(in: 0..<3_000, using: &g) * (step % 3 == 0 ? 1 : 7_200)
            if Int.random(in: 0..<3, using: &g) == 0 {
                table.remove(key)
                model[key] = nil
            } else {
                let value = Int32(step)
                table.set(key, value)
                model[key] = value
            }
        }
        #expect(table.count == model.count)
        for key in 0..<3_000 {
            #expect(table.find(key) == model[key])
            #expect(table.find(key * 7_200) == model[key * 7_200])
        }
        #expect(table.find(-5) == nil)
    }
}
