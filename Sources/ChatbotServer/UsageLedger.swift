public import ChatbotCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Collects the usage records of `/v1` answers and writes them in one transaction every
/// `interval`: an insert per request (on SQLite, a sync to disk per request) would cap the
/// endpoint's throughput at the disk's. A graceful shutdown writes what is left, and from then on
/// a record is written at once (answers finishing within the grace period still count). A crash
/// loses at most one interval of records.
public final class UsageLedger: Service, Sendable {
    private struct State {
        var pending: [UsageRecord] = []
        var stopped = false
    }

    private let store: any ConversationStore
    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// A ledger writing to `store` every `interval` once it runs.
    public init(store: any ConversationStore, interval: Duration = .milliseconds(500), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Queues `record` (writes it at once after shutdown began).
    func record(_ record: UsageRecord) async {
        let direct = state.withLock { state in
            if state.stopped { return true }
            state.pending.append(record)
            return false
        }
        if direct { await write([record]) }
    }

    /// Writes every queued record now.
    func flush() async {
        let batch = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        await write(batch)
    }

    /// Flushes every `interval` until a graceful shutdown (or cancellation), then once more.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await flush()
        }
        state.withLock { $0.stopped = true }
        await flush()
    }

    private func write(_ records: [UsageRecord]) async {
        guard !records.isEmpty else { return }
        do {
            try await store.recordUsage(records)
        } catch {
            logger.error(
                "could not record the usage of answers", metadata: ["answers": "\(records.count)", "error": "\(error)"])
        }
    }
}
