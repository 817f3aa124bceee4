import ChatbotCore
import ChatbotHTML
import Foundation

/// OpenDocument text, spreadsheets and presentations (`content.xml`, `meta.xml`).
struct ODFReader {
    let zip: SafeZip
    let source: String

    mutating func read(_ format: DocumentFormat) throws -> ExtractedDocument {
        var metadata = DocumentMetadata()
        if let meta = try zip.xml("meta.xml") {
            metadata.title = nonEmpty(meta.first("title")?.textContent)
            metadata.author = nonEmpty(meta.first("initial-creator")?.textContent ?? meta.first("creator")?.textContent)
            metadata.created = nonEmpty(meta.first("creation-date")?.textContent)
            metadata.modified = nonEmpty(meta.first("date")?.textContent)
            if format == .odt, let pages = meta.first("document-statistic")?.attr("page-count").flatMap(Int.init) {
                metadata.pageCount = pages
            }
        }
        guard let content = try zip.xml("content.xml"), let body = content.first("body") else {
            throw ChatbotError(.runtime, "\(source): the OpenDocument file has no content.xml body")
        }
        var builder = BlockBuilder()
        headingStyles = Self.headingStyles(content)
        switch format {
        case .ods:
            let tables = body.all("table")
            metadata.sheetCount = tables.count
            for table in tables {
                let name = table.attr("name") ?? "Sheet"
                builder.startUnit(DocumentLocation(sheet: name))
                builder.heading(name, level: 2)
                builder.table(Self.tableRows(table))
            }
        case .odp:
            let pages = body.all("page")
            metadata.slideCount = pages.count
            for (index, page) in pages.enumerated() {
                builder.startUnit(DocumentLocation(slide: index + 1))
                for frame in page.elements("frame") {
                    let kind = frame.attr("class") ?? ""
                    if let table = frame.element("table") {
                        builder.table(Self.tableRows(table))
                        continue
                    }
                    if kind == "title" {
                        builder.heading(frame.textContent, level: 2)
                    } else {
                        for child in frame.element("text-box")?.elements ?? [] {
                            walkText(child, into: &builder, listLevel: 0)
                        }
                    }
                }
                if let notes = page.element("notes") {
                    let text = notes.all("frame").filter { $0.attr("class") == "notes" }
                        .flatMap { $0.all("p") }.map(Self.inlineText).joined(separator: " ")
                    builder.paragraph(text, kind: .notes)
                }
            }
        default:
            for child in body.first("text")?.elements ?? [] { walkText(child, into: &builder, listLevel: 0) }
        }
        return ExtractedDocument(format: format, metadata: metadata, blocks: builder.blocks)
    }

    /// Outline levels of paragraph styles: automatic styles derived from "Heading N" or "Title".
    var headingStyles: [String: Int] = [:]

    static func headingStyles(_ content: HTMLNode) -> [String: Int] {
        var result: [String: Int] = [:]
        for style in content.first("automatic-styles")?.elements("style") ?? [] {
            guard let name = style.attr("name") else { continue }
            let parent = (style.attr("parent-style-name") ?? "").replacingOccurrences(of: "_20_", with: " ")
            if let level = style.attr("default-outline-level").flatMap(Int.init) {
                result[name] = level
            } else if parent == "Title" {
                result[name] = 1
            } else if parent.hasPrefix("Heading "), let level = Int(parent.dropFirst("Heading ".count)) {
                result[name] = level
            }
        }
        return result
    }

    private func walkText(_ node: HTMLNode, into builder: inout BlockBuilder, listLevel: Int) {
        switch node.localName {
        case "h":
            builder.heading(Self.inlineText(node), level: node.attr("outline-level").flatMap(Int.init) ?? 1)
        case "p":
            if listLevel == 0, let level = node.attr("style-name").flatMap({ headingStyles[$0] }) {
                builder.heading(Self.inlineText(node), level: level)
            } else if listLevel > 0 {
                builder.listItem(Self.inlineText(node), level: listLevel, ordered: false)
            } else {
                builder.paragraph(Self.inlineText(node))
            }
        case "list":
            for item in node.elements {
                for child in item.elements { walkText(child, into: &builder, listLevel: listLevel + 1) }
            }
        case "table":
            builder.table(Self.tableRows(node))
        case "section", "text-box", "frame":
            for child in node.elements { walkText(child, into: &builder, listLevel: listLevel) }
        default:
            break
        }
    }

    /// Paragraph text: spans, links, `text:s` spaces, tabs and line breaks; notes and annotations left out.
    static func inlineText(_ node: HTMLNode) -> String {
        var result = ""
        for child in node.children {
            if child.kind == .text {
                result += child.text
                continue
            }
            switch child.localName {
            case "s":
                result += String(repeating: " ", count: child.attr("c").flatMap(Int.init).map { min($0, 100) } ?? 1)
            case "tab", "line-break": result += " "
            case "note", "annotation", "bookmark-ref": break
            default: result += inlineText(child)
            }
        }
        return result
    }

    /// Table rows with repeated rows/columns expanded (bounded) and trailing empty cells dropped.
    static func tableRows(_ table: HTMLNode) -> [[String]] {
        var rows: [[String]] = []
        let rowNodes = table.all("table-row")
        for row in rowNodes {
            var cells: [String] = []
            for cell in row.elements where cell.localName == "table-cell" || cell.localName == "covered-table-cell" {
                let repeated = min(cell.attr("number-columns-repeated").flatMap(Int.init) ?? 1, 1_000)
                let value: String
                if cell.attr("value-type") == "date", let date = cell.attr("date-value") {
                    value = date.hasSuffix("T00:00:00") ? String(date.dropLast(9)) : date
                } else {
                    value = cell.elements("p").map(inlineText).joined(separator: " ")
                }
                cells += Array(repeating: value, count: value.isEmpty ? repeated : min(repeated, 100))
            }
            while cells.last == "" { cells.removeLast() }
            let repeated = min(row.attr("number-rows-repeated").flatMap(Int.init) ?? 1, 100)
            if cells.isEmpty { continue }
            rows += Array(repeating: cells, count: repeated)
        }
        return rows
    }
}
