public import ChatbotStorage
public import SQLKit

/// The database the accounts repositories work on: the same store the CLI and the server use,
/// reached through its transactions, so that every statement of one operation commits together
/// and a single SQLite connection is never used by two tasks at once.
///
/// ``SQLiteDatabaseStore`` and ``PostgresDatabaseStore`` conform; tests and front ends may wrap any
/// other SQL store in ``SQLStoreAccountsDatabase``.
public protocol AccountsDatabase: Sendable {
    /// The engine behind the store (a few statements differ per backend).
    var backend: DatabaseBackend { get }

    /// Runs `body` in one read-write transaction: committed when it returns, rolled back when it throws.
    func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T

    /// Runs `body` without a transaction around it (one statement that is atomic alone).
    func withoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T

    /// Runs `body` without a transaction, for state that may be lost in a power failure (the rate
    /// limiter's cells): see ``SQLDatabaseStore/withoutTransactionRelaxed(_:)``.
    func withoutTransactionRelaxed<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T
}

extension SQLiteDatabaseStore: AccountsDatabase {}
extension PostgresDatabaseStore: AccountsDatabase {}

/// Any ``SQLDatabaseStore`` as an ``AccountsDatabase``: what front ends get from the composition
/// root is typed as the protocol, not as a concrete store.
public struct SQLStoreAccountsDatabase: AccountsDatabase {
    /// The wrapped store.
    public let store: any SQLDatabaseStore

    /// Accounts over `store`.
    public init(_ store: any SQLDatabaseStore) {
        self.store = store
    }

    /// The wrapped store's engine.
    public var backend: DatabaseBackend { store.backend }

    /// Runs `body` in one transaction of the wrapped store.
    public func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await store.withTransaction(body)
    }

    /// Runs `body` on the wrapped store without a transaction.
    public func withoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await store.withoutTransaction(body)
    }

    /// Runs `body` on the wrapped store without a transaction or a wait for the disk.
    public func withoutTransactionRelaxed<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await store.withoutTransactionRelaxed(body)
    }
}
