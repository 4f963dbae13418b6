/// One cached image: a tile of a layer.
public struct TileKey: Sendable, Hashable {
    public var address: TileAddress
    public var layer: TileLayer

    public init(_ address: TileAddress, _ layer: TileLayer) {
        self.address = address
        self.layer = layer
    }

    /// Its path under a cache directory, `layer/z/x/y.png`.
    var relativePath: String { "\(layer.rawValue)/\(address.z)/\(address.x)/\(address.y).png" }
}
