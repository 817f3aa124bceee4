public import ChatbotCore

/// An open database with its repositories, as protocols: what ingest, retrieval, chat and the
/// server use, whichever backend is behind it.
///
/// ``SQLiteDatabaseStore`` (embedded) and ``PostgresDatabaseStore`` (production) implement the
/// refinement ``SQLDatabaseStore``, which adds what only SQL can do: migrations, snapshots and
/// transactions for backups. `InMemoryDatabaseStore` (ChatbotTestSupport) implements this
/// protocol alone, so route and service tests run without files or servers.
public protocol DatabaseStore: Sendable {
    /// Conversations, messages, usage accounting and the response cache.
    var conversations: any ConversationStore { get }
    /// Embedding vectors and nearest-neighbour search.
    var vectors: any VectorStore { get }
    /// Collections, documents and chunks, with full-text and hybrid search.
    var documents: any DocumentStore { get }
    /// Releases the connection(s); the store must not be used afterwards.
    func close() async throws

    /// Runs `body` holding the exclusive lock called `name`, released when `body` returns or
    /// throws. The lock excludes every holder of the same database: SQLite takes an `flock` on a
    /// file beside the database (other processes on this host), PostgreSQL a session advisory lock
    /// (processes on any host), the in-memory store an in-process lock. Not reentrant: asking
    /// again for a lock this task holds fails (or waits) like any other holder.
    ///
    /// - Throws: ``ChatbotError`` `.temporary` (exit 75) when the lock is held elsewhere and
    ///   `waiting` gives up, naming the lock.
    func withNamedLock<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T
}

extension DatabaseStore {
    /// Runs `body` holding the exclusive lock called `name`, failing at once when another holder
    /// has it (``LockWaiting/failFast``); see ``withNamedLock(_:waiting:_:)``.
    public func withNamedLock<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withNamedLock(name, waiting: .failFast, body)
    }
}
