import Foundation

/// One thread of its own that runs jobs in the order they come, and serves as an actor's executor:
/// the home of a blocking client (libpq) whose calls must stay off the event loops and the
/// cooperative pool.
///
/// `@unchecked Sendable`: the job list is only touched under `condition`.
public final class SerialThread: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false
    private let name: String

    /// Starts the thread.
    public init(name: String) {
        self.name = name
        Blocking.startThread(name: name) { [self] in loop() }
    }

    /// Runs `job` on the thread after those before it. After `stop()` a job still runs, on a short-lived
    /// thread of its own, so that no caller waits forever.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopped {
            condition.unlock()
            Blocking.startThread(name: name + "-late", job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on the thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Ends the thread once the jobs already submitted have run.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        submit { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}
