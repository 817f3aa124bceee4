import ChatbotStorage
import Logging
import PostgresNIO
import SQLKit

/// Where a backup reads its tables from: the SQLKit session of the snapshot transaction and, for
/// PostgreSQL, the postgres-nio connection behind it (for the raw-cell fast path).
struct SnapshotSource: Sendable {
    /// The snapshot transaction through SQLKit.
    let sql: any SQLDatabase
    /// The same session's postgres-nio connection; `nil` for other backends.
    let postgres: PostgresConnection?
    /// Whether text cells arrive as UTF-8 (PostgreSQL converts to the session's client encoding,
    /// which the snapshot sets to UTF8; a SQL_ASCII database is sent as stored, unchecked).
    let textIsUTF8: Bool

    /// Runs `body` inside one consistent read-only snapshot of `database`.
    static func withSnapshot<T: Sendable>(
        of database: any SQLDatabaseStore, _ body: @escaping @Sendable (SnapshotSource) async throws -> T
    ) async throws -> T {
        if let postgres = database as? PostgresDatabaseStore {
            return try await postgres.withSnapshotSession { session in
                let encoding =
                    try await session.sql.raw("SHOW server_encoding").first()?
                    .decode(column: "server_encoding", as: String.self)
                try await session.sql.raw("SET LOCAL client_encoding = 'UTF8'").run()
                return try await body(
                    SnapshotSource(
                        sql: session.sql, postgres: session.connection, textIsUTF8: encoding != "SQL_ASCII"))
            }
        }
        return try await database.withSnapshot { sql in
            try await body(SnapshotSource(sql: sql, postgres: nil, textIsUTF8: true))
        }
    }
}
