import Foundation
import GeoFleetCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Encoded tiles under the data dir (`<data dir>/tiles/<data id>/layer/z/x/y.png`), private to the user,
/// written until a byte cap: a restart does not render the busy tiles again.
public final class TileDiskCache: Sendable {
    public let directory: String
    public let capacityBytes: Int
    private let used: Mutex<Int>

    /// Opens the cache for the data `identity` under `root`, removing the folders of other data (an older graph's tiles).
    public init(root: String, identity: String, capacityBytes: Int) throws {
        let name = FNV1a.hex(identity.utf8)
        let manager = FileManager.default
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for other in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where other != name {
            try? manager.removeItem(atPath: root + "/" + other)
        }
        directory = root + "/" + name
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.capacityBytes = capacityBytes
        var total = 0
        if let files = manager.enumerator(atPath: directory) {
            while let file = files.nextObject() as? String {
                guard let attributes = try? manager.attributesOfItem(atPath: directory + "/" + file),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                total += attributes[.size] as? Int ?? 0
            }
        }
        used = Mutex(total)
    }

    /// The tile's bytes, or nil.
    public func read(_ key: TileKey) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + key.relativePath) else { return nil }
        return [UInt8](data)
    }

    /// Writes the tile (0600, through a temporary file and a rename, so a reader never sees half of it);
    /// false when the cap is reached or the write failed.
    @discardableResult
    public func write(_ key: TileKey, _ bytes: [UInt8]) -> Bool {
        let reserved = used.withLock { total -> Bool in
            guard total + bytes.count <= capacityBytes else { return false }
            total += bytes.count
            return true
        }
        guard reserved else { return false }
        let path = directory + "/" + key.relativePath
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            used.withLock { $0 -= bytes.count }
            return false
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            used.withLock { $0 -= bytes.count }
            return false
        }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            used.withLock { $0 -= bytes.count }
            return false
        }
        return true
    }

    /// Bytes written so far (tiles found at start included).
    public var bytes: Int { used.withLock { $0 } }

}
