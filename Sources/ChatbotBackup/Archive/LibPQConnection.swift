import CLibPQ
import ChatbotCore
import ChatbotStorage
import Foundation

/// A blocking libpq connection, used only to stream `COPY (SELECT …) TO STDOUT` for backups, the
/// path `pg_dump` takes: the server's COPY output is far cheaper to receive than a row-by-row
/// result set. Confined to the thread that created it; closed by ``close()`` or on deinit.
final class LibPQConnection {
    private var connection: OpaquePointer?

    /// Connects with `settings` (host or unix-socket directory, port, user, password, database,
    /// sslmode), client encoding UTF8.
    ///
    /// - Throws: ``ChatbotError`` (`.unavailable`) when the server refuses or cannot be reached.
    init(_ settings: PostgresConnectionSettings, applicationName: String) throws {
        try Self.requireLibPQ()
        var parameters: [(String, String)] = [
            ("host", settings.host), ("port", String(settings.port)), ("user", settings.username),
            ("dbname", settings.database), ("sslmode", settings.sslMode.rawValue),
            ("client_encoding", "UTF8"), ("application_name", applicationName), ("connect_timeout", "10"),
        ]
        if let password = settings.password { parameters.append(("password", password)) }
        let keys = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            for pointer in keys + values { free(pointer) }
        }
        let opened = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { keyPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keyPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        connection = opened
        guard let opened, PQstatus(opened) == CONNECTION_OK else {
            let message = opened.map { Self.message($0) } ?? "out of memory"
            close()
            throw ChatbotError(
                .unavailable, "cannot connect to PostgreSQL at \(settings.redactedURL): \(message)")
        }
    }

    deinit { close() }

    /// libpq is loaded on first use (see CLibPQ); without it a PostgreSQL backup cannot run.
    static func requireLibPQ() throws {
        var error = [CChar](repeating: 0, count: 512)
        guard chatbot_libpq_available(&error, error.count) == 0 else { return }
        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw ChatbotError(
            .unavailable, "backing up PostgreSQL needs libpq: \(reason)",
            hint: "install Debian's libpq5 (apt install libpq5)")
    }

    /// Closes the connection (idempotent).
    func close() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    /// Runs `sql` and returns the first column of each row as text (`nil` for NULL).
    @discardableResult
    func query(_ sql: String) throws -> [String?] {
        let result = try execute(sql)
        defer { PQclear(result) }
        return (0..<PQntuples(result)).map { row in
            PQgetisnull(result, row, 0) != 0 ? nil : String(cString: PQgetvalue(result, row, 0))
        }
    }

    /// Runs a `COPY … TO STDOUT` statement, calling `line` with each row's bytes (text format, the
    /// final newline included); returns the number of rows.
    func copyOut(_ sql: String, line: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let connection = try open()
        guard let started = PQexec(connection, sql) else { throw failure("COPY") }
        let status = PQresultStatus(started)
        PQclear(started)
        guard status == PGRES_COPY_OUT else { throw failure("COPY") }
        var rows = 0
        var thrown: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                // After a failure in `line`, keep draining so the connection stays usable.
                if thrown == nil {
                    do {
                        try line(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                        rows += 1
                    } catch {
                        thrown = error
                    }
                }
                continue
            }
            if length == -2 { throw failure("COPY") }
            break  // -1: the copy is done
        }
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if PQresultStatus(result) != PGRES_COMMAND_OK { throw failure("COPY", result: result) }
        }
        if let thrown { throw thrown }
        return rows
    }

    private func execute(_ sql: String) throws -> OpaquePointer {
        let connection = try open()
        guard let result = PQexec(connection, sql) else { throw failure("query") }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return result
        default:
            defer { PQclear(result) }
            throw failure("query", result: result)
        }
    }

    private func open() throws -> OpaquePointer {
        guard let connection else { throw ChatbotError(.runtime, "the PostgreSQL connection is closed") }
        return connection
    }

    private func failure(_ what: String, result: OpaquePointer? = nil) -> ChatbotError {
        let text =
            result.flatMap { PQresultErrorMessage($0).map { String(cString: $0) } }.flatMap { $0.isEmpty ? nil : $0 }
            ?? connection.map { Self.message($0) } ?? "no connection"
        return ChatbotError(
            .runtime, "PostgreSQL \(what) failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    private static func message(_ connection: OpaquePointer) -> String {
        PQerrorMessage(connection).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "unknown error"
    }
}
