import ChatbotCore
import ChatbotStorage
import Foundation

/// The PostgreSQL dump path `pg_dump` takes: one libpq connection, one REPEATABLE READ READ ONLY
/// transaction, and each table streamed with `COPY … TO STDOUT` and transcoded to NDJSON
/// (``CopyTextTranscoder``). It runs on a thread of its own, since libpq blocks.
///
/// Not used — the caller takes the postgres-nio path instead — when libpq's TLS verification
/// would differ from postgres-nio's (`verify-ca` / `verify-full` check against the system's
/// roots there, against `~/.postgresql/root.crt` in libpq 15), or for a `SQL_ASCII` database,
/// whose text is not known to be UTF-8.
enum PostgresCopyDump {
    /// Whether this path can serve `settings`.
    static func isUsable(for settings: PostgresConnectionSettings) -> Bool {
        settings.sslMode != .verifyCA && settings.sslMode != .verifyFull
    }

    /// Connects, opens the snapshot and runs `body` with the connection and the schema version;
    /// returns `nil` (having changed nothing) when the database's encoding rules this path out.
    static func withSnapshot<T: Sendable>(
        _ settings: PostgresConnectionSettings,
        _ body: @escaping @Sendable (LibPQConnection, Int) throws -> T
    ) async throws -> T? {
        try await onOwnThread {
            let connection = try LibPQConnection(settings, applicationName: "chatbot backup")
            defer { connection.close() }
            guard try connection.query("SHOW server_encoding").first != "SQL_ASCII" else { return nil }
            try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            // Shortest exact digits for float8 (PostgreSQL 12+), all 17 before; pg_dump does the same.
            try connection.query("SET LOCAL extra_float_digits = 3")
            let version = try connection.query("SELECT MAX(version) FROM schema_migrations").first.flatMap { $0 }
            let result = try body(connection, version.flatMap { Int($0) } ?? 0)
            try connection.query("COMMIT")
            return result
        }
    }

    /// Streams `table` into `sink` as NDJSON, calling `flush` each time the buffer passes 256 KiB
    /// (and not at the end). Returns the number of rows.
    static func dump(
        _ table: BackupSchema.Table, over connection: LibPQConnection, into buffer: inout [UInt8],
        flush: (inout [UInt8], _ rows: Int) throws -> Void
    ) throws -> Int {
        let transcoder = CopyTextTranscoder(table: table)
        let columnList = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var rows = 0
        return try connection.copyOut("COPY \"\(table.name)\" (\(columnList)) TO STDOUT") { row in
            try transcoder.append(row: row, to: &buffer)
            rows += 1
            if buffer.count >= TableFileOutput.flushThreshold { try flush(&buffer, rows) }
        }
    }

    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "chatbot-backup-copy"
            thread.start()
        }
    }
}
