import Foundation

/// Where an extract's graphs live: `<dataDir>/routing/<extract name>/<profile>.graph`, one file per profile.
public struct GraphDirectory: Sendable {
    public let path: String
    public let extractPath: String

    public init(dataDir: String, extractPath: String) {
        self.extractPath = extractPath
        var name = (extractPath as NSString).lastPathComponent
        for suffix in [".osm.pbf", ".pbf"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        path = (dataDir as NSString).appendingPathComponent("routing/" + name)
    }

    public func graphPath(_ profile: VehicleProfile) -> String { path + "/" + profile.name + ".graph" }

    /// The extract's identity as recorded in a graph: name, size and modification time.
    public func currentSource() throws -> RoutingGraph.Source {
        let attributes = try FileManager.default.attributesOfItem(atPath: extractPath)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64(((attributes[.modificationDate] as? Date) ?? .distantPast).timeIntervalSince1970)
        return RoutingGraph.Source(name: (extractPath as NSString).lastPathComponent, bytes: size, modified: modified)
    }

    /// Profiles whose graph is missing or was built from another version of the extract.
    public func staleProfiles(_ profiles: [VehicleProfile]) throws -> [VehicleProfile] {
        let source = try currentSource()
        return profiles.filter { profile in
            guard let header = try? RoutingGraph.readSource(path: graphPath(profile)) else { return true }
            return header != source
        }
    }

    /// What one build did, for the summary line.
    public struct BuildReport: Sendable {
        public var profile: VehicleProfile
        public var summary: RoutingGraph.Summary
        public var seconds: Double
        public var fileBytes: Int
    }

    /// Reads the extract once and builds, contracts and writes each profile's graph.
    public func build(
        profiles: [VehicleProfile], options: ContractionOptions = .init(), progress: ((String, ImportProgress) -> Void)? = nil
    ) throws -> (readSeconds: Double, reports: [BuildReport]) {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let source = try currentSource()
        let readStart = ContinuousClock.now
        let network = try RoadNetwork.read(pbf: extractPath) { progress?("read", $0) }
        let readSeconds = (ContinuousClock.now - readStart).seconds
        var reports: [BuildReport] = []
        for profile in profiles {
            let start = ContinuousClock.now
            let graph = GraphBuilder.build(network: network, profile: profile, source: source, options: options) {
                progress?(profile.name, $0)
            }
            progress?(profile.name, ImportProgress(phase: .writing))
            try graph.write(to: graphPath(profile))
            let bytes = (try? FileManager.default.attributesOfItem(atPath: graphPath(profile))[.size] as? NSNumber)?.intValue ?? 0
            reports.append(BuildReport(profile: profile, summary: graph.summary, seconds: (ContinuousClock.now - start).seconds, fileBytes: bytes))
        }
        return (readSeconds, reports)
    }

    /// Loads the profiles' graphs into engines.
    public func loadEngines(_ profiles: [VehicleProfile], maxSnapMeters: Double = 1000) throws -> [VehicleClass: RoutingEngine] {
        var engines: [VehicleClass: RoutingEngine] = [:]
        for profile in profiles {
            let graph = try RoutingGraph(contentsOf: graphPath(profile))
            engines[profile.vehicleClass] = RoutingEngine(graph: graph, maxSnapMeters: maxSnapMeters)
        }
        return engines
    }
}

extension RoutingGraph {
    /// Only the header's source, without loading the arrays (reads the first few hundred bytes).
    static func readSource(path: String) throws -> Source {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RoutingGraphFileError.notAGraphFile(path) }
        defer { try? handle.close() }
        let head = [UInt8](try handle.read(upToCount: 4096) ?? Data())
        var reader = BinaryReader(bytes: head)
        for byte in magic {
            guard (try? reader.read(UInt8.self)) == byte else { throw RoutingGraphFileError.notAGraphFile(path) }
        }
        let version = try reader.read(UInt32.self)
        guard version == formatVersion else { throw RoutingGraphFileError.unsupportedVersion(version) }
        _ = try reader.read(UInt32.self)
        _ = try reader.readString()
        return Source(name: try reader.readString(), bytes: try reader.read(Int64.self), modified: try reader.read(Int64.self))
    }
}
