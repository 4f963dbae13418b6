import Foundation
import GeoFleetCore

/// Positions one node made durable, grouped by owner, as one pub/sub message.
///
/// Text (hiredis hands replies over as strings): the node id on the first line, then one line per
/// owner, `base64(owner) base64(PositionBinaryCodec)`. Nothing in it is trusted further than the
/// codec's own checks: a node that cannot decode a message drops it and counts it.
public struct RelayedPositions: Sendable, Equatable {
    public var node: String
    public var groups: [Group]

    /// One owner's positions.
    public struct Group: Sendable, Equatable {
        public var owner: String
        public var positions: [Position]

        public init(owner: String, positions: [Position]) {
            self.owner = owner
            self.positions = positions
        }
    }

    public init(node: String, groups: [Group]) {
        self.node = node
        self.groups = groups
    }

    public var positionCount: Int { groups.reduce(0) { $0 + $1.positions.count } }

    public func encoded() -> String {
        var lines = [node]
        lines.reserveCapacity(groups.count + 1)
        for group in groups {
            lines.append(Data(group.owner.utf8).base64EncodedString() + " " + Data(PositionBinaryCodec.encode(group.positions)).base64EncodedString())
        }
        return lines.joined(separator: "\n")
    }

    /// nil for anything that is not a well-formed message.
    public init?(decoding text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, !first.isEmpty else { return nil }
        node = String(first)
        lines.removeFirst()
        var groups: [Group] = []
        groups.reserveCapacity(lines.count)
        for line in lines {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let owner = Data(base64Encoded: String(parts[0])), let payload = Data(base64Encoded: String(parts[1])),
                let positions = try? PositionBinaryCodec.decode([UInt8](payload))
            else { return nil }
            groups.append(Group(owner: String(decoding: owner, as: UTF8.self), positions: positions))
        }
        self.groups = groups
    }
}
