import ChatbotCore
import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// PostgreSQL: a generated `tsvector` column with a GIN index, ranked with `ts_rank` and marked
/// with `ts_headline`; the migrations in ``PostgresMigrations``.
struct PostgresDialectFeatures: SQLDialectFeatures {
    var backend: DatabaseBackend { .postgres }

    var beginTransactionSQL: String { "BEGIN" }
    var beginSnapshotSQL: String { "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" }

    /// The advisory lock key of `chatbot migrate` (ASCII "chatbot\0" as a big-endian integer).
    static let migrationLockKey: Int64 = 0x6368_6174_626F_7400

    var migrationLockStatements: (lock: String, unlock: String)? {
        ("SELECT pg_advisory_lock(\(Self.migrationLockKey))", "SELECT pg_advisory_unlock(\(Self.migrationLockKey))")
    }

    var migrationTransactionLockSQL: String? { "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))" }

    var migrations: [Migration] { PostgresMigrations.all }

    func messageSearchQuery(_ userQuery: String, owner: String?, limit: Int) -> SQLQueryString? {
        guard let text = Self.plainQueryText(for: userQuery) else { return nil }
        let columns = RecordColumns.message.map { "m.\($0)" }.joined(separator: ", ")
        // The same text search configuration as the generated `content_tsv` column.
        // plainto_tsquery ANDs the words and treats every operator character as a separator,
        // so no input is a syntax error.
        return """
            SELECT \(unsafeRaw: columns), \
            ts_headline('english', m.content, q.query, \
            'StartSel=[, StopSel=], MaxWords=24, MinWords=6') AS snippet \
            FROM messages AS m, (SELECT plainto_tsquery('english', \(bind: text)) AS query) AS q \
            WHERE m.content_tsv @@ q.query\(SQLConversationStore.ownedMessages(owner)) \
            ORDER BY ts_rank(m.content_tsv, q.query) DESC, m.seq \
            LIMIT \(bind: max(0, limit))
            """
    }

    func chunkSearchQuery(_ userQuery: String, collection: String, limit: Int) -> SQLQueryString? {
        guard let text = Self.plainQueryText(for: userQuery) else { return nil }
        // plainto_tsquery's lexemes (stop words dropped, stemmed), ORed instead of ANDed: a
        // question rarely shares every word with the passage that answers it.
        return """
            SELECT \(unsafeRaw: SQLDocumentStore.hitColumns), CAST(ts_rank_cd(c.text_tsv, q.query) AS DOUBLE PRECISION) AS rank \
            FROM chunks AS c JOIN documents AS d ON d.id = c.document_id, \
            (SELECT replace(plainto_tsquery('english', \(bind: text))::text, '&', '|')::tsquery AS query) AS q \
            WHERE d.collection = \(bind: collection) AND c.text_tsv @@ q.query \
            ORDER BY rank DESC, c.seq \
            LIMIT \(bind: max(0, limit))
            """
    }

    func translate(_ error: any Error) -> any Error {
        if error is ChatbotError { return error }
        if let psqlError = error as? PSQLError {
            return translate(psqlError) ?? error
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return Self.unavailable(Self.connectionReason(error))
        }
        return error
    }

    private func translate(_ error: PSQLError) -> (any Error)? {
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? state
            switch state {
            case "23505":
                return ChatbotError(.conflict, "a record with this id is already stored (\(message))")
            case "40001", "40P01", "55P03", "57014":
                // serialization failure, deadlock, lock not available, statement/lock timeout
                return ChatbotError(.temporary, "the database is busy: \(message)", hint: "try again in a moment")
            case "57P01", "57P02", "57P03", "53300":
                // shutting down, crash recovery, cannot connect now, too many connections
                return Self.unavailable(message)
            case "28P01", "28000":
                return ChatbotError(
                    .unavailable, "PostgreSQL refused the login: \(message)",
                    hint: "check the user and password in the database URL (or PGUSER / PGPASSWORD)")
            case "3D000":
                return ChatbotError(
                    .unavailable, "PostgreSQL: \(message)",
                    hint: "create it (createdb NAME) or fix the database name in the database URL")
            default:
                // Server messages are safe to show; PSQLError's own description hides them.
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return ChatbotError(.runtime, "PostgreSQL error \(state): \(message)\(detail)")
            }
        }
        switch error.code {
        case .sslUnsupported:
            return ChatbotError(
                .unavailable, "the PostgreSQL server does not accept TLS connections",
                hint: "use sslmode=prefer or sslmode=disable in the database URL, or enable ssl on the server")
        case .connectionError, .serverClosedConnection, .poolClosed, .failedToAddSSLHandler:
            let underlying = error.underlying.map(Self.connectionReason) ?? error.code.description
            return Self.unavailable(underlying)
        default:
            return nil
        }
    }

    /// A short reason such as `connection refused` for a failed connection; NIO's own text (every
    /// address tried, errno numbers) is not for users.
    static func connectionReason(_ error: any Error) -> String {
        func describe(_ code: Int32) -> String {
            switch code {
            case ECONNREFUSED: "connection refused"
            case ECONNRESET, EPIPE: "connection reset"
            case ETIMEDOUT: "connection timed out"
            default: String(cString: strerror(code)).lowercased()
            }
        }
        switch error {
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return "cannot resolve \(error.host)"
            }
            let code = error.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
            return code.map(describe) ?? "cannot connect to \(error.host):\(error.port)"
        case let error as IOError:
            return describe(error.errnoCode)
        case let error as ChannelError:
            if case .connectTimeout = error { return "connection timed out" }
            return "connection failed"
        default:
            return "connection failed"
        }
    }

    private static func unavailable(_ detail: String) -> ChatbotError {
        ChatbotError(
            .unavailable, "cannot reach the PostgreSQL server (\(detail))",
            hint: "check that PostgreSQL is running and that the database URL (host, port, sslmode) is right")
    }

    /// The user's words for `plainto_tsquery`: NUL characters (which PostgreSQL text cannot hold)
    /// removed; `nil` when nothing with a letter or digit is left.
    static func plainQueryText(for userQuery: String) -> String? {
        let cleaned = userQuery.replacingOccurrences(of: "\u{0}", with: " ")
        guard cleaned.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
        return cleaned
    }
}
