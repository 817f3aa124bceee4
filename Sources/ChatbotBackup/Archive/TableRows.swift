import ChatbotCore
import ChatbotStorage
import Foundation
import SQLKit

/// Reading a table's rows from the database in pages, and writing them back, in the portable form.
enum TableRows {
    /// Rows per SELECT page and per INSERT statement.
    static let pageSize = 1000
    static let insertBatch = 500

    /// Reads every row of `table` in key order, a page at a time, calling `row` for each.
    static func dump(
        _ table: BackupSchema.Table, from database: any SQLDatabase, row: ([BackupValue]) throws -> Void
    ) async throws -> Int {
        let columnList = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var lastKey: BackupValue?
        var count = 0
        while true {
            var query = SQLQueryString("SELECT \(unsafeRaw: columnList) FROM \(ident: table.name)")
            switch lastKey {
            case .int(let value): query.appendInterpolation(unsafeRaw: " WHERE \"\(table.key)\" > \(value)")
            case .text(let value):
                query.appendInterpolation(unsafeRaw: " WHERE \"\(table.key)\" > ")
                query.appendInterpolation(bind: value)
            default: break
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY \"\(table.key)\" LIMIT \(pageSize)")
            let rows = try await database.raw(query).all()
            for sqlRow in rows {
                let values = try table.columns.map { try decode($0, from: sqlRow, table: table.name) }
                try row(values)
                if let index = table.columns.firstIndex(where: { $0.name == table.key }) { lastKey = values[index] }
            }
            count += rows.count
            if rows.count < pageSize { return count }
        }
    }

    private static func decode(_ column: BackupSchema.Column, from row: any SQLRow, table: String) throws -> BackupValue
    {
        let value: BackupValue? =
            switch column.type {
            case .int64: try row.decode(column: column.name, as: Int64?.self).map { .int($0) }
            case .double: try row.decode(column: column.name, as: Double?.self).map { .double($0) }
            case .text: try row.decode(column: column.name, as: String?.self).map { .text($0) }
            case .bool: try row.decode(column: column.name, as: Bool?.self).map { .bool($0) }
            case .vector:
                try row.decode(column: column.name, as: Data?.self).map {
                    guard let vector = SQLVectorStore.vector(fromBlob: $0) else {
                        throw ChatbotError(
                            .runtime, "\(table).\(column.name) holds a vector whose length is not a multiple of 4")
                    }
                    return .vector(vector)
                }
            }
        guard let value else {
            guard column.nullable else {
                throw ChatbotError(.runtime, "\(table).\(column.name) is NULL but the schema says NOT NULL")
            }
            return .null
        }
        return value
    }

    /// Appends one row as an NDJSON line (object keyed by column name, `\n`-terminated) to `line`.
    static func appendLine(_ values: [BackupValue], table: BackupSchema.Table, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "{"))
        for (index, column) in table.columns.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            BackupValue.appendQuoted(column.name, to: &line)
            line.append(UInt8(ascii: ":"))
            values[index].appendJSON(to: &line)
        }
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// The column names of `table` as UTF-8, for ``parse(_:table:names:)``.
    static func names(_ table: BackupSchema.Table) -> [[UInt8]] {
        table.columns.map { Array($0.name.utf8) }
    }

    /// Parses an NDJSON line back into values in column order, checking types.
    static func parse(_ line: UnsafeRawBufferPointer, table: BackupSchema.Table, names: [[UInt8]]? = nil) throws
        -> [BackupValue]
    {
        let values: [BackupValue?]
        do {
            values = try RowParser.parse(line, names: names ?? Self.names(table))
        } catch {
            throw ChatbotError(.runtime, "a row of \(table.name) is not valid JSON")
        }
        return try zip(table.columns, values).map { column, value in
            switch (column.type, value ?? .null) {
            case (_, .null) where column.nullable: return .null
            case (.int64, .int(let integer)): return .int(integer)
            case (.double, .double(let double)): return .double(double)
            case (.text, .text(let text)): return .text(text)
            case (.bool, .bool(let bool)): return .bool(bool)
            case (.double, .int(let integer)): return .double(Double(integer))
            case (.vector, .vector(let vector)): return .vector(vector)
            default:
                throw ChatbotError(.runtime, "a row of \(table.name) has a bad value for \(column.name)")
            }
        }
    }

    /// Inserts `rows` (values in column order) into `table`.
    static func insert(_ rows: [[BackupValue]], into table: BackupSchema.Table, database: any SQLDatabase) async throws
    {
        guard !rows.isEmpty else { return }
        var insert = database.insert(into: table.name).columns(table.columns.map(\.name))
        for row in rows {
            insert = insert.values(row.map(expression))
        }
        try await insert.run()
    }

    private static func expression(_ value: BackupValue) -> any SQLExpression {
        switch value {
        case .null: SQLLiteral.null
        case .int(let value): SQLBind(value)
        case .double(let value): SQLBind(value)
        case .text(let value): SQLBind(value)
        case .bool(let value): SQLBind(value)
        case .vector(let value): SQLBind(SQLVectorStore.blob(value))  // SQLite's form; PostgreSQL loads by COPY
        }
    }
}
