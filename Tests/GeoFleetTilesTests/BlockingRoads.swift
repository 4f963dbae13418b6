import Foundation
import GeoFleetRouting
import GeoFleetTiles
import Synchronization

/// A road source whose first lookup waits until the test lets it go (to hold a render slot).
final class BlockingRoads: TileRoadSource {
    let entered = Mutex(false)
    let release = Mutex(false)
    var identity: String { "blocking" }

    func roads(in box: GeoBox, minimum: RoadClass) -> [TileRoad] {
        entered.withLock { $0 = true }
        while !release.withLock({ $0 }) { usleep(1000) }
        return []
    }
}
