import Foundation
import GeoFleetPlatform
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Limits and places of the export jobs.
public struct ExportServiceSettings: Sendable {
    /// `<data dir>/exports`: private (0700), its files 0600.
    public var directory: String
    /// Hours a finished export (file and job) is kept.
    public var retentionHours: Int
    /// Exports written at once, across users (each user has at most one running).
    public var workers: Int
    /// Queued exports per user; past it a request is refused (429).
    public var maxQueuedPerUser: Int

    public init(directory: String, retentionHours: Int = 24, workers: Int = 2, maxQueuedPerUser: Int = 5) {
        self.directory = directory
        self.retentionHours = retentionHours
        self.workers = max(1, workers)
        self.maxQueuedPerUser = max(1, maxQueuedPerUser)
    }
}

/// GDPR export jobs: requests are queued in `privacy_exports`, a few workers write them (one per
/// user at a time) into private files, and files are removed after the retention.
///
/// Jobs a stopped or crashed process was writing are marked failed at the next start ("request
/// the export again"): a half-written file is never handed out, and re-running silently could
/// surprise a user who has since erased history.
public final class ExportService: Service, Sendable {
    public let settings: ExportServiceSettings
    let exporter: PositionExporter
    let store: ExportJobStore
    let now: @Sendable () -> Int64
    let logger: Logger
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Set while shutting down: running exports stop at their next check.
    private let stopping = Atomic<Bool>(false)
    /// Exports being written now.
    private let running = Atomic<Int>(0)
    /// How often the purge looks for expired files.
    let purgeInterval: Duration

    public init(
        client: PostgresClient, exporter: PositionExporter, settings: ExportServiceSettings, now: @escaping @Sendable () -> Int64,
        purgeInterval: Duration = .seconds(60), logger: Logger
    ) {
        self.settings = settings
        self.exporter = exporter
        self.store = ExportJobStore(client: client, logger: logger)
        self.now = now
        self.logger = logger
        self.purgeInterval = purgeInterval
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var retentionMilliseconds: Int64 { Int64(settings.retentionHours) * 3_600_000 }

    /// Queues an export of `vehicleKeys` (the owner's, already checked) and returns its id (the API's
    /// audit entry for the request names it).
    public func create(owner: String, vehicleKeys: [Int64], from: Int64, to: Int64, format: ExportFormat) async throws -> UUID {
        let id = UUID()
        do {
            try await store.insert(
                id: id, owner: owner, vehicleKeys: vehicleKeys, from: from, to: to, format: format, maxQueued: settings.maxQueuedPerUser)
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? ExportRequestError { throw refusal }
            throw error
        }
        logger.info(
            "export requested",
            metadata: ["export": "\(id.uuidString.lowercased())", "vehicles": "\(vehicleKeys.count)", "format": "\(format.rawValue)"])
        wake.yield()
        return id
    }

    /// The owner's job; nil when missing or someone else's.
    public func job(id: UUID, owner: String) async throws -> ExportJob? {
        try await store.find(id: id, owner: owner)
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: settings.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(settings.directory, 0o700) == 0 else { throw ExportError.io("chmod \(settings.directory)", errno) }
        let interrupted = try await store.failInterrupted(expiresAt: now() + retentionMilliseconds)
        if interrupted > 0 { logger.warning("exports interrupted by a restart marked failed", metadata: ["jobs": "\(interrupted)"]) }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.dispatch() }
                group.addTask { await self.purgeLoop() }
                group.addTask {
                    // A poll besides the wakes: another process may have queued a job, or a user's running one ended.
                    while !Task.isCancelled && !self.stopping.load(ordering: .relaxed) {
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                        self.wake.yield()
                    }
                }
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.wake.finish()
        }
    }

    /// Claims jobs while fewer than `workers` run, and runs each in a child task.
    private func dispatch() async {
        await withDiscardingTaskGroup { group in
            for await _ in wakes {
                while running.load(ordering: .relaxed) < settings.workers, !stopping.load(ordering: .relaxed) {
                    let job: ExportJob?
                    do {
                        job = try await store.claim()
                    } catch {
                        logger.error("claiming an export failed", metadata: ["error": "\(error)"])
                        break
                    }
                    guard let job else { break }
                    running.add(1, ordering: .relaxed)
                    group.addTask {
                        await self.execute(job)
                        self.running.subtract(1, ordering: .relaxed)
                        self.wake.yield()
                    }
                }
            }
            // Shutting down: running exports see `stopping` and end; the group waits for them.
        }
    }

    /// Writes one job's file, reporting progress to its row about once a second.
    func execute(_ job: ExportJob) async {
        let id = job.id.uuidString.lowercased()
        let path = settings.directory + "/\(id).\(job.format.fileExtension)"
        let cell = ExportProgressCell()
        let store = self.store
        let reporter = Task {
            while !cell.finished {
                try? await Task.sleep(for: .seconds(1))
                let p = cell.latest
                try? await store.progress(id: job.id, rows: p.rows, progress: p.fraction)
            }
        }
        defer { reporter.cancel() }
        do {
            let vehicles = try await store.vehicles(keys: job.vehicleKeys, owner: job.owner)
            let request = ExportRequest(vehicles: vehicles, from: job.from, to: job.to, format: job.format)
            let summary = try await Blocking.onOwnThread(name: "export") {
                try Self.writeFile(path) { sink in
                    try self.exporter.export(
                        request, to: sink, progress: { cell.latest = $0 }, shouldStop: { self.stopping.load(ordering: .relaxed) })
                }
            }
            cell.finished = true
            try await store.finish(id: job.id, rows: summary.rows, bytes: summary.bytes, path: path, expiresAt: now() + retentionMilliseconds)
            logger.info(
                "export done",
                metadata: ["export": "\(id)", "rows": "\(summary.rows)", "bytes": "\(summary.bytes)", "seconds": "\(summary.seconds)"])
        } catch {
            cell.finished = true
            unlink(path)
            ExportMetrics().failed()
            logger.error("export failed", metadata: ["export": "\(id)", "error": "\(error)"])
            let message = stopping.load(ordering: .relaxed) ? "interrupted by a restart; request the export again" : "export failed: \(error)"
            try? await store.fail(id: job.id, error: message, expiresAt: now() + retentionMilliseconds)
        }
    }

    /// Creates `path` (0600) through a temporary name, runs `body` on it, and renames it into place.
    static func writeFile(_ path: String, _ body: (ExportSink) throws -> ExportSummary) throws -> ExportSummary {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ExportError.io("create \(temporary)", errno) }
        let summary: ExportSummary
        do {
            defer { close(fd) }
            // The umask could only have narrowed the mode; set exactly 0600 all the same.
            guard fchmod(fd, 0o600) == 0 else { throw ExportError.io("chmod \(temporary)", errno) }
            summary = try body(ExportSink(fd: fd))
            guard fsync(fd) == 0 else { throw ExportError.io("fsync \(temporary)", errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ExportError.io("rename \(temporary)", code)
        }
        return summary
    }

    /// Removes expired files and their jobs, every `purgeInterval`.
    private func purgeLoop() async {
        while !Task.isCancelled && !stopping.load(ordering: .relaxed) {
            do {
                try await purge()
            } catch {
                logger.error("export purge failed", metadata: ["error": "\(error)"])
            }
            // Ends at once on shutdown rather than after a whole interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.purgeInterval) }
        }
    }

    /// Removes expired exports now; returns how many.
    @discardableResult
    public func purge() async throws -> Int {
        let expired = try await store.expired(now: now())
        for (id, path) in expired {
            if let path { unlink(path) }
            try await store.delete(id: id)
        }
        if !expired.isEmpty { logger.info("expired exports removed", metadata: ["exports": "\(expired.count)"]) }
        return expired.count
    }
}
