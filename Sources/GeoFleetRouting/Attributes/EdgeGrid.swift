import GeoFleetCore
import Synchronization

/// A uniform grid over the edges' bounding boxes, for "which roads lie in this box" (map tiles). Built on
/// first use: routing never needs it, and a daemon without the console never pays for it.
final class EdgeGrid: Sendable {
    static let cellDegrees = 0.02

    private struct Cells: Sendable {
        var keys: [Int64]
        var start: [UInt32]
        var edges: [UInt32]
    }

    private let cells = Mutex<Cells?>(nil)

    private static func cell(_ degrees: Double) -> Int32 { Int32((degrees / cellDegrees).rounded(.down)) }
    /// Row-major and monotone in x within a row (x offset to unsigned), so one row's cells are one key range.
    private static func key(_ y: Int32, _ x: Int32) -> Int64 { Int64(y) << 32 + (Int64(x) + 0x8000_0000) }

    /// Edges whose bounding box meets the box, each once, in ascending order.
    func edges(in graph: RoutingGraph, south: Double, west: Double, north: Double, east: Double) -> [Int] {
        guard south.isFinite, west.isFinite, north.isFinite, east.isFinite, south <= north, west <= east else { return [] }
        let (south, north) = (max(south, -90), min(north, 90))
        let (west, east) = (max(west, -180), min(east, 180))
        guard south <= north, west <= east else { return [] }
        // Built once under the lock; queried outside it, so concurrent tile renders do not wait on each other.
        let table = cells.withLock { stored -> Cells in
            if let stored { return stored }
            let built = Self.build(graph)
            stored = built
            return built
        }
        var found: [UInt32] = []
        let y0 = Self.cell(south), y1 = Self.cell(north), x0 = Self.cell(west), x1 = Self.cell(east)
        for y in y0...y1 {
            // Cells of one row are contiguous keys: find the first, walk while the row lasts.
            let first = Self.key(y, x0), last = Self.key(y, x1)
            var low = 0, high = table.keys.count
            while low < high {
                let middle = (low + high) / 2
                if table.keys[middle] < first { low = middle + 1 } else { high = middle }
            }
            while low < table.keys.count, table.keys[low] <= last {
                found.append(contentsOf: table.edges[Int(table.start[low])..<Int(table.start[low + 1])])
                low += 1
            }
        }
        found.sort()
        var unique: [Int] = []
        unique.reserveCapacity(found.count)
        for edge in found where unique.last != Int(edge) { unique.append(Int(edge)) }
        // A cell is coarser than the box: keep only edges whose own box meets it.
        return unique.filter { edge in
            let box = graph.boundingBox(edge)
            return box.north >= south && box.south <= north && box.east >= west && box.west <= east
        }
    }

    private static func build(_ graph: RoutingGraph) -> Cells {
        var entries: [(key: Int64, edge: UInt32)] = []
        entries.reserveCapacity(graph.edgeCount + graph.edgeCount / 4)
        for edge in 0..<graph.edgeCount {
            let box = graph.boundingBox(edge)
            for y in cell(box.south)...cell(box.north) {
                for x in cell(box.west)...cell(box.east) { entries.append((key(y, x), UInt32(edge))) }
            }
        }
        entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.edge < $1.edge) }
        var keys: [Int64] = []
        var start: [UInt32] = []
        for (index, entry) in entries.enumerated() where keys.last != entry.key {
            keys.append(entry.key)
            start.append(UInt32(index))
        }
        start.append(UInt32(entries.count))
        return Cells(keys: keys, start: start, edges: entries.map(\.edge))
    }
}

extension RoutingGraph {
    /// Edge `edge`'s class, flags, name and ref.
    public func edgeInfo(_ edge: Int) -> EdgeInfo { attributes.info(edge) }

    /// Edge `edge`'s line, WGS84, along the way's node order.
    public func edgePoints(_ edge: Int) -> [GeoPoint] {
        (Int(geometryStart[edge])..<Int(geometryStart[edge + 1])).map {
            GeoPoint(latitude: Double(latE7[$0]) / 1e7, longitude: Double(lonE7[$0]) / 1e7)
        }
    }

    /// Edges whose bounding box meets the box (degrees), ascending; empty for a box that is not one.
    public func edges(south: Double, west: Double, north: Double, east: Double) -> [Int] {
        edgeGrid.edges(in: self, south: south, west: west, north: north, east: east)
    }

    func boundingBox(_ edge: Int) -> (south: Double, west: Double, north: Double, east: Double) {
        var south = Int32.max, north = Int32.min, west = Int32.max, east = Int32.min
        for point in Int(geometryStart[edge])..<Int(geometryStart[edge + 1]) {
            south = min(south, latE7[point]); north = max(north, latE7[point])
            west = min(west, lonE7[point]); east = max(east, lonE7[point])
        }
        return (Double(south) / 1e7, Double(west) / 1e7, Double(north) / 1e7, Double(east) / 1e7)
    }
}
