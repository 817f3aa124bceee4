import ChatbotCore
import Foundation

/// Plain text in common encodings, Markdown, CSV/TSV and JSON.
enum TextFormats {
    /// Decodes text: a BOM first (UTF-8, UTF-16), then strict UTF-8, then Windows-1252.
    /// Returns `nil` for binary data.
    static func decode(_ data: Data) -> (text: String, encoding: String)? {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(data: data.dropFirst(3), encoding: .utf8).map { ($0, "utf-8") }
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return String(data: data.dropFirst(2), encoding: .utf16LittleEndian).map { ($0, "utf-16le") }
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return String(data: data.dropFirst(2), encoding: .utf16BigEndian).map { ($0, "utf-16be") }
        }
        let sample = data.prefix(8192)
        let zeros = sample.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        if zeros > 0 {
            // UTF-16 without a BOM: zero bytes at every other position.
            let evenZeros = sample.enumerated().filter { $0.offset % 2 == 0 && $0.element == 0 }.count
            let oddZeros = zeros - evenZeros
            if sample.count >= 4, oddZeros * 2 >= sample.count / 2 - 2, evenZeros == 0 {
                return String(data: data, encoding: .utf16LittleEndian).map { ($0, "utf-16le") }
            }
            if sample.count >= 4, evenZeros * 2 >= sample.count / 2 - 2, oddZeros == 0 {
                return String(data: data, encoding: .utf16BigEndian).map { ($0, "utf-16be") }
            }
            return nil
        }
        if let text = String(data: data, encoding: .utf8) { return (text, "utf-8") }
        let controls = sample.filter { $0 < 0x09 || (0x0E..<0x20).contains($0) }.count
        if controls * 20 > max(sample.count, 1) { return nil }
        if let text = String(data: data, encoding: .windowsCP1252) { return (text, "windows-1252") }
        return String(data: data, encoding: .isoLatin1).map { ($0, "iso-8859-1") }
    }

    static func plain(_ text: String) -> [DocumentBlock] {
        var builder = BlockBuilder()
        for paragraph in paragraphs(text) { builder.paragraph(paragraph) }
        return builder.blocks
    }

    private static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { result.append(current.joined(separator: "\n")) }
                current.removeAll()
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: "\n")) }
        return result
    }

    /// Markdown passed through; ATX headings become heading blocks (outside fences).
    static func markdown(_ text: String) -> [DocumentBlock] {
        var builder = BlockBuilder()
        var chunk: [Substring] = []
        var fence: String?
        func flush() {
            builder.markdown(chunk.joined(separator: "\n"))
            chunk.removeAll()
        }
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                chunk.append(line)
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                chunk.append(line)
                continue
            }
            let hashes = trimmed.prefix { $0 == "#" }.count
            if (1...6).contains(hashes), trimmed.dropFirst(hashes).first.map({ $0 == " " }) ?? true {
                flush()
                var title = String(trimmed.dropFirst(hashes))
                while title.hasSuffix("#") { title.removeLast() }
                builder.heading(title, level: hashes)
                continue
            }
            if line.allSatisfy(\.isWhitespace) {
                flush()
            } else {
                chunk.append(line)
            }
        }
        flush()
        return builder.blocks
    }

    /// Rows of delimited text (RFC 4180 quoting).
    static func delimited(_ text: String, separator: Character) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == separator {
                row.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Whether text looks like a table with the separator: two or more columns, the same count on the first lines.
    static func looksDelimited(_ text: String, separator: Character) -> Bool {
        let lines = text.split(separator: "\n").prefix(10)
        guard lines.count >= 2 else { return false }
        let counts = lines.map { line in line.filter { $0 == separator }.count }
        return counts[0] >= 1 && counts.allSatisfy { $0 == counts[0] }
    }

    static func json(_ text: String) -> [DocumentBlock] {
        var builder = BlockBuilder()
        var pretty = text
        if !text.contains("\n"), let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let formatted = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .fragmentsAllowed, .withoutEscapingSlashes]),
            let string = String(data: formatted, encoding: .utf8)
        {
            pretty = string
        }
        builder.markdown(BlockRenderer.fence(pretty, language: "json"))
        return builder.blocks
    }
}
