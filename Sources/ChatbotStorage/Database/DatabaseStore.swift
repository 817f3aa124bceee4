/// An open database with its repositories: what the CLI and the server hold, whichever backend
/// is behind it.
///
/// ``SQLiteDatabaseStore`` is the embedded implementation; a PostgreSQL store will conform too, so
/// callers typed as `any DatabaseStore` need no change when it arrives.
public protocol DatabaseStore: Sendable {
    /// The engine behind this store.
    var backend: DatabaseBackend { get }
    /// Conversations, messages, usage accounting and the response cache.
    var conversations: SQLConversationStore { get }
    /// The schema migrations of this database.
    var migrator: Migrator { get }
    /// Releases the connection(s); the store must not be used afterwards.
    func close() async throws
}
