import Foundation
import GeoFleetCore
import GeoFleetRouting

/// The tile layers: the base map, and the truck restrictions drawn over it on their own (a toggle in the console).
public enum TileLayer: String, Sendable, CaseIterable {
    case roads
    case restrictions
}

/// Draws tiles from a road source; without one, the base layer is a plain grid so the page still works.
public struct TileRenderer: Sendable {
    public let source: (any TileRoadSource)?

    public init(source: (any TileRoadSource)?) {
        self.source = source
    }

    /// The tile as PNG bytes; empty when cairo fails.
    public func render(_ address: TileAddress, layer: TileLayer) -> [UInt8] {
        draw(address, layer: layer)?.png() ?? []
    }

    /// The tile drawn on a canvas (tests read its pixels).
    public func draw(_ address: TileAddress, layer: TileLayer) -> TileCanvas? {
        guard let canvas = TileCanvas(size: WebMercator.tileSize) else { return nil }
        switch layer {
        case .roads:
            canvas.fill(RoadStyle.background)
            if let source {
                drawRoads(source, address, canvas)
            } else {
                drawGrid(canvas)
            }
        case .restrictions:
            if let source, address.z >= 8 { drawRestrictions(source, address, canvas) }
        }
        return canvas
    }

    private func drawRoads(_ source: any TileRoadSource, _ address: TileAddress, _ canvas: TileCanvas) {
        guard let minimum = RoadStyle.minimumKind(atZoom: address.z) else { return }
        // Biggest last, so that motorways lie over the streets they cross.
        let roads = source.roads(in: address.bounds(paddedBy: 16), minimum: minimum).sorted { $0.roadClass.rawValue > $1.roadClass.rawValue }
        let projected = roads.map { project($0.points, address) }
        let casings = address.z >= 12
        if casings {
            for (road, line) in zip(roads, projected) {
                let width = RoadStyle.width(road.roadClass, isLink: road.isLink, zoom: address.z)
                canvas.stroke(line, width: width + 2, colour: RoadStyle.casing)
            }
        }
        for (road, line) in zip(roads, projected) {
            canvas.stroke(line, width: RoadStyle.width(road.roadClass, isLink: road.isLink, zoom: address.z), colour: RoadStyle.fill(road.roadClass))
        }
        if address.z >= RoadStyle.labelZoom { drawLabels(roads, projected, canvas) }
    }

    private func drawRestrictions(_ source: any TileRoadSource, _ address: TileAddress, _ canvas: TileCanvas) {
        let minimum = address.z >= 12 ? RoadClass.service : (RoadStyle.minimumKind(atZoom: address.z) ?? .motorway)
        for road in source.roads(in: address.bounds(paddedBy: 16), minimum: minimum) where road.truckRestricted {
            let width = RoadStyle.width(road.roadClass, isLink: road.isLink, zoom: address.z) + 2
            canvas.stroke(project(road.points, address), width: width, colour: RoadStyle.restriction, alpha: 0.85, dash: [width * 2, width * 1.5])
        }
    }

    /// One label per name, on its road's longest segment when the text fits there and meets no other label.
    private func drawLabels(_ roads: [TileRoad], _ lines: [[(x: Double, y: Double)]], _ canvas: TileCanvas) {
        let fontSize = 11.0
        var drawn = Set<String>()
        var boxes: [(x: Double, y: Double, r: Double)] = []
        for (road, line) in zip(roads, lines).reversed() {
            guard let name = road.name, !name.isEmpty, !drawn.contains(name), line.count > 1 else { continue }
            var best = (length: 0.0, from: line[0], to: line[1])
            for (a, b) in zip(line, line.dropFirst()) {
                let length = hypot(b.x - a.x, b.y - a.y)
                if length > best.length { best = (length, a, b) }
            }
            let centre = (x: (best.from.x + best.to.x) / 2, y: (best.from.y + best.to.y) / 2)
            let size = Double(canvas.size)
            guard (8...(size - 8)).contains(centre.x), (8...(size - 8)).contains(centre.y) else { continue }
            let width = canvas.textWidth(name, fontSize: fontSize)
            guard width < best.length * 0.95 else { continue }
            let radius = width / 2
            guard !boxes.contains(where: { hypot($0.x - centre.x, $0.y - centre.y) < $0.r + radius }) else { continue }
            var angle = atan2(best.to.y - best.from.y, best.to.x - best.from.x)
            if angle > .pi / 2 { angle -= .pi } else if angle < -.pi / 2 { angle += .pi }
            canvas.label(name, centre: centre, angle: angle, fontSize: fontSize, colour: RoadStyle.label, halo: RoadStyle.background)
            drawn.insert(name)
            boxes.append((centre.x, centre.y, radius))
        }
    }

    private func drawGrid(_ canvas: TileCanvas) {
        let size = Double(canvas.size)
        for step in stride(from: 0.0, through: size, by: size / 4) {
            // Edges 2 px wide (one on each tile); inner lines 1 px on a pixel's centre, so they stay sharp.
            let edge = step == 0 || step == size
            let at = edge ? step : step + 0.5
            canvas.stroke([(at, 0), (at, size)], width: edge ? 2 : 1, colour: RoadStyle.grid)
            canvas.stroke([(0, at), (size, at)], width: edge ? 2 : 1, colour: RoadStyle.grid)
        }
    }

    /// Tile-local pixels, without points closer than half a pixel to the one before (they add only work).
    func project(_ points: [GeoPoint], _ address: TileAddress) -> [(x: Double, y: Double)] {
        let originX = Double(address.x * WebMercator.tileSize)
        let originY = Double(address.y * WebMercator.tileSize)
        var line: [(x: Double, y: Double)] = []
        line.reserveCapacity(points.count)
        for (index, point) in points.enumerated() {
            let p = WebMercator.pixel(point, zoom: address.z)
            let local = (x: p.x - originX, y: p.y - originY)
            if let last = line.last, index != points.count - 1, abs(local.x - last.x) + abs(local.y - last.y) < 0.5 { continue }
            line.append(local)
        }
        return line
    }
}
