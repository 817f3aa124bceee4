import ChatbotCore
import Logging
import NIOCore
import PostgresNIO
import SQLKit

/// PostgreSQL fast paths for ``TableRows``, used with the postgres-nio connection of a
/// ``PostgresSession``: the dump streams one `SELECT` (no ORDER BY: a sequential scan, as
/// `pg_dump` reads) and writes each row's NDJSON line straight from the cells' wire bytes — no
/// `String` or ``BackupValue`` per cell — and the restore streams rows with `COPY … FROM STDIN`
/// (text format) instead of multi-row INSERTs. Same values, same checks, same archive bytes as the
/// generic SQLKit paths.
extension TableRows {
    /// Streams every row of `table` as NDJSON lines into `buffer`, calling `flush` whenever the
    /// buffer passes 256 KiB (and not at the end: the caller flushes the rest).
    ///
    /// Cells are formatted from their binary wire form when the column has the expected type
    /// (int8, float8, bool, and text/varchar when the session's encoding is UTF-8); any other cell
    /// goes through postgres-nio's decoding, so an unexpected column type still dumps correctly.
    static func dumpPostgresNDJSON(
        _ table: BackupSchema.Table, from connection: PostgresConnection, logger: Logger, utf8: Bool,
        into buffer: inout [UInt8], flush: (inout [UInt8], _ rows: Int) throws -> Void
    ) async throws -> Int {
        let columnList = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let query = PostgresQuery(unsafeSQL: "SELECT \(columnList) FROM \"\(table.name)\"")
        let rows = try await connection.query(query, logger: logger)
        let columns = table.columns
        // `{"name":` and `,"name":` per column, built once.
        let keys: [[UInt8]] = columns.enumerated().map { index, column in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            BackupValue.appendQuoted(column.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        var count = 0
        for try await postgresRow in rows {
            var index = 0
            for cell in postgresRow {
                guard index < columns.count else { break }
                buffer.append(contentsOf: keys[index])
                try appendJSON(cell, as: columns[index], table: table.name, utf8: utf8, to: &buffer)
                index += 1
            }
            guard index == columns.count else {
                throw ChatbotError(.runtime, "a row of \(table.name) has \(index) columns, expected \(columns.count)")
            }
            buffer.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
            count += 1
            if buffer.count >= TableFileOutput.flushThreshold { try flush(&buffer, count) }
        }
        return count
    }

    /// Appends one cell as JSON, from its wire bytes where the type allows.
    private static func appendJSON(
        _ cell: PostgresCell, as column: BackupSchema.Column, table: String, utf8: Bool, to line: inout [UInt8]
    ) throws {
        guard let bytes = cell.bytes else {
            guard column.nullable else {
                throw ChatbotError(.runtime, "\(table).\(column.name) is NULL but the schema says NOT NULL")
            }
            line.append(contentsOf: "null".utf8)
            return
        }
        let binary = cell.format == .binary
        switch column.type {
        case .text where utf8 && (cell.dataType == .text || cell.dataType == .varchar):
            bytes.withUnsafeReadableBytes { raw in
                BackupValue.appendQuoted(utf8: raw.assumingMemoryBound(to: UInt8.self), to: &line)
            }
        case .int64 where binary && cell.dataType == .int8 && bytes.readableBytes == 8:
            BackupValue.appendDecimal(bytes.getInteger(at: bytes.readerIndex, as: Int64.self)!, to: &line)
        case .double where binary && cell.dataType == .float8 && bytes.readableBytes == 8:
            let bits = bytes.getInteger(at: bytes.readerIndex, as: UInt64.self)!
            BackupValue.double(Double(bitPattern: bits)).appendJSON(to: &line)
        case .bool where binary && cell.dataType == .bool && bytes.readableBytes == 1:
            line.append(
                contentsOf: (bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)! != 0 ? "true" : "false").utf8)
        default:
            try decode(cell, as: column, table: table).appendJSON(to: &line)
        }
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
                case .vector: try cell.decode([Float]?.self).map { .vector($0) }
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
            case .vector(let values):
                buffer.writeStaticString("{")
                for (index, value) in values.enumerated() {
                    if index > 0 { buffer.writeStaticString(",") }
                    buffer.writeString("\(value)")
                }
                buffer.writeStaticString("}")
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
