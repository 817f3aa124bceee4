import ChatbotCore
import Foundation

/// Parses one NDJSON row: a flat JSON object whose values are strings, numbers, booleans or null
/// (what ``TableRows`` writes). Faster than `JSONDecoder` for this one shape, and strict: nested
/// values, trailing bytes or malformed escapes are errors.
struct RowParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    struct Malformed: Error {}

    /// The object's members by name.
    static func parse(_ line: Data) throws -> [String: BackupValue] {
        var members: [String: BackupValue] = [:]
        try line.withUnsafeBytes { raw in
            var parser = RowParser(bytes: raw.bindMemory(to: UInt8.self))
            try parser.object { key, value in
                guard let name = String(validating: key, as: UTF8.self) else { throw Malformed() }
                members[name] = value
            }
        }
        return members
    }

    /// The values of the members named `names` (UTF-8), in that order; `nil` for a missing one.
    /// Other members are ignored. Members in the order of `names` are matched without a search.
    static func parse(_ line: UnsafeRawBufferPointer, names: [[UInt8]]) throws -> [BackupValue?] {
        var values = [BackupValue?](repeating: nil, count: names.count)
        var ordinal = 0
        var parser = RowParser(bytes: line.bindMemory(to: UInt8.self))
        try parser.object { key, value in
            let index = ordinal < names.count && names[ordinal] == key ? ordinal : names.firstIndex(of: key)
            if let index { values[index] = value }
            ordinal += 1
        }
        return values
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func object(_ member: ([UInt8], BackupValue) throws -> Void) throws {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let name = try stringBytes()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try member(name, try value())
                skipWhitespace()
                let next = try take()
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw Malformed() }
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw Malformed() }
    }

    private mutating func value() throws -> BackupValue {
        switch peek() {
        case UInt8(ascii: "\""):
            guard let text = String(validating: try stringBytes(), as: UTF8.self) else { throw Malformed() }
            return .text(text)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "["):
            return try vector()
        default: return try number()
        }
    }

    /// `[n, n, …]`: an embedding vector, each number read as a `Float` from its own digits.
    private mutating func vector() throws -> BackupValue {
        try expect(UInt8(ascii: "["))
        var values: [Float] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .vector(values)
        }
        while true {
            skipWhitespace()
            let start = position
            while let byte = peek(),
                byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            {
                position += 1
            }
            guard Self.isJSONNumber(bytes[start..<position]),
                let value = Float(
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)),
                value.isFinite
            else { throw Malformed() }
            values.append(value)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "]") { return .vector(values) }
            guard next == UInt8(ascii: ",") else { throw Malformed() }
        }
    }

    private mutating func number() throws -> BackupValue {
        let start = position
        var isInteger = true
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"): isInteger = false
            default:
                return try numberValue(start: start, isInteger: isInteger)
            }
            position += 1
        }
        return try numberValue(start: start, isInteger: isInteger)
    }

    private func numberValue(start: Int, isInteger: Bool) throws -> BackupValue {
        guard Self.isJSONNumber(bytes[start..<position]) else { throw Malformed() }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard !isInteger, let value = Double(text), value.isFinite else { throw Malformed() }
        return .double(value)
    }

    /// A string literal's content as UTF-8 (not yet validated).
    private mutating func stringBytes() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        let start = position
        // Fast path: no escapes.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw Malformed() }
            position += 1
        }
        utf8.append(contentsOf: bytes[start..<position])
        while true {
            let byte = try take()
            switch byte {
            case UInt8(ascii: "\""):
                return utf8
            case UInt8(ascii: "\\"):
                let escape = try take()
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw Malformed()
                }
            case 0..<0x20:
                throw Malformed()
            default:
                utf8.append(byte)
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the JSON number grammar.
    private static func isJSONNumber(_ number: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var index = number.startIndex
        func digits() -> Int {
            let start = index
            while index < number.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(number[index]) {
                index += 1
            }
            return index - start
        }
        func skip(_ byte: UInt8) -> Bool {
            guard index < number.endIndex, number[index] == byte else { return false }
            index += 1
            return true
        }
        _ = skip(UInt8(ascii: "-"))
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || number[integerStart] != UInt8(ascii: "0") else { return false }
        if skip(UInt8(ascii: ".")), digits() == 0 { return false }
        if skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
            if !skip(UInt8(ascii: "+")) { _ = skip(UInt8(ascii: "-")) }
            if digits() == 0 { return false }
        }
        return index == number.endIndex
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var scalarValue = try hex4()
        if (0xD800..<0xDC00).contains(scalarValue) {
            try expect(UInt8(ascii: "\\"))
            try expect(UInt8(ascii: "u"))
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw Malformed() }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try take()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Malformed() }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] { throw Malformed() }
        position += count
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func take() throws -> UInt8 {
        guard position < bytes.count else { throw Malformed() }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try take() == byte else { throw Malformed() }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }
}
