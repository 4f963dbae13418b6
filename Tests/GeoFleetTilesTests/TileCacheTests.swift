import Foundation
import GeoFleetTiles
import Logging
import Testing

/// The caches keep what they may and no more; the service answers from them with stable ETags.
struct TileCacheTests {
    func key(_ x: Int, _ layer: TileLayer = .roads) -> TileKey { TileKey(TileAddress(z: 10, x: x, y: 5)!, layer) }

    @Test("the memory cache drops the least recently used tile once its bytes pass the cap")
    func memoryLRU() {
        let cache = TileMemoryCache(capacityBytes: 300)
        cache.put(key(1), [UInt8](repeating: 1, count: 100))
        cache.put(key(2), [UInt8](repeating: 2, count: 100))
        cache.put(key(3), [UInt8](repeating: 3, count: 100))
        #expect(cache.get(key(1)) != nil) // 1 is now the most recent; 2 the least
        cache.put(key(4), [UInt8](repeating: 4, count: 100))
        #expect(cache.get(key(2)) == nil)
        #expect(cache.get(key(1)) != nil && cache.get(key(3)) != nil && cache.get(key(4)) != nil)
        #expect(cache.bytes == 300 && cache.count == 3)
        cache.put(key(5), [UInt8](repeating: 5, count: 301))
        #expect(cache.get(key(5)) == nil && cache.bytes == 300)
        cache.put(key(1, .restrictions), [UInt8](repeating: 6, count: 250))
        #expect(cache.bytes <= 300 && cache.get(key(1, .restrictions)) != nil)
    }

    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "geofleet-tiles-\(UUID().uuidString)"
        return path
    }

    @Test("the disk cache writes private files, stops at its cap, and a new identity clears old tiles")
    func diskCache() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let disk = try TileDiskCache(root: root, identity: "graph-a", capacityBytes: 250)
        #expect(disk.write(key(1), [UInt8](repeating: 1, count: 100)))
        #expect(disk.write(key(2), [UInt8](repeating: 2, count: 100)))
        #expect(!disk.write(key(3), [UInt8](repeating: 3, count: 100)))
        #expect(disk.read(key(1)) == [UInt8](repeating: 1, count: 100))
        #expect(disk.read(key(3)) == nil)
        let file = disk.directory + "/roads/10/1/5.png"
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
        // Reopened: the bytes already there count against the cap.
        let again = try TileDiskCache(root: root, identity: "graph-a", capacityBytes: 250)
        #expect(again.bytes == 200 && again.read(key(2)) != nil)
        let other = try TileDiskCache(root: root, identity: "graph-b", capacityBytes: 250)
        #expect(other.read(key(1)) == nil && other.bytes == 0)
        #expect(!FileManager.default.fileExists(atPath: disk.directory))
    }

    @Test("the service renders once, then answers from memory, and from disk after a restart; ETags do not change")
    func serviceCaches() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var settings = TileService.Settings()
        settings.diskDirectory = root
        let address = TileAddress(z: 16, x: 34119, y: 23897)!
        let source = FixedRoads(roads: TileRendererTests().roads.roads)
        let service = TileService(source: source, settings: settings, logger: Logger(label: "test"))
        let first = try await service.tile(TileKey(address, .roads))
        let second = try await service.tile(TileKey(address, .roads))
        #expect(first.origin == .render && second.origin == .memory)
        #expect(first.png == second.png && first.etag == second.etag)
        let restarted = TileService(source: source, settings: settings, logger: Logger(label: "test"))
        let third = try await restarted.tile(TileKey(address, .roads))
        #expect(third.origin == .disk && third.etag == first.etag && third.png == first.png)
        // Another layer, another tile, other data: other ETags.
        #expect(service.etag(TileKey(address, .restrictions)) != first.etag)
        #expect(service.etag(TileKey(TileAddress(z: 16, x: 34120, y: 23897)!, .roads)) != first.etag)
        let otherData = TileService(source: FixedRoads(roads: []), settings: TileService.Settings(), logger: Logger(label: "test"))
        #expect(otherData.etag(TileKey(address, .roads)) != first.etag)
    }

    @Test("with every render slot and queue place taken, a render is refused at once")
    func busyRefused() async throws {
        var settings = TileService.Settings()
        settings.maxConcurrentRenders = 1
        settings.maxQueuedRenders = 0
        // A source that holds the one slot until released.
        let blocker = BlockingRoads()
        let service = TileService(source: blocker, settings: settings, logger: Logger(label: "test"))
        let held = Task { try await service.tile(TileKey(TileAddress(z: 16, x: 1, y: 1)!, .roads)) }
        while !blocker.entered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: TileService.Failure.self) { try await service.tile(TileKey(TileAddress(z: 16, x: 2, y: 1)!, .roads)) }
        blocker.release.withLock { $0 = true }
        #expect(try await held.value.origin == .render)
        #expect(try await service.tile(TileKey(TileAddress(z: 16, x: 2, y: 1)!, .roads)).origin == .render)
    }
}
