import ChatbotCore
import ChatbotHTML
import Foundation

/// Word, PowerPoint and Excel (Office Open XML) documents.
struct OOXMLReader {
    let zip: SafeZip
    let source: String

    /// Title, author and dates from `docProps/core.xml`.
    func coreMetadata() throws -> DocumentMetadata {
        var metadata = DocumentMetadata()
        guard let core = try zip.xml("docProps/core.xml") else { return metadata }
        metadata.title = nonEmpty(core.first("title")?.textContent)
        metadata.author = nonEmpty(core.first("creator")?.textContent)
        metadata.created = nonEmpty(core.first("created")?.textContent)
        metadata.modified = nonEmpty(core.first("modified")?.textContent)
        return metadata
    }

    // MARK: Word

    func docx() throws -> ExtractedDocument {
        var metadata = try coreMetadata()
        if let app = try zip.xml("docProps/app.xml"), let pages = app.first("pages").flatMap({ Int($0.textContent) }) {
            metadata.pageCount = pages
        }
        guard let document = try zip.xml("word/document.xml"), let body = document.first("body") else {
            throw ChatbotError(.runtime, "\(source): the Word document has no word/document.xml body")
        }
        var styleNames: [String: String] = [:]
        var styleOutline: [String: Int] = [:]
        for style in try zip.xml("word/styles.xml")?.elements("style") ?? [] {
            guard let id = style.attr("styleId") else { continue }
            styleNames[id] = style.element("name")?.attr("val")?.lowercased() ?? id.lowercased()
            if let level = style.element("ppr")?.element("outlinelvl")?.attr("val").flatMap(Int.init) {
                styleOutline[id] = level + 1
            }
        }
        var orderedLists: [String: [Int: Bool]] = [:]
        if let numbering = try zip.xml("word/numbering.xml") {
            var abstract: [String: [Int: Bool]] = [:]
            for definition in numbering.elements("abstractnum") {
                guard let id = definition.attr("abstractNumId") else { continue }
                var levels: [Int: Bool] = [:]
                for level in definition.elements("lvl") {
                    let ilvl = level.attr("ilvl").flatMap(Int.init) ?? 0
                    let format = level.element("numfmt")?.attr("val") ?? "bullet"
                    levels[ilvl] = format != "bullet" && format != "none"
                }
                abstract[id] = levels
            }
            for num in numbering.elements("num") {
                guard let id = num.attr("numId"), let abstractID = num.element("abstractnumid")?.attr("val") else {
                    continue
                }
                orderedLists[id] = abstract[abstractID]
            }
        }
        var builder = BlockBuilder()
        for child in body.elements {
            switch child.localName {
            case "p":
                let text = Self.wordText(child)
                let properties = child.element("ppr")
                let styleID = properties?.element("pstyle")?.attr("val") ?? ""
                let styleName = styleNames[styleID] ?? styleID.lowercased()
                if styleName == "title" {
                    builder.heading(text, level: 1)
                    if metadata.title == nil { metadata.title = nonEmpty(BlockBuilder.clean(text)) }
                } else if let level = Self.headingLevel(styleName) ?? styleOutline[styleID]
                    ?? properties?.element("outlinelvl")?.attr("val").flatMap(Int.init).map({ $0 + 1 })
                {
                    builder.heading(text, level: level)
                } else if let numbering = properties?.element("numpr") {
                    let ilvl = numbering.element("ilvl")?.attr("val").flatMap(Int.init) ?? 0
                    let numID = numbering.element("numid")?.attr("val") ?? ""
                    builder.listItem(text, level: ilvl + 1, ordered: orderedLists[numID]?[ilvl] ?? false)
                } else if styleName.hasPrefix("list") {
                    builder.listItem(text, level: 1, ordered: styleName.contains("number"))
                } else {
                    builder.paragraph(text)
                }
            case "tbl":
                builder.table(Self.wordTable(child))
            case "sdt":
                for paragraph in child.all("p") { builder.paragraph(Self.wordText(paragraph)) }
            default:
                break
            }
        }
        return ExtractedDocument(format: .docx, metadata: metadata, blocks: builder.blocks)
    }

    static func headingLevel(_ styleName: String) -> Int? {
        for prefix in ["heading ", "heading"] where styleName.hasPrefix(prefix) {
            if let level = Int(styleName.dropFirst(prefix.count)) { return level }
        }
        return nil
    }

    /// The text of a Word paragraph: runs, tabs and breaks.
    static func wordText(_ node: HTMLNode) -> String {
        var result = ""
        func walk(_ node: HTMLNode) {
            for child in node.children where child.kind == .element {
                switch child.localName {
                case "t": result += child.textContent
                case "tab": result += " "
                case "br", "cr": result += " "
                case "instrtext", "delinstrtext", "del", "rpr", "ppr": break
                default: walk(child)
                }
            }
        }
        walk(node)
        return result
    }

    static func wordTable(_ table: HTMLNode) -> [[String]] {
        table.elements("tr").map { row in
            row.elements("tc").map { cell in
                cell.all("p").map(wordText).filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
    }

    // MARK: PowerPoint

    func pptx() throws -> ExtractedDocument {
        var metadata = try coreMetadata()
        guard let presentation = try zip.xml("ppt/presentation.xml") else {
            throw ChatbotError(.runtime, "\(source): the presentation has no ppt/presentation.xml")
        }
        let rels = relationships(try zip.xml("ppt/_rels/presentation.xml.rels"), base: "ppt/presentation.xml")
        let slidePaths = presentation.all("sldid").compactMap { $0.relationshipID.flatMap { rels[$0]?.target } }
        metadata.slideCount = slidePaths.count
        var builder = BlockBuilder()
        for (index, path) in slidePaths.enumerated() {
            builder.startUnit(DocumentLocation(slide: index + 1))
            guard let slide = try zip.xml(path) else { continue }
            for shape in slide.all("sp") {
                let placeholder = shape.first("nvpr")?.element("ph")?.attr("type") ?? ""
                let paragraphs = shape.all("p").filter { $0.name.hasPrefix("a:") || $0.localName == "p" }
                    .map(Self.drawingText)
                if placeholder == "title" || placeholder == "ctrTitle" {
                    builder.heading(paragraphs.joined(separator: " "), level: 2)
                    if metadata.title == nil, placeholder == "ctrTitle" {
                        metadata.title = nonEmpty(BlockBuilder.clean(paragraphs.joined(separator: " ")))
                    }
                } else {
                    for (paragraph, node) in Swift.zip(paragraphs, shape.all("p")) {
                        if let level = node.element("ppr")?.attr("lvl").flatMap(Int.init) {
                            builder.listItem(paragraph, level: level + 1, ordered: false)
                        } else {
                            builder.paragraph(paragraph)
                        }
                    }
                }
            }
            for table in slide.all("tbl") {
                builder.table(table.elements("tr").map { $0.elements("tc").map { Self.drawingText($0) } })
            }
            let slideRels = relationships(try zip.xml(relsPath(of: path)), base: path)
            if let notesPath = slideRels.values.first(where: { $0.type.hasSuffix("/notesSlide") })?.target,
                let notes = try zip.xml(notesPath)
            {
                for shape in notes.all("sp") where shape.first("nvpr")?.element("ph")?.attr("type") == "body" {
                    let text = shape.all("p").map(Self.drawingText).filter { !$0.isEmpty }.joined(separator: " ")
                    builder.paragraph(text, kind: .notes)
                }
            }
        }
        return ExtractedDocument(format: .pptx, metadata: metadata, blocks: builder.blocks)
    }

    /// The text of a DrawingML paragraph (or of everything below a node).
    static func drawingText(_ node: HTMLNode) -> String {
        node.all("t").map(\.textContent).joined()
    }

    // MARK: Excel

    func xlsx() throws -> ExtractedDocument {
        var metadata = try coreMetadata()
        guard let workbook = try zip.xml("xl/workbook.xml") else {
            throw ChatbotError(.runtime, "\(source): the workbook has no xl/workbook.xml")
        }
        let rels = relationships(try zip.xml("xl/_rels/workbook.xml.rels"), base: "xl/workbook.xml")
        let sharedStrings = (try zip.xml("xl/sharedStrings.xml")?.elements("si") ?? []).map { item in
            item.all("t").filter { $0.parent?.localName != "rph" }.map(\.textContent).joined()
        }
        let dateStyles = try Self.dateStyles(zip.xml("xl/styles.xml"))
        let date1904 = workbook.first("workbookpr")?.attr("date1904") == "1"
        let sheets = workbook.all("sheet")
        metadata.sheetCount = sheets.count
        var builder = BlockBuilder()
        for sheet in sheets {
            let name = sheet.attr("name") ?? "Sheet"
            builder.startUnit(DocumentLocation(sheet: name))
            builder.heading(name, level: 2)
            guard let path = sheet.relationshipID.flatMap({ rels[$0]?.target }), let part = try zip.xml(path) else {
                continue
            }
            var rows: [[String]] = []
            for row in part.first("sheetdata")?.elements("row") ?? [] {
                var values: [String] = []
                for cell in row.elements("c") {
                    let column = cell.attr("r").map(Self.columnIndex) ?? values.count
                    if column > values.count, column < 16_384 {
                        values += Array(repeating: "", count: column - values.count)
                    }
                    let raw = cell.element("v")?.textContent ?? ""
                    let value: String
                    switch cell.attr("t") ?? "n" {
                    case "s":
                        value = Int(raw).flatMap { sharedStrings.indices.contains($0) ? sharedStrings[$0] : nil } ?? ""
                    case "inlineStr": value = cell.all("t").map(\.textContent).joined()
                    case "b": value = raw == "1" ? "TRUE" : "FALSE"
                    case "str", "e": value = raw
                    default:
                        let style = cell.attr("s").flatMap(Int.init) ?? 0
                        if dateStyles.contains(style), let serial = Double(raw) {
                            value = Self.excelDate(serial, date1904: date1904)
                        } else {
                            value = Self.number(raw)
                        }
                    }
                    values.append(value)
                }
                rows.append(values)
            }
            builder.table(rows)
        }
        return ExtractedDocument(format: .xlsx, metadata: metadata, blocks: builder.blocks)
    }

    /// Zero-based column of a cell reference such as `AB12`.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            if index > 16_384 { break }
        }
        return max(index - 1, 0)
    }

    /// Cell style indexes whose number format is a date.
    static func dateStyles(_ styles: HTMLNode?) -> Set<Int> {
        guard let styles else { return [] }
        var custom: [Int: Bool] = [:]
        for format in styles.first("numfmts")?.elements("numfmt") ?? [] {
            guard let id = format.attr("numFmtId").flatMap(Int.init) else { continue }
            let code = (format.attr("formatCode") ?? "").lowercased()
                .replacingOccurrences(of: "\\[[^\\]]*\\]", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\"[^\"]*\"", with: "", options: .regularExpression)
            custom[id] = code.contains("yy") || code.contains("dd") || (code.contains("m") && code.contains("d"))
        }
        var result: Set<Int> = []
        for (index, format) in (styles.first("cellxfs")?.elements("xf") ?? []).enumerated() {
            let id = format.attr("numFmtId").flatMap(Int.init) ?? 0
            if (14...22).contains(id) || (45...47).contains(id) || custom[id] == true { result.insert(index) }
        }
        return result
    }

    static func excelDate(_ serial: Double, date1904: Bool) -> String {
        // Serial 25569 is 1970-01-01 in the 1900 system; serial 0 is 1904-01-01 in the 1904 system.
        let seconds = date1904 ? (-2_082_844_800.0 + serial * 86_400).rounded() : ((serial - 25_569) * 86_400).rounded()
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        if serial.rounded(.down) == serial { return day }
        return day + String(format: " %02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// A number as the sheet shows it by default: no binary-float noise.
    static func number(_ raw: String) -> String {
        guard let value = Double(raw), value.isFinite else { return raw }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let short = String(format: "%.10g", value)
        return short
    }
}

func nonEmpty(_ text: String?) -> String? {
    guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
    return text
}
