import ChatbotStorage
import Synchronization

/// The named locks of one ``InMemoryDatabaseStore``: exclusive, by name, within this process.
///
/// Like the SQL stores' locks they are not reentrant (asking again for a held lock is refused or
/// waits like any other holder) and they honour ``LockWaiting``: ``LockWaiting/failFast`` fails at
/// once with ``LockWaiting/busyError(_:)``; ``LockWaiting/wait(seconds:)`` tries again every
/// 10 ms (the SQL stores: every half second) until the deadline.
final class InMemoryNamedLocks: Sendable {
    private let held = Mutex<Set<String>>([])

    /// Runs `body` holding the lock called `name`.
    func with<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let deadline = waiting.deadline()
        while !held.withLock({ $0.insert(name).inserted }) {
            guard let deadline, ContinuousClock.now < deadline else { throw LockWaiting.busyError(name) }
            try await Task.sleep(for: .milliseconds(10))
        }
        do {
            let result = try await body()
            release(name)
            return result
        } catch {
            release(name)
            throw error
        }
    }

    private func release(_ name: String) {
        _ = held.withLock { $0.remove(name) }
    }
}
