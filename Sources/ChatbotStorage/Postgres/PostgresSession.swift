public import Logging
public import PostgresNIO
public import SQLKit

/// One pooled PostgreSQL connection inside a transaction, seen two ways: through SQLKit (the
/// repository SQL) and as the postgres-nio connection itself, for what SQLKit cannot do —
/// `COPY … FROM STDIN` and reading result cells as raw bytes. Handed out by
/// ``PostgresDatabaseStore/withSnapshotSession(_:)`` and
/// ``PostgresDatabaseStore/withTransactionSession(_:)``; valid only inside their closures.
public struct PostgresSession: Sendable {
    /// The connection (do not close it, and do not end its transaction).
    public let connection: PostgresConnection
    /// The same connection through SQLKit.
    public let sql: any SQLDatabase
    /// The logger for queries on this session.
    public let logger: Logger
}
