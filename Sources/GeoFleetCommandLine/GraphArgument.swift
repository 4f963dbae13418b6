import Foundation
import GeoFleetRouting

/// The graph directory for `--data-dir` and an argument naming an extract or a graph directory.
public func graphDirectory(dataDir: String, extract: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: extract, isDirectory: &isDirectory), isDirectory.boolValue { return extract }
    return GraphDirectory(dataDir: dataDir, extractPath: extract).path
}
