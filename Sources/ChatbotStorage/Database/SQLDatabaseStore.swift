public import SQLKit

/// A ``DatabaseStore`` on a SQL database: adds the schema migrations and whole-database
/// transactions that backups, restores and `chatbot migrate` need.
///
/// A backup is SQL-level work (it reads and loads every table as rows, whatever the repositories
/// offer), so it is typed against this protocol rather than ``DatabaseStore``; the in-memory store
/// of ChatbotTestSupport implements only ``DatabaseStore`` and cannot be backed up or migrated.
/// ``SQLiteDatabaseStore`` and ``PostgresDatabaseStore`` implement it.
public protocol SQLDatabaseStore: DatabaseStore {
    /// The engine behind this store.
    var backend: DatabaseBackend { get }
    /// The schema migrations of this database.
    var migrator: Migrator { get }

    /// Runs `body` in one read-only transaction that sees a consistent snapshot of every table
    /// while other writers go on (SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ
    /// READ ONLY). Used by backups.
    func withSnapshot<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one read-write transaction: committed when it returns, rolled back when it
    /// throws. Used by restores and bulk imports.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` without a transaction around it: each statement commits by itself. For one
    /// statement that is atomic alone (an upsert), it saves the `BEGIN`/`COMMIT` round trips.
    func withoutTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T

    /// Runs `body` without a transaction, for state that may be lost in a power failure but not
    /// corrupted (the rate limiter's cells): SQLite commits it on a second connection that
    /// does not wait for the disk (`synchronous = NORMAL`); PostgreSQL as ``withoutTransaction(_:)``.
    func withoutTransactionRelaxed<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T

    /// The conversations of one owner only (see ``SQLConversationStore/owned(by:)``).
    func conversations(ownedBy owner: String, apiKey: String?) -> SQLConversationStore
}

extension SQLDatabaseStore {
    /// As ``withoutTransaction(_:)``: a store whose commits cost no sync needs nothing else.
    public func withoutTransactionRelaxed<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withoutTransaction(body)
    }

    /// The conversations of one owner, asked without an API key.
    public func conversations(ownedBy owner: String) -> SQLConversationStore {
        conversations(ownedBy: owner, apiKey: nil)
    }
}
