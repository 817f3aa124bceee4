import ChatbotCore
import Synchronization

/// Fails a request that stops making progress, and one that exceeds its overall time limit.
///
/// The operation runs in a child task next to a watchdog task; whichever finishes first decides,
/// and the other is cancelled (cancelling an AsyncHTTPClient request closes its connection).
/// The operation calls ``touch()`` whenever bytes arrive.
final class RequestWatchdog: Sendable {
    private let idle: Duration
    private let state: Mutex<(deadline: ContinuousClock.Instant, touched: Bool)>

    /// A watchdog whose first deadline allows `grace` (the connect time) plus one idle period.
    init(idle: Duration, grace: Duration) {
        self.idle = idle
        self.state = Mutex((ContinuousClock.now + grace + idle, false))
    }

    /// Records progress: the next idle deadline is one idle period from now.
    func touch() {
        let next = ContinuousClock.now + idle
        state.withLock { $0 = (next, true) }
    }

    /// Whether ``touch()`` was called: the provider has answered something.
    var hasSeenResponse: Bool { state.withLock { $0.touched } }

    /// Runs `operation`, failing with `idleTimeout` when ``touch()`` is not called in time and
    /// with `requestTimeout` when `limit` passes first.
    func run(
        limit: Duration?,
        idleTimeout: ProviderError,
        requestTimeout: ProviderError,
        operation: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await operation() }
            group.addTask { try await self.watch(failingWith: idleTimeout) }
            if let limit {
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw requestTimeout
                }
            }
            // The first child to finish decides; the watchers only ever finish by throwing.
            try await group.next()
            group.cancelAll()
        }
    }

    private func watch(failingWith error: ProviderError) async throws {
        while true {
            let current = state.withLock { $0.deadline }
            let now = ContinuousClock.now
            if now >= current { throw error }
            // The first touch can move the deadline earlier (from connect + idle to idle), so
            // never sleep longer than one idle period without looking again.
            try await Task.sleep(until: min(current, now + idle), clock: .continuous)
        }
    }
}
