import ChatbotCore

/// Turns rows in PostgreSQL's COPY text format (tab-separated fields, `\N` for NULL, backslash
/// escapes, one row per line) into the archive's NDJSON lines, byte by byte: no strings or values
/// are built per cell, which is what makes the `COPY TO STDOUT` dump fast.
///
/// Output matches ``TableRows/appendLine(_:table:to:)`` for every type but `double`, whose
/// digits come from the server (shortest round-trip form with `extra_float_digits = 3`); both
/// parse back to the same value. Non-finite doubles become `null`, as in the generic path.
struct CopyTextTranscoder {
    private let table: BackupSchema.Table
    private let keys: [[UInt8]]

    /// A transcoder for rows of `table` with its columns in schema order.
    init(table: BackupSchema.Table) {
        self.table = table
        keys = table.columns.enumerated().map { index, column in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            BackupValue.appendQuoted(column.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// Appends the NDJSON line for one COPY row (`row` may end with its newline).
    func append(row: UnsafeRawBufferPointer, to line: inout [UInt8]) throws {
        var bytes = row.bindMemory(to: UInt8.self)
        if bytes.last == UInt8(ascii: "\n") { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        var start = 0
        var column = 0
        let columns = table.columns
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: "\t") {
            guard column < columns.count else { throw badRow("has more than \(columns.count) columns") }
            line.append(contentsOf: keys[column])
            try appendField(UnsafeBufferPointer(rebasing: bytes[start..<end]), as: columns[column], to: &line)
            column += 1
            start = end + 1
        }
        guard column == columns.count else { throw badRow("has \(column) columns, expected \(columns.count)") }
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    private func appendField(
        _ field: UnsafeBufferPointer<UInt8>, as column: BackupSchema.Column, to line: inout [UInt8]
    ) throws {
        if field.count == 2 && field[0] == UInt8(ascii: "\\") && field[1] == UInt8(ascii: "N") {
            guard column.nullable else { throw badRow("has NULL in \(column.name), which the schema says is NOT NULL") }
            line.append(contentsOf: "null".utf8)
            return
        }
        switch column.type {
        case .text:
            Self.appendText(field, to: &line)
        case .int64:
            guard !field.isEmpty,
                field.enumerated().allSatisfy({ Self.isDigit($1) || ($0 == 0 && $1 == UInt8(ascii: "-")) })
            else { throw badRow("has a bad integer in \(column.name)") }
            line.append(contentsOf: field)
        case .bool:
            switch field.first {
            case UInt8(ascii: "t"): line.append(contentsOf: "true".utf8)
            case UInt8(ascii: "f"): line.append(contentsOf: "false".utf8)
            default: throw badRow("has a bad boolean in \(column.name)")
            }
        case .vector:
            // `{0.1,-2e-05,…}` (float4 in shortest form) → `[0.1,-2e-05,…]`; NaN and infinities,
            // which JSON cannot hold, are refused.
            guard field.count >= 2, field.first == UInt8(ascii: "{"), field.last == UInt8(ascii: "}"),
                field.dropFirst().dropLast().allSatisfy({
                    Self.isDigit($0) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                        || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
                })
            else { throw badRow("has a vector in \(column.name) that is not a list of finite numbers") }
            line.append(UInt8(ascii: "["))
            line.append(contentsOf: UnsafeBufferPointer(rebasing: field.dropFirst().dropLast()))
            line.append(UInt8(ascii: "]"))
        case .double:
            if field.contains(where: { Self.isLetter($0) && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }) {
                line.append(contentsOf: "null".utf8)  // NaN, Infinity, -Infinity
            } else if field.first == UInt8(ascii: ".") || field.starts(with: [UInt8(ascii: "-"), UInt8(ascii: ".")]) {
                BackupValue.double(Double(String(decoding: field, as: UTF8.self)) ?? 0).appendJSON(to: &line)
            } else {
                line.append(contentsOf: field)
            }
        }
    }

    /// COPY's escapes undone and JSON's applied in one pass; runs of ordinary bytes are copied
    /// in bulk.
    private static func appendText(_ field: UnsafeBufferPointer<UInt8>, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < field.count {
            let byte = field[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart..<index]))
            index += 1
            var decoded = byte
            if byte == UInt8(ascii: "\\") && index < field.count {
                (decoded, index) = unescape(field, at: index)
            }
            BackupValue.appendEscaped(decoded, to: &line)
            runStart = index
        }
        line.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart..<field.count]))
        line.append(UInt8(ascii: "\""))
    }

    /// The byte a COPY escape stands for; `index` is just after the backslash. Returns the byte
    /// and the index after the escape.
    private static func unescape(_ field: UnsafeBufferPointer<UInt8>, at start: Int) -> (UInt8, Int) {
        var index = start
        let escape = field[index]
        index += 1
        switch escape {
        case UInt8(ascii: "n"): return (0x0A, index)
        case UInt8(ascii: "t"): return (0x09, index)
        case UInt8(ascii: "r"): return (0x0D, index)
        case UInt8(ascii: "b"): return (0x08, index)
        case UInt8(ascii: "f"): return (0x0C, index)
        case UInt8(ascii: "v"): return (0x0B, index)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = Int(escape - UInt8(ascii: "0"))
            var digits = 1
            while digits < 3, index < field.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(field[index]) {
                value = value * 8 + Int(field[index] - UInt8(ascii: "0"))
                index += 1
                digits += 1
            }
            return (UInt8(truncatingIfNeeded: value), index)
        case UInt8(ascii: "x"):
            guard index < field.count, var value = hexValue(field[index]) else { return (escape, index) }
            index += 1
            if index < field.count, let low = hexValue(field[index]) {
                value = value &* 16 &+ low
                index += 1
            }
            return (value, index)
        default:
            return (escape, index)  // `\\` and any other escaped character stand for themselves
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private func badRow(_ problem: String) -> ChatbotError {
        ChatbotError(.runtime, "a row of \(table.name) from COPY \(problem)")
    }
}
