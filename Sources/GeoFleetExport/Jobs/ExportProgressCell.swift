import Synchronization

/// The latest progress of a running export, shared by its writer thread and the task that copies it
/// into the job row.
final class ExportProgressCell: Sendable {
    private let state = Mutex((progress: ExportProgress(rows: 0, fraction: 0), finished: false))

    var latest: ExportProgress {
        get { state.withLock { $0.progress } }
        set { state.withLock { $0.progress = newValue } }
    }

    /// Set once the export ended: the reporting task stops.
    var finished: Bool {
        get { state.withLock { $0.finished } }
        set { state.withLock { $0.finished = newValue } }
    }
}
