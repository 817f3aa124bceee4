public import ServiceLifecycle

/// Runs answers in tasks that belong to the server's `ServiceGroup`, not to the request that
/// started them: a client that closes its connection does not stop its answer (it is finished and
/// recorded), and a graceful shutdown stops taking new answers and waits for the running ones
/// (the group's grace period bounds the wait; after it they are cancelled and recorded as
/// interrupted).
public final class AnswerRunner: Service, Sendable {
    struct Job: Sendable {
        let work: @Sendable () async -> Void
    }

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    /// A runner taking answers until its service group shuts down.
    public init() {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Starts `work`; `false` once the runner is shutting down.
    public func submit(_ work: @escaping @Sendable () async -> Void) -> Bool {
        if case .enqueued = continuation.yield(Job(work: work)) { return true }
        return false
    }

    /// Runs every submitted answer until a graceful shutdown, then waits for the running ones.
    public func run() async throws {
        let jobs = self.jobs
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await job.work() }
                }
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }
}
