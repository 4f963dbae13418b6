import GeoFleetTiles

extension TileCanvas {
    /// The first pixel (every `step`-th row and column) whose colour is not `colour`, or nil when all are.
    func firstPixel(notColoured colour: RGB, step: Int = 1) -> (x: Int, y: Int)? {
        for y in stride(from: 0, to: size, by: step) {
            for x in stride(from: 0, to: size, by: step) where pixel(x: x, y: y).colour != colour { return (x, y) }
        }
        return nil
    }
}
