import Logging
import SQLKit

/// How repositories reach the database: the `SQLDatabase`, the dialect seam, and (for a single
/// connection) the gate that keeps transactions from interleaving.
struct SQLDatabaseAccess: Sendable {
    /// The database, as SQLKit sees it.
    let database: any SQLDatabase
    /// The SQL that differs per backend.
    let features: any SQLDialectFeatures
    /// Serializes all work on a single connection; `nil` for pooled backends, where each
    /// transaction gets its own session.
    let gate: SerialExecutionGate?

    /// Runs `body` with exclusive use of the connection (when it is shared).
    /// Driver errors a user can act on come out as ``ChatbotError``s.
    func perform<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = self.database
        do {
            guard let gate else { return try await body(database) }
            return try await gate.withExclusiveAccess { try await body(database) }
        } catch {
            throw features.translate(error)
        }
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await transaction(beginning: features.beginTransactionSQL, body)
    }

    /// Runs `body` inside one read-only transaction over a consistent snapshot.
    func snapshot<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await transaction(beginning: features.beginSnapshotSQL, body)
    }

    private func transaction<T: Sendable>(
        beginning begin: String,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await perform { database in
            try await database.withSession { session in
                try await session.raw(SQLQueryString(begin)).run()
                do {
                    let result = try await body(session)
                    try await session.raw("COMMIT").run()
                    return result
                } catch {
                    do {
                        try await session.raw("ROLLBACK").run()
                    } catch let rollbackError {
                        session.logger.warning(
                            "Rollback failed",
                            metadata: ["error": "\(String(reflecting: rollbackError))"]
                        )
                    }
                    throw error
                }
            }
        }
    }
}
