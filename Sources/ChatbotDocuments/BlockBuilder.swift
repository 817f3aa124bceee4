import Foundation

/// Collects blocks in reading order and keeps the heading path of each.
struct BlockBuilder {
    private(set) var blocks: [DocumentBlock] = []
    private var headings: [(level: Int, text: String)] = []
    /// The location fields other than the heading path (page, slide, sheet, chapter).
    var base = DocumentLocation()

    /// Starts a new page/slide/sheet/chapter: the heading path restarts.
    mutating func startUnit(_ location: DocumentLocation) {
        base = location
        headings.removeAll()
    }

    private var location: DocumentLocation {
        var location = base
        location.headingPath = headings.map(\.text)
        return location
    }

    mutating func heading(_ text: String, level: Int) {
        let text = Self.clean(text)
        guard !text.isEmpty else { return }
        let level = min(max(level, 1), 6)
        headings.removeAll { $0.level >= level }
        blocks.append(DocumentBlock(kind: .heading, level: level, text: text, location: location))
        headings.append((level, text))
    }

    mutating func paragraph(_ text: String, kind: DocumentBlock.Kind = .paragraph) {
        let text = Self.clean(text)
        guard !text.isEmpty else { return }
        blocks.append(DocumentBlock(kind: kind, text: text, location: location))
    }

    mutating func listItem(_ text: String, level: Int, ordered: Bool) {
        let text = Self.clean(text)
        guard !text.isEmpty else { return }
        blocks.append(
            DocumentBlock(kind: .listItem, level: max(level, 1), ordered: ordered, text: text, location: location))
    }

    mutating func markdown(_ text: String) {
        guard !text.isBlank else { return }
        blocks.append(DocumentBlock(kind: .markdown, text: text, location: location))
    }

    mutating func code(_ text: String) {
        guard !text.isBlank else { return }
        blocks.append(DocumentBlock(kind: .code, text: text, location: location))
    }

    mutating func table(_ rows: [[String]]) {
        let rows = rows.map { $0.map { Self.clean($0) } }.filter { row in row.contains { !$0.isEmpty } }
        guard !rows.isEmpty else { return }
        blocks.append(DocumentBlock(kind: .table, text: BlockRenderer.markdownTable(rows), location: location))
    }

    /// Collapses runs of white space to one space and trims.
    static func clean(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}

/// Renders blocks as Markdown or plain text.
enum BlockRenderer {
    static func render(_ blocks: [DocumentBlock], markdown: Bool) -> String {
        var parts: [String] = []
        var previous: DocumentBlock?
        var orderedCounters: [Int: (ordered: Bool, count: Int)] = [:]
        for block in blocks {
            if let marker = unitMarker(block.location, previous: previous?.location) {
                parts.append(markdown ? "<!-- \(marker) -->" : "[\(marker)]")
            }
            let continuesList = previous?.kind == .listItem && block.kind == .listItem
            if block.kind != .listItem { orderedCounters.removeAll() }
            let rendered: String
            switch block.kind {
            case .heading:
                rendered = markdown ? String(repeating: "#", count: block.level) + " " + escape(block.text) : block.text
            case .paragraph:
                rendered = markdown ? escape(block.text) : block.text
            case .notes:
                rendered = markdown ? "> Notes: " + escape(block.text) : "Notes: " + block.text
            case .listItem:
                let indent = String(repeating: "  ", count: block.level - 1)
                orderedCounters = orderedCounters.filter { $0.key <= block.level }
                let previousCount = orderedCounters[block.level].flatMap {
                    $0.ordered == block.ordered ? $0.count : nil
                }
                let number = (previousCount ?? 0) + 1
                orderedCounters[block.level] = (block.ordered, number)
                let bullet = block.ordered ? "\(number)." : "-"
                rendered = indent + bullet + " " + (markdown ? escape(block.text) : block.text)
            case .table:
                rendered = markdown ? block.text : plainTable(block.text)
            case .code:
                rendered = markdown ? fence(block.text) : block.text
            case .markdown:
                rendered = block.text
            }
            if continuesList, !parts.isEmpty {
                parts[parts.count - 1] += "\n" + rendered
            } else {
                parts.append(rendered)
            }
            previous = block
        }
        return parts.isEmpty ? "" : parts.joined(separator: "\n\n") + "\n"
    }

    /// A marker when the page, slide, sheet or chapter changes.
    private static func unitMarker(_ location: DocumentLocation, previous: DocumentLocation?) -> String? {
        if let page = location.page, page != previous?.page { return "page \(page)" }
        if let slide = location.slide, slide != previous?.slide { return "slide \(slide)" }
        if let sheet = location.sheet, sheet != previous?.sheet { return "sheet \(sheet)" }
        return nil
    }

    /// Escapes characters that would turn prose into Markdown syntax at the start of a line.
    static func escape(_ text: String) -> String {
        guard let first = text.first else { return text }
        if "#>*+-|".contains(first) || (first == "1" && text.hasPrefix("1.")) { return "\\" + text }
        return text
    }

    static func fence(_ text: String, language: String = "") -> String {
        var fence = "```"
        while text.contains(fence) { fence += "`" }
        let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return fence + language + "\n" + body + "\n" + fence
    }

    static func markdownTable(_ rows: [[String]]) -> String {
        let width = rows.map(\.count).max() ?? 0
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        func line(_ row: [String]) -> String {
            let padded = row + Array(repeating: "", count: width - row.count)
            return "| " + padded.map(cell).joined(separator: " | ") + " |"
        }
        var lines = [line(rows[0])]
        lines.append("|" + Array(repeating: " --- |", count: width).joined())
        lines += rows.dropFirst().map(line)
        return lines.joined(separator: "\n")
    }

    /// A Markdown table as tab-separated lines.
    static func plainTable(_ markdown: String) -> String {
        markdown.split(separator: "\n").enumerated().compactMap { index, line -> String? in
            if index == 1 { return nil }
            let inner = line.dropFirst(2).dropLast(2)
            return inner.components(separatedBy: " | ").map { $0.replacingOccurrences(of: "\\|", with: "|") }
                .joined(separator: "\t")
        }.joined(separator: "\n")
    }
}
