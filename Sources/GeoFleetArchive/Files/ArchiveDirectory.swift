import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The archive directory: one data file and one manifest per archived partition. Every file is
/// written under a temporary name, fsync'ed and renamed, then the directory is fsync'ed, so after a
/// crash a name is either absent or complete.
public struct ArchiveDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).standardizingPath
    }

    /// Creates the directory private (0700), and makes an existing one private: archives hold every
    /// tenant's history.
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(path, 0o700) == 0 else { throw ArchiveError.io("chmod \(path)", errno) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Every manifest, ordered by partition name (that is, by time). An unreadable one is an error:
    /// silently skipping it would hide an archive from verify and erasure.
    public func manifests() throws -> [ArchiveManifest] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".manifest.json") }.sorted()
        return try names.map { name in
            let manifest = try readManifest(at: file(name))
            // The name restore and erasure go by is the one inside; it must be the file's own.
            guard ArchiveManifest.fileName(partition: manifest.partition) == name else {
                throw ArchiveError.corrupt("manifest \(file(name)) names partition \(manifest.partition.debugDescription)")
            }
            return manifest
        }
    }

    /// The manifest of `partition`, nil when it was never archived.
    public func manifest(partition: String) throws -> ArchiveManifest? {
        let p = file(ArchiveManifest.fileName(partition: partition))
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        let manifest = try readManifest(at: p)
        guard manifest.partition == partition else {
            throw ArchiveError.corrupt("manifest \(p) names partition \(manifest.partition.debugDescription)")
        }
        return manifest
    }

    private func readManifest(at p: String) throws -> ArchiveManifest {
        do {
            let manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(contentsOf: URL(fileURLWithPath: p)))
            guard manifest.format == ArchiveManifest.formatName else { throw ArchiveError.corrupt("\(p) is not a GeoFleet manifest") }
            try manifest.validate()
            return manifest
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError.corrupt("manifest \(p): \(error)")
        }
    }

    /// Writes the manifest atomically (the commit point of an archive or of its rewrite).
    func write(_ manifest: ArchiveManifest) throws {
        try writeAtomically(try manifest.encoded(), to: file(ArchiveManifest.fileName(partition: manifest.partition)))
    }

    func writeAtomically(_ data: Data, to target: String) throws {
        let temporary = target + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ArchiveError.io("open \(temporary)", errno) }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; throw ArchiveError.io("write \(temporary)", errno) }
                done += n
            }
        }
        guard fsync(fd) == 0 else { throw ArchiveError.io("fsync \(temporary)", errno) }
        try publish(temporary, as: target)
    }

    /// fsyncs `temporary`, makes it private (zstd creates its output by the umask), renames it to
    /// `target` and fsyncs the directory.
    func publish(_ temporary: String, as target: String) throws {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.io("open \(temporary)", errno) }
        guard fchmod(fd, 0o600) == 0 else {
            close(fd)
            throw ArchiveError.io("chmod \(temporary)", errno)
        }
        let synced = fsync(fd)
        close(fd)
        guard synced == 0 else { throw ArchiveError.io("fsync \(temporary)", errno) }
        guard rename(temporary, target) == 0 else { throw ArchiveError.io("rename \(temporary)", errno) }
        try syncDirectory()
    }

    func syncDirectory() throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.io("open \(path)", errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ArchiveError.io("fsync \(path)", errno) }
    }

    /// Deletes leftovers of interrupted runs: temporary files, and data files no manifest names
    /// (an export that crashed before its manifest, or the previous generation of a rewrite).
    /// Returns the names removed.
    @discardableResult
    func removeOrphans() throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let referenced = Set(try manifests().map(\.file))
        var removed: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let orphanData = (name.hasSuffix(".pgcopy.zst") || name.hasSuffix(".pgcopy.zst.aes")) && !referenced.contains(name)
            // `.tmp.partN`: the per-stream parts of an interrupted export.
            if name.hasSuffix(".tmp") || name.contains(".tmp.part") || orphanData {
                try? FileManager.default.removeItem(atPath: file(name))
                removed.append(name)
            }
        }
        return removed
    }

    /// Size of a file in bytes.
    func size(_ name: String) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: file(name))
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}
