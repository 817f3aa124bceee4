/// A first-in, first-out async lock.
///
/// SQLite runs on one connection: without this, a statement from one task could land inside
/// another task's open transaction (and be rolled back with it). Every database operation of a
/// single-connection store passes through one gate.
actor SerialExecutionGate {
    private var isHeld = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every earlier caller has finished.
    nonisolated func withExclusiveAccess<T: Sendable>(
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        guard isHeld else {
            isHeld = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            // Ownership passes straight to the next waiter; `isHeld` stays true.
            waiters.removeFirst().resume()
        }
    }
}
