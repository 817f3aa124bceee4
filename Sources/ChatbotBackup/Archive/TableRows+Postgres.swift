import ChatbotCore
import Logging
import NIOCore
import PostgresNIO
import SQLKit

/// PostgreSQL fast paths for ``TableRows``, used when the session SQLKit hands us is a
/// postgres-nio connection: the dump streams one `SELECT … ORDER BY key` and decodes each cell by
/// position (SQLKit's rows look every column up by name, building a lookup table per row), and the
/// restore streams rows with `COPY … FROM STDIN` (text format) instead of multi-row INSERTs. Same
/// values, same checks, same archive; other backends take the generic paths.
extension TableRows {
    /// The connection behind `database` when it is a PostgreSQL session, else `nil`.
    ///
    /// postgres-kit keeps the connection of a session (`PostgresConnection.sql()`) private, so it
    /// is found by reflection; when that fails (another driver, or a postgres-kit that changed),
    /// the callers take the generic SQLKit paths, slower but equivalent.
    static func postgresConnection(_ database: any SQLDatabase) -> PostgresConnection? {
        Mirror(reflecting: database).children.lazy.compactMap { $0.value as? PostgresConnection }.first
    }

    /// Reads every row of `table` in key order over `connection` in one streamed query.
    static func dumpPostgres(
        _ table: BackupSchema.Table, from connection: PostgresConnection, logger: Logger,
        row: ([BackupValue]) throws -> Void
    ) async throws -> Int {
        let columnList = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(columnList) FROM \"\(table.name)\" ORDER BY \"\(table.key)\"")
        let rows = try await connection.query(query, logger: logger)
        let columns = table.columns
        var values: [BackupValue] = []
        values.reserveCapacity(columns.count)
        var count = 0
        for try await postgresRow in rows {
            values.removeAll(keepingCapacity: true)
            var index = 0
            for cell in postgresRow {
                guard index < columns.count else { break }
                values.append(try decode(cell, as: columns[index], table: table.name))
                index += 1
            }
            guard index == columns.count else {
                throw ChatbotError(.runtime, "a row of \(table.name) has \(index) columns, expected \(columns.count)")
            }
            try row(values)
            count += 1
        }
        return count
    }

    private static func decode(_ cell: PostgresCell, as column: BackupSchema.Column, table: String) throws
        -> BackupValue
    {
        let value: BackupValue?
        do {
            value =
                switch column.type {
                case .int64: try cell.decode(Int64?.self).map { .int($0) }
                case .double: try cell.decode(Double?.self).map { .double($0) }
                case .text: try cell.decode(String?.self).map { .text($0) }
                case .bool: try cell.decode(Bool?.self).map { .bool($0) }
                }
        } catch {
            throw ChatbotError(.runtime, "cannot read \(table).\(column.name) as \(column.type.rawValue): \(error)")
        }
        guard let value else {
            guard column.nullable else {
                throw ChatbotError(.runtime, "\(table).\(column.name) is NULL but the schema says NOT NULL")
            }
            return .null
        }
        return value
    }

    /// Streams rows into `table` with `COPY … FROM STDIN`: `produce` calls its argument with each
    /// row's values (in column order), and the rows are sent in chunks of about 256 KiB.
    static func copyPostgres(
        into table: BackupSchema.Table, connection: PostgresConnection, logger: Logger,
        produce: (_ add: ([BackupValue]) async throws -> Void) async throws -> Void
    ) async throws {
        try await connection.copyFrom(table: table.name, columns: table.columns.map(\.name), logger: logger) {
            writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(300 << 10)
            try await produce { values in
                appendCopyLine(values, to: &buffer)
                if buffer.readableBytes >= 256 << 10 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    /// Appends one row in COPY's text format: tab-separated, `\N` for NULL, `\n`-terminated.
    static func appendCopyLine(_ values: [BackupValue], to buffer: inout ByteBuffer) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .int(let value): buffer.writeString(String(value))
            case .double(let value): buffer.writeString("\(value)")
            case .bool(let value): buffer.writeInteger(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .text(let value): appendCopyText(value, to: &buffer)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Text with COPY's escapes: backslash, newline, carriage return and tab.
    private static func appendCopyText(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            guard
                bytes.contains(where: {
                    $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
                        || $0 == UInt8(ascii: "\t")
                })
            else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }
}
