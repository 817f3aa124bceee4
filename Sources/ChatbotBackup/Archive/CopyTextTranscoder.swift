import ChatbotCore

/// Turns rows in PostgreSQL's COPY text format (tab-separated fields, `\N` for NULL, backslash
/// escapes, one row per line) into the archive's NDJSON lines: no strings or values are built per
/// cell, which is what makes the `COPY TO STDOUT` dump fast.
///
/// A row is written into scratch memory sized for its worst case (every byte escaped as
/// `\u00XX`) through raw pointers, then appended to the caller's buffer in one copy; text is
/// scanned eight bytes at a time for the bytes that need work (below 0x20 — the tab that ends a
/// field among them — `"` and `\`). The dump spends most of its client CPU here.
///
/// Output matches ``TableRows/appendLine(_:table:to:)`` for every type but `double`, whose
/// digits come from the server (shortest round-trip form with `extra_float_digits = 3`); both
/// parse back to the same value. Non-finite doubles become `null`, as in the generic path.
final class CopyTextTranscoder {
    private let table: BackupSchema.Table
    private let types: [BackupSchema.ColumnType]
    private let nullable: [Bool]
    /// `{"name":` and `,"name":` for every column, back to back, with their offsets.
    private let keys: UnsafeMutableBufferPointer<UInt8>
    private let keyOffsets: [Int]
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    /// A transcoder for rows of `table` with its columns in schema order.
    init(table: BackupSchema.Table) {
        self.table = table
        types = table.columns.map(\.type)
        nullable = table.columns.map(\.nullable)
        var flat: [UInt8] = []
        var offsets: [Int] = []
        for (index, column) in table.columns.enumerated() {
            offsets.append(flat.count)
            flat.append(index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            BackupValue.appendQuoted(column.name, to: &flat)
            flat.append(UInt8(ascii: ":"))
        }
        offsets.append(flat.count)
        keys = .allocate(capacity: max(flat.count, 1))
        _ = keys.initialize(from: flat)
        keyOffsets = offsets
        scratchCapacity = 64 << 10
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        keys.deallocate()
        scratch.deallocate()
    }

    /// Appends the NDJSON line for one COPY row (`row` may end with its newline).
    func append(row: UnsafeRawBufferPointer, to line: inout [UInt8]) throws {
        guard let base = row.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return try transcode(UnsafePointer(keys.baseAddress!), count: 0, to: &line)
        }
        var count = row.count
        if count > 0 && base[count - 1] == UInt8(ascii: "\n") { count -= 1 }
        try transcode(base, count: count, to: &line)
    }

    private func transcode(_ input: UnsafePointer<UInt8>, count: Int, to line: inout [UInt8]) throws {
        // Worst case: every byte becomes `\u00XX` (6 bytes), plus the keys and `}\n`.
        let worst = count * 6 + keyOffsets[keyOffsets.count - 1] + 2
        if worst > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(worst, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        let end = input + count
        var cursor = input
        var out = scratch
        let columns = types.count
        for column in 0..<columns {
            if column > 0 {
                guard cursor < end, cursor.pointee == UInt8(ascii: "\t") else {
                    throw badRow("has \(column) columns, expected \(columns)")
                }
                cursor += 1
            }
            let keyStart = keyOffsets[column]
            let keyLength = keyOffsets[column + 1] - keyStart
            out.update(from: keys.baseAddress! + keyStart, count: keyLength)
            out += keyLength
            if end - cursor >= 2 && cursor[0] == UInt8(ascii: "\\") && cursor[1] == UInt8(ascii: "N")
                && (end - cursor == 2 || cursor[2] == UInt8(ascii: "\t"))
            {
                guard nullable[column] else {
                    throw badRow("has NULL in \(table.columns[column].name), which the schema says is NOT NULL")
                }
                out = Self.write("null", at: out)
                cursor += 2
                continue
            }
            if types[column] == .text {
                (cursor, out) = Self.text(from: cursor, to: end, into: out)
                continue
            }
            var fieldEnd = cursor
            while fieldEnd < end && fieldEnd.pointee != UInt8(ascii: "\t") { fieldEnd += 1 }
            out = try scalar(UnsafeBufferPointer(start: cursor, count: fieldEnd - cursor), column: column, into: out)
            cursor = fieldEnd
        }
        guard cursor == end else { throw badRow("has more than \(columns) columns") }
        out[0] = UInt8(ascii: "}")
        out[1] = UInt8(ascii: "\n")
        out += 2
        line.append(contentsOf: UnsafeBufferPointer(start: scratch, count: out - scratch))
    }

    /// A non-text field, checked and written.
    private func scalar(
        _ field: UnsafeBufferPointer<UInt8>, column: Int, into out: UnsafeMutablePointer<UInt8>
    ) throws -> UnsafeMutablePointer<UInt8> {
        let name = table.columns[column].name
        switch types[column] {
        case .text:
            preconditionFailure("text is transcoded by text(from:to:into:)")
        case .int64:
            guard !field.isEmpty,
                field.enumerated().allSatisfy({ Self.isDigit($1) || ($0 == 0 && $1 == UInt8(ascii: "-")) })
            else { throw badRow("has a bad integer in \(name)") }
            return Self.copy(field, to: out)
        case .bool:
            switch field.first {
            case UInt8(ascii: "t"): return Self.write("true", at: out)
            case UInt8(ascii: "f"): return Self.write("false", at: out)
            default: throw badRow("has a bad boolean in \(name)")
            }
        case .vector:
            // `{0.1,-2e-05,…}` (float4 in shortest form) → `[0.1,-2e-05,…]`; NaN and infinities,
            // which JSON cannot hold, are refused.
            guard field.count >= 2, field.first == UInt8(ascii: "{"), field.last == UInt8(ascii: "}"),
                field.dropFirst().dropLast().allSatisfy({
                    Self.isDigit($0) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                        || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
                })
            else { throw badRow("has a vector in \(name) that is not a list of finite numbers") }
            var out = out
            out.pointee = UInt8(ascii: "[")
            out = Self.copy(UnsafeBufferPointer(rebasing: field.dropFirst().dropLast()), to: out + 1)
            out.pointee = UInt8(ascii: "]")
            return out + 1
        case .double:
            if field.contains(where: { Self.isLetter($0) && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }) {
                return Self.write("null", at: out)  // NaN, Infinity, -Infinity
            }
            if field.first == UInt8(ascii: ".") || field.starts(with: [UInt8(ascii: "-"), UInt8(ascii: ".")]) {
                var formatted: [UInt8] = []
                BackupValue.double(Double(String(decoding: field, as: UTF8.self)) ?? 0).appendJSON(to: &formatted)
                return formatted.withUnsafeBufferPointer { Self.copy($0, to: out) }
            }
            return Self.copy(field, to: out)
        }
    }

    /// A text field from `start` up to the next tab (or `end`) as a JSON string: COPY's escapes
    /// undone and JSON's applied in one pass. Returns where the field ended and where output
    /// goes on.
    @inline(__always)
    private static func text(
        from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>
    ) -> (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>) {
        var cursor = start
        var out = output
        out.pointee = UInt8(ascii: "\"")
        out += 1
        while true {
            // Eight ordinary bytes at a time.
            while end - cursor >= 8 {
                let word = UnsafeRawPointer(cursor).loadUnaligned(as: UInt64.self)
                if needsWork(word) { break }
                UnsafeMutableRawPointer(out).storeBytes(of: word, as: UInt64.self)
                cursor += 8
                out += 8
            }
            guard cursor < end else { break }
            let byte = cursor.pointee
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                out.pointee = byte
                out += 1
                cursor += 1
                continue
            }
            if byte == UInt8(ascii: "\t") { break }  // the end of the field
            cursor += 1
            var decoded = byte
            if byte == UInt8(ascii: "\\") && cursor < end {
                (decoded, cursor) = unescape(cursor, end: end)
            }
            out += BackupValue.writeEscaped(decoded, to: out)
        }
        out.pointee = UInt8(ascii: "\"")
        return (cursor, out + 1)
    }

    /// Whether any of the eight bytes of `word` is below 0x20, `"` or `\` (exact: no byte is
    /// missed; a true answer sends the scan to the byte-by-byte path, which decides).
    @inline(__always)
    private static func needsWork(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote & highs
        let zeroBackslash = (backslash &- ones) & ~backslash & highs
        return (below | zeroQuote | zeroBackslash) != 0
    }

    /// The byte a COPY escape stands for; `start` is just after the backslash. Returns the byte
    /// and the position after the escape.
    private static func unescape(
        _ start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>
    ) -> (UInt8, UnsafePointer<UInt8>) {
        var cursor = start
        let escape = cursor.pointee
        cursor += 1
        switch escape {
        case UInt8(ascii: "n"): return (0x0A, cursor)
        case UInt8(ascii: "t"): return (0x09, cursor)
        case UInt8(ascii: "r"): return (0x0D, cursor)
        case UInt8(ascii: "b"): return (0x08, cursor)
        case UInt8(ascii: "f"): return (0x0C, cursor)
        case UInt8(ascii: "v"): return (0x0B, cursor)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = Int(escape - UInt8(ascii: "0"))
            var digits = 1
            while digits < 3, cursor < end, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(cursor.pointee) {
                value = value * 8 + Int(cursor.pointee - UInt8(ascii: "0"))
                cursor += 1
                digits += 1
            }
            return (UInt8(truncatingIfNeeded: value), cursor)
        case UInt8(ascii: "x"):
            guard cursor < end, var value = hexValue(cursor.pointee) else { return (escape, cursor) }
            cursor += 1
            if cursor < end, let low = hexValue(cursor.pointee) {
                value = value &* 16 &+ low
                cursor += 1
            }
            return (value, cursor)
        default:
            return (escape, cursor)  // `\\` and any other escaped character stand for themselves
        }
    }

    @inline(__always)
    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8>
    {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return out }
        out.update(from: base, count: bytes.count)
        return out + bytes.count
    }

    @inline(__always)
    private static func write(_ literal: StaticString, at out: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8>
    {
        out.update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return out + literal.utf8CodeUnitCount
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
