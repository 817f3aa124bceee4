public import SQLKit

/// An open database with its repositories: what the CLI and the server hold, whichever backend
/// is behind it.
///
/// ``SQLiteDatabaseStore`` is the embedded implementation, ``PostgresDatabaseStore`` the
/// production one; callers are typed as `any DatabaseStore`.
public protocol DatabaseStore: Sendable {
    /// The engine behind this store.
    var backend: DatabaseBackend { get }
    /// Conversations, messages, usage accounting and the response cache.
    var conversations: SQLConversationStore { get }
    /// The schema migrations of this database.
    var migrator: Migrator { get }
    /// Embedding vectors and nearest-neighbour search.
    var vectors: SQLVectorStore { get }
    /// Collections, documents and chunks, with full-text and hybrid search.
    var documents: SQLDocumentStore { get }
    /// Releases the connection(s); the store must not be used afterwards.
    func close() async throws

    /// Runs `body` in one read-only transaction that sees a consistent snapshot of every table
    /// while other writers go on (SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ
    /// READ ONLY). Used by backups.
    func withSnapshot<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one read-write transaction: committed when it returns, rolled back when it
    /// throws. Used by restores and bulk imports.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
}
