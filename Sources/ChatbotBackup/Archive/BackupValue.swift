import Foundation

/// One typed cell of a dumped row, portable between SQLite and PostgreSQL.
enum BackupValue: Sendable, Hashable, Decodable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    /// Appends this value as JSON to `line`.
    func appendJSON(to line: inout String) {
        switch self {
        case .null: line += "null"
        case .int(let value): line += String(value)
        case .double(let value): line += value.isFinite ? "\(value)" : "null"
        case .bool(let value): line += value ? "true" : "false"
        case .text(let value): Self.appendQuoted(value, to: &line)
        }
    }

    /// Appends `text` as a JSON string literal.
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
