import ChatbotCore
import Foundation
import SQLKit
import SQLiteNIO

/// SQLite: FTS5 (external-content table `messages_fts`, ranked with `bm25`) and the embedded
/// migrations in ``SQLiteMigrations``.
struct SQLiteDialectFeatures: SQLDialectFeatures {
    var backend: DatabaseBackend { .sqlite }

    var beginTransactionSQL: String { "BEGIN IMMEDIATE" }
    var beginSnapshotSQL: String { "BEGIN DEFERRED" }

    var migrationLockStatements: (lock: String, unlock: String)? { nil }
    var migrationTransactionLockSQL: String? { nil }

    var migrations: [Migration] { SQLiteMigrations.all }

    func messageSearchQuery(_ userQuery: String, owner: String?, limit: Int) -> SQLQueryString? {
        guard let match = Self.ftsMatchExpression(for: userQuery) else { return nil }
        let columns = RecordColumns.message.map { "m.\($0)" }.joined(separator: ", ")
        return """
            SELECT \(unsafeRaw: columns), \
            snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet \
            FROM messages_fts JOIN messages AS m ON m.seq = messages_fts.rowid \
            WHERE messages_fts MATCH \(bind: match)\(SQLConversationStore.ownedMessages(owner)) \
            ORDER BY bm25(messages_fts), m.seq \
            LIMIT \(bind: max(0, limit))
            """
    }

    func chunkSearchQuery(_ userQuery: String, collection: String, limit: Int) -> SQLQueryString? {
        // Any word may match (a question rarely shares every word with its answer), so the
        // words that match everything are left out, as PostgreSQL's english configuration does.
        let words = userQuery.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .filter { !Self.stopWords.contains($0.lowercased()) }
        guard let match = Self.ftsMatchExpression(for: words.joined(separator: " "), joiner: " OR ") else { return nil }
        return """
            SELECT \(unsafeRaw: SQLDocumentStore.hitColumns), -bm25(chunks_fts) AS rank \
            FROM chunks_fts JOIN chunks AS c ON c.seq = chunks_fts.rowid \
            JOIN documents AS d ON d.id = c.document_id \
            WHERE chunks_fts MATCH \(bind: match) AND d.collection = \(bind: collection) \
            ORDER BY bm25(chunks_fts), c.seq \
            LIMIT \(bind: max(0, limit))
            """
    }

    func translate(_ error: any Error) -> any Error {
        guard let sqliteError = error as? SQLiteError else { return error }
        switch sqliteError.reason {
        case .busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked:
            return ChatbotError(
                .temporary,
                "the database is busy: another chatbot process holds its lock",
                hint: "try again in a moment"
            )
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            return ChatbotError(.conflict, "a record with this id is already stored (\(sqliteError.message))")
        default:
            return error
        }
    }

    /// Common English words left out of any-word chunk queries.
    static let stopWords: Set<String> = [
        "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "how",
        "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "so", "that", "the",
        "their", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when", "where",
        "which", "who", "why", "will", "with", "you", "your",
    ]

    /// Turns free text into an FTS5 query that cannot be a syntax error: every whitespace-separated
    /// term becomes a quoted string (inner `"` doubled), so operators such as `AND`, `NEAR`, `(`,
    /// `*` or `:` are searched as plain words. Terms are ANDed. Terms without a letter or digit
    /// are dropped, because the tokenizer would reduce them to nothing.
    static func ftsMatchExpression(for userQuery: String, joiner: String = " ") -> String? {
        // Control characters (a NUL ends an SQLite string early) separate words like spaces.
        let terms =
            userQuery
            .split(whereSeparator: {
                $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
            })
            .filter { $0.contains(where: { $0.isLetter || $0.isNumber }) }
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return terms.isEmpty ? nil : terms.joined(separator: joiner)
    }
}
