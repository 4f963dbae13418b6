import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// The restore pipeline `zstd -d | psql COPY FROM`, and the settings the export (`ParallelExport`)
/// shares with it. Bytes flow between the children through a kernel pipe and
/// never pass through this process. Blocking: call from `Blocking.onThreadPool`.
enum ArchivePipelines {
    /// zstd level 3: it keeps up with COPY on two cores (storage notes §5); higher levels cost 2-4x
    /// the CPU for a few percent, and a long window gained nothing on GPS rows (BENCHMARKS.md).
    static let compressArguments = ["-q", "-3", "-T0", "-f"]

    /// Rows leave in the btree's order, each vehicle's fixes together: consecutive rows then share
    /// most of their bytes and the archive is about a fifth smaller than in arrival order, for about
    /// a quarter more export time (BENCHMARKS.md). A restored partition is clustered by vehicle too.
    static let exportOrder = "vehicle_key, fix_time"

    /// Loads `input` into `table` (which must have the archive's columns).
    static func load(_ input: String, into table: String, endpoint: DatabaseEndpoint) throws {
        let psql = PsqlCommand(endpoint: endpoint)
        let sql = "COPY \(QuotedIdentifier.sql(table)) (\(ArchiveColumns.sqlList)) FROM STDIN (FORMAT binary)"
        try pipeline(
            producer: ("zstd", ["-d", "-c", "-q", input], [:], .devNull),
            consumer: (PsqlCommand.executable, psql.arguments(sql), psql.environment, .devNull),
            scratch: input + ".load")
    }

    private typealias Stage = (executable: String, arguments: [String], environment: [String: String], output: PipedProcess.Stream)

    private static func pipeline(producer: Stage, consumer: Stage, scratch: String) throws {
        let (readEnd, writeEnd) = try PipedProcess.pipe()
        let producerErr = scratch + ".producer.err"
        let consumerErr = scratch + ".consumer.err"
        defer {
            unlink(producerErr)
            unlink(consumerErr)
        }
        let first: PipedProcess
        do {
            first = try PipedProcess.spawn(
                producer.executable, producer.arguments, stdin: .devNull, stdout: .fd(writeEnd),
                stderrPath: producerErr, environment: producer.environment)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
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
