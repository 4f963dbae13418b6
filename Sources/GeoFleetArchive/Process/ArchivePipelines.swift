import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// The restore pipeline `(open) | zstd -d | psql COPY FROM`, and the settings the export
/// (`ParallelExport`) shares with it. The archive is fed by `ArchiveFeed` (which opens sealed chunks);
/// the COPY stream flows between the children through a kernel pipe and never lands in a file. Blocking: call from `Blocking.onThreadPool`.
enum ArchivePipelines {
    /// zstd level 3: it keeps up with COPY on two cores (storage notes §5); higher levels cost 2-4x
    /// the CPU for a few percent, and a long window gained nothing on GPS rows (BENCHMARKS.md).
    static let compressArguments = ["-q", "-3", "-T0", "-f"]

    /// Rows leave in the btree's order, each vehicle's fixes together: consecutive rows then share
    /// most of their bytes and the archive is about a fifth smaller than in arrival order, for about
    /// a quarter more export time (BENCHMARKS.md). A restored partition is clustered by vehicle too.
    static let exportOrder = "vehicle_key, fix_time"

    /// Loads the archive `manifest` vouches for into `table` (which must have the archive's columns).
    static func load(manifest: ArchiveManifest, directory: ArchiveDirectory, keys: ArchiveKeyring, into table: String, endpoint: DatabaseEndpoint)
        throws
    {
        let source = ArchiveSource(manifest: manifest, directory: directory)
        let psql = PsqlCommand(endpoint: endpoint)
        let sql = "COPY \(QuotedIdentifier.sql(table)) (\(ArchiveColumns.sqlList)) FROM STDIN (FORMAT binary)"
        let feed = try ArchiveFeed(source, keys: keys)
        do {
            try pipeline(
                producer: ("zstd", ["-d", "-c", "-q"], [:], .devNull), producerInput: feed.readEnd,
                consumer: (PsqlCommand.executable, psql.arguments(sql), psql.environment, .devNull),
                scratch: source.path + ".load")
        } catch {
            // A failed authentication explains why zstd and psql saw their input end early.
            throw feed.failure ?? error
        }
        _ = try feed.finish()
    }

    private typealias Stage = (executable: String, arguments: [String], environment: [String: String], output: PipedProcess.Stream)

    /// Runs `producer | consumer`, the producer reading `producerInput` (closed here once handed over).
    private static func pipeline(producer: Stage, producerInput: Int32, consumer: Stage, scratch: String) throws {
        let readEnd: Int32
        let writeEnd: Int32
        do {
            (readEnd, writeEnd) = try PipedProcess.pipe()
        } catch {
            close(producerInput)
            throw error
        }
        let producerErr = scratch + ".producer.err"
        let consumerErr = scratch + ".consumer.err"
        defer {
            unlink(producerErr)
            unlink(consumerErr)
        }
        let first: PipedProcess
        do {
            first = try PipedProcess.spawn(
                producer.executable, producer.arguments, stdin: .fd(producerInput), stdout: .fd(writeEnd),
                stderrPath: producerErr, environment: producer.environment)
        } catch {
            close(producerInput)
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(producerInput)
        close(writeEnd)
        let second: PipedProcess
        do {
            second = try PipedProcess.spawn(
                consumer.executable, consumer.arguments, stdin: .fd(readEnd), stdout: consumer.output,
                stderrPath: consumerErr, environment: consumer.environment)
        } catch {
            close(readEnd)
            _ = first.wait()
            throw error
        }
        close(readEnd)
        let firstStatus = first.wait()
        let secondStatus = second.wait()
        func message(_ path: String) -> String { String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2000)) }
        if firstStatus != 0 { throw ArchiveError.command(producer.executable, "exit \(firstStatus): \(message(producerErr))") }
        if secondStatus != 0 { throw ArchiveError.command(consumer.executable, "exit \(secondStatus): \(message(consumerErr))") }
    }
}
