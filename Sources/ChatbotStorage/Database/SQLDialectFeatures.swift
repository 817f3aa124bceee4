import Foundation
import SQLKit

/// The seam between the dialect-neutral repositories and the SQL that differs per backend.
///
/// Everything else (CRUD, upserts, aggregates) is written once with SQLKit builders or
/// `SQLQueryString` and bind placeholders, which SQLKit renders per dialect (`?` or `$1`).
protocol SQLDialectFeatures: Sendable {
    /// The backend these features belong to.
    var backend: DatabaseBackend { get }

    /// Starts a read-write transaction (SQLite takes the write lock up front to avoid
    /// `SQLITE_BUSY` on lock upgrade; PostgreSQL uses a plain `BEGIN`).
    var beginTransactionSQL: String { get }

    /// Starts a read-only transaction over a consistent snapshot (SQLite: a deferred `BEGIN`,
    /// whose first read pins a WAL snapshot; PostgreSQL: `BEGIN ISOLATION LEVEL REPEATABLE READ
    /// READ ONLY`).
    var beginSnapshotSQL: String { get }

    /// Statements that take and release a lock held across a whole `migrate up`/`down`, run on
    /// one session; `nil` when the backend needs none (SQLite's write lock suffices).
    var migrationLockStatements: (lock: String, unlock: String)? { get }

    /// Takes the same lock for the rest of the current transaction (used to create the
    /// bookkeeping table); `nil` when the backend needs none.
    var migrationTransactionLockSQL: String? { get }

    /// The versioned schema for this backend, oldest first.
    var migrations: [Migration] { get }

    /// A full-text query over message content: rows with the columns of
    /// ``RecordColumns/message`` plus a `snippet` column, best match first.
    /// Returns `nil` when the user's text contains nothing searchable.
    /// With `owner`, only messages of that owner's conversations.
    func messageSearchQuery(_ userQuery: String, owner: String?, limit: Int) -> SQLQueryString?

    /// A full-text query over the chunks of one collection, any word matching (ranked by BM25 on
    /// SQLite, `ts_rank_cd` on PostgreSQL): rows with the columns of ``SQLDocumentStore/hitColumns``
    /// plus a `rank` column, higher is better. `nil` when the text holds nothing searchable.
    func chunkSearchQuery(_ userQuery: String, collection: String, limit: Int) -> SQLQueryString?

    /// Turns a driver error a user can act on (a lock held by another process, a duplicate id)
    /// into a ``ChatbotError``; returns other errors unchanged.
    func translate(_ error: any Error) -> any Error
}
