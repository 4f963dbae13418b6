import Foundation
import Testing

@testable import GeoFleetAPI

@Suite struct UUIDAPITextTests {
    @Test func isTheLowerCasedUUIDString() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.apiText == id.uuidString.lowercased())
        }
        let fixed = UUID(uuidString: "0B0E7C5E-6F57-4A5E-9D7E-1F2A3B4C5DFF")!
        #expect(fixed.apiText == "0b0e7c5e-6f57-4a5e-9d7e-1f2a3b4c5dff")
    }
}
