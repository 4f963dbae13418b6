/// The per-connection logic of one device protocol, independent of the socket: it reads decoded
/// frames in arrival order and answers through the connection.
protocol DeviceSession: Sendable {
    associatedtype Frame: Sendable
    func run(_ frames: DeviceFrames<Frame>, on connection: DeviceConnection) async
}
