import Foundation

/// One typed cell of a dumped row, portable between SQLite and PostgreSQL.
enum BackupValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case vector([Float])

    /// Appends this value as JSON (UTF-8) to `line`.
    func appendJSON(to line: inout [UInt8]) {
        switch self {
        case .null: line.append(contentsOf: "null".utf8)
        case .int(let value): Self.appendDecimal(value, to: &line)
        case .double(let value): line.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .bool(let value): line.append(contentsOf: (value ? "true" : "false").utf8)
        case .text(let value): Self.appendQuoted(value, to: &line)
        case .vector(let values):
            line.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                line.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
            }
            line.append(UInt8(ascii: "]"))
        }
    }

    /// Appends `text` as a JSON string literal (UTF-8): bytes below 0x20, `"` and `\` escaped.
    static func appendQuoted(_ text: String, to line: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendQuoted(utf8: $0, to: &line) }
    }

    /// Appends UTF-8 `bytes` as a JSON string literal: bytes below 0x20, `"` and `\` escaped.
    static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            line.append(contentsOf: bytes)
            line.append(UInt8(ascii: "\""))
            return
        }
        for byte in bytes { appendEscaped(byte, to: &line) }
        line.append(UInt8(ascii: "\""))
    }

    /// Appends one byte of a JSON string's content: `"` and `\` escaped, bytes below 0x20 as
    /// `\n`, `\r`, `\t` or `\u00XX`, anything else as it is.
    @inline(__always)
    static func appendEscaped(_ byte: UInt8, to line: inout [UInt8]) {
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
            return line.append(byte)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { buffer in
            let count = writeEscaped(byte, to: buffer.baseAddress!)
            line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Writes one byte of a JSON string's content at `out` (escaped as ``appendEscaped(_:to:)``
    /// says; at most 6 bytes) and returns how many bytes it wrote.
    @inline(__always)
    static func writeEscaped(_ byte: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case UInt8(ascii: "\n"): short = UInt8(ascii: "n")
        case UInt8(ascii: "\r"): short = UInt8(ascii: "r")
        case UInt8(ascii: "\t"): short = UInt8(ascii: "t")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            out[0] = UInt8(ascii: "\\")
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = hex.utf8Start[Int(byte >> 4)]
            out[5] = hex.utf8Start[Int(byte & 0x0F)]
            return 6
        default:
            out[0] = byte
            return 1
        }
        out[0] = UInt8(ascii: "\\")
        out[1] = short
        return 2
    }

    /// Appends `value` in decimal, as `String(value)` would, without allocating a string.
    static func appendDecimal(_ value: Int64, to line: inout [UInt8]) {
        if value < 0 { line.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        guard magnitude >= 10 else {
            line.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, reversed
        var count = 0
        withUnsafeMutableBytes(of: &digits) { storage in
            while magnitude > 0 {
                storage[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { line.append(storage[index]) }
        }
    }
}
