import Synchronization

/// Politeness per host: at most `limit` requests in flight on a host, and request starts on a
/// host spaced at least `delay` apart. Waiters are queued first come, first served; a cancelled
/// waiter leaves the queue at once.
final class HostThrottle: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var active: [String: Int] = [:]
        var nextStart: [String: ContinuousClock.Instant] = [:]
        var waiters: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    private let clock = ContinuousClock()
    private let state = Mutex(State())

    /// Waits for a slot on `host`, then until `delay` after the previous start. Pair with ``release(_:)``.
    func acquire(_ host: String, limit: Int, delay: Duration) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case granted, cancelled, queued }
                let decision = state.withLock { state -> Decision in
                    if Task.isCancelled { return .cancelled }
                    if state.active[host, default: 0] < limit {
                        state.active[host, default: 0] += 1
                        return .granted
                    }
                    state.waiters[host, default: []].append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch decision {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters[host]?.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters[host]?.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        // The slot is ours: space the start after the previous one on this host.
        let now = clock.now
        let start = state.withLock { state in
            let start = max(now, state.nextStart[host] ?? now)
            state.nextStart[host] = start + delay
            return start
        }
        guard start > now else { return }
        do {
            try await clock.sleep(until: start)
        } catch {
            release(host)
            throw error
        }
    }

    /// How many requests are queued for a slot on `host` (for tests).
    func waiterCount(on host: String) -> Int {
        state.withLock { $0.waiters[host]?.count ?? 0 }
    }

    /// Frees the slot taken by ``acquire(_:limit:delay:)``, handing it to the next waiter if any.
    func release(_ host: String) {
        let next = state.withLock { state -> Waiter? in
            if var queue = state.waiters[host], !queue.isEmpty {
                let first = queue.removeFirst()
                state.waiters[host] = queue.isEmpty ? nil : queue
                return first
            }
            state.active[host, default: 1] -= 1
            return nil
        }
        next?.continuation.resume()
    }
}
