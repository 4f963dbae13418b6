import PostgresNIO

extension PostgresClient {
    /// Starts `run()` in a task and returns once that task has begun, so that no query reaches the
    /// pool before it runs (postgres-nio warns on every such lease). Cancel the task to stop the pool.
    public func runInBackground() async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            // run() marks the client running before its first suspension: nothing awaits between
            // this signal and that mark.
            signal.finish()
            await self.run()
        }
        for await _ in started {}
        // The caller resumes on another thread maybe: give the task's first step time to finish.
        await Task.yield()
        return task
    }
}
