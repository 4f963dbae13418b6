/// A frame that decoded but breaks a limit of ours: treated as garbage, the connection closes.
enum FrameRefusal: Error, CustomStringConvertible {
    case tooManyIOElements(count: Int, limit: Int)

    var description: String {
        switch self {
        case .tooManyIOElements(let count, let limit): "a record carries \(count) IO elements; at most \(limit) are accepted"
        }
    }
}
