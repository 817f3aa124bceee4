/// The database engine behind the repository layer.
///
/// Repositories speak one SQL text through SQLKit; only migrations and full-text search differ per
/// backend. New backends are added as static members, so callers that compare against `.sqlite`
/// keep compiling when another backend arrives.
public struct DatabaseBackend: Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case sqlite
        case postgres
    }

    private let code: Code

    /// The embedded SQLite database (WAL mode, FTS5 full-text search).
    public static let sqlite = DatabaseBackend(code: .sqlite)

    /// PostgreSQL (tsvector + GIN full-text search, pgvector when installed).
    public static let postgres = DatabaseBackend(code: .postgres)

    /// A short name for logs and JSON output.
    public var description: String {
        switch code {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    /// The SQL that differs on this backend.
    var features: any SQLDialectFeatures {
        switch code {
        case .sqlite: SQLiteDialectFeatures()
        case .postgres: PostgresDialectFeatures()
        }
    }
}
