public import ChatbotStorage
public import Logging
import Synchronization

/// Wakes idle workers when a job may be waiting: enqueues in this process call ``notify()``, and
/// on PostgreSQL ``listen(to:logger:)`` turns every `NOTIFY chatbot_jobs` from any process into a
/// call. Waiting times out (the poll interval), so a lost wake-up costs at most one interval.
public final class JobSignal: Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A signal nobody has raised yet.
    public init() {}

    /// Wakes every waiting worker (or, with none waiting, the next one to wait).
    public func notify() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return []
            }
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns at the next ``notify()`` or after `timeout`, whichever comes first (at once when a
    /// notification came while nobody waited).
    public func wait(timeout: Duration) async {
        let id = state.withLock { state -> UInt64? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.next += 1
            return state.next
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            // Whichever came first: resume the continuation if it is still waiting, stop the sleep.
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
            group.cancelAll()
        }
    }

    /// Raises the signal at every notification on PostgreSQL's job channel, over a connection of
    /// its own, until the task is cancelled; reconnects after a failure. Does nothing on SQLite
    /// (the poll interval and this process's own enqueues wake workers there).
    public func listen(to database: any SQLDatabaseStore, logger: Logger) async {
        guard let postgres = database as? PostgresDatabaseStore else { return }
        var delay = Duration.milliseconds(500)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await postgres.listen(on: JobQueue.notifyChannel) { [self] in notify() }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "Listening for new jobs failed; polling until it reconnects", metadata: ["error": "\(error)"])
            }
            // Whatever was enqueued while the connection was down is found by polling.
            notify()
            // A connection that lived a while starts the backoff over.
            if ContinuousClock.now - started > .seconds(60) { delay = .milliseconds(500) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }
}
