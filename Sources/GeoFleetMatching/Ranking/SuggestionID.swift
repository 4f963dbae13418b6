import Foundation

/// A suggestion's id: the same user, vehicle and load always give the same id, so a vote refers to
/// the pairing, however often it was suggested.
public enum SuggestionID {
    public static func make(user: String, vehicle: UUID, cargo: String) -> UUID {
        let text = Array("\(user)|\(vehicle.uuidString.lowercased())|\(cargo)".utf8)
        let a = fnv(text, basis: 0xcbf2_9ce4_8422_2325)
        let b = fnv(text, basis: 0x8422_2325_cbf2_9ce4)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * i))
        }
        // RFC 9562 version 8 (custom), variant 10.
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    private static func fnv(_ bytes: [UInt8], basis: UInt64) -> UInt64 {
        var hash = basis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
