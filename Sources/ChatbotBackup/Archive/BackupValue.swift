import Foundation

/// One typed cell of a dumped row, portable between SQLite and PostgreSQL.
enum BackupValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)

    /// Appends this value as JSON (UTF-8) to `line`.
    func appendJSON(to line: inout [UInt8]) {
        switch self {
        case .null: line.append(contentsOf: "null".utf8)
        case .int(let value): line.append(contentsOf: String(value).utf8)
        case .double(let value): line.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .bool(let value): line.append(contentsOf: (value ? "true" : "false").utf8)
        case .text(let value): Self.appendQuoted(value, to: &line)
        }
    }

    /// Appends `text` as a JSON string literal (UTF-8): bytes below 0x20, `"` and `\` escaped.
    static func appendQuoted(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                line.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    line.append(contentsOf: Array("\\u00".utf8))
                    line.append(hex[Int(byte >> 4)])
                    line.append(hex[Int(byte & 0x0F)])
                default: line.append(byte)
                }
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
