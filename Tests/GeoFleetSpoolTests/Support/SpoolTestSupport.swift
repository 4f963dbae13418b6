import Foundation
import GeoFleetPlatform
import GeoFleetSpool
import Logging

let quietLogger = Logger(label: "spool-test", factory: { _ in SwiftLogNoOpLogHandler() })

func openSpool(
    _ directory: String, after: UInt64 = 0, committed: UInt64? = nil, maxPendingBytes: Int64 = 1 << 30, segmentBytes: Int = 64 << 20
) throws -> Spool {
    try Spool(
        configuration: SpoolConfiguration(directory: directory, maxPendingBytes: maxPendingBytes, segmentBytes: segmentBytes),
        sequencesAfter: after, committedThrough: committed, logger: quietLogger)
}

/// Deterministic payload of `size` bytes, different per `seed`.
func payload(_ seed: Int, size: Int = 32) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0 &* 7) }
}

/// Segment file names in `directory`, sorted.
func segmentFiles(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("seg-") }.sorted()
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Size on disk of one record with a payload of `size` bytes (20 bytes of framing).
func recordSize(_ size: Int) -> Int { 20 + size }
