import Foundation

/// Turns content nodes into Markdown or plain text: headings, paragraphs, lists, tables, code
/// blocks, block quotes, links and emphasis. Pruned nodes, link-heavy blocks inside the content
/// and the page's own title heading are left out.
struct ContentRenderer {
    /// The output flavour.
    enum Mode {
        case markdown
        case text
    }

    let mode: Mode
    let baseURL: URL?
    /// The page title, whose `<h1>` repeat is skipped (the title is reported separately).
    let title: String?

    /// Renders the nodes as blocks separated by blank lines.
    func render(_ nodes: [HTMLNode]) -> String {
        renderBlocks(nodes).joined(separator: "\n\n")
    }

    /// Renders the nodes as a list of blocks.
    func renderBlocks(_ nodes: [HTMLNode]) -> [String] {
        var output = BlockOutput()
        for node in nodes { renderBlock(node, into: &output) }
        output.flush(mode: mode)
        // The same block twice (responsive duplicates, repeated teasers) is printed once.
        var seen: Set<ByteKey> = []
        return output.blocks.filter { block in
            if Self.hasAtMost(30, block), Self.labels.contains(TitleMatch.normalize(block)) { return false }
            return Self.hasAtMost(19, block) || seen.insert(ByteKey(text: block)).inserted
        }
    }

    /// `text.count <= limit`, without counting the characters of a long text.
    static func hasAtMost(_ limit: Int, _ text: String) -> Bool {
        if text.utf8.count <= limit { return true }
        return text.index(text.startIndex, offsetBy: limit + 1, limitedBy: text.endIndex) == nil
    }

    // MARK: Blocks

    private func renderBlock(_ node: HTMLNode, into output: inout BlockOutput) {
        if node.kind == .text {
            output.inline.appendText(node.text)
            return
        }
        if node.pruned || isLinkHeavyBox(node) { return }
        let name = node.name
        if node.isInline && !node.hasBlockInside {
            renderInline(node, into: &output.inline)
            return
        }
        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            output.flush(mode: mode)
            var line = InlineText()
            for child in node.children { renderInlineChild(child, into: &line) }
            let text = line.finished()
            guard !text.isEmpty else { return }
            if name == "h1", isTitle(text) { return }
            let level = Int(String(name.last!)) ?? 2
            output.blocks.append(mode == .markdown ? String(repeating: "#", count: level) + " " + text : text)
        case "p":
            output.flush(mode: mode)
            for child in node.children { renderBlock(child, into: &output) }
            output.flush(mode: mode)
        case "br":
            output.inline.appendBreak(mode: mode)
        case "hr":
            output.flush(mode: mode)
            if mode == .markdown { output.blocks.append("---") }
        case "pre":
            output.flush(mode: mode)
            let code = node.textContent.trimmingCharacters(in: .newlines)
            guard !code.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            if mode == .markdown {
                let language = codeLanguage(node) ?? ""
                let fence = code.contains("```") ? "~~~~" : "```"
                output.blocks.append(fence + language + "\n" + code + "\n" + fence)
            } else {
                output.blocks.append(code)
            }
        case "ul", "ol":
            output.flush(mode: mode)
            if isTeaserList(node) { return }
            let list = renderList(node, ordered: name == "ol")
            if !list.isEmpty { output.blocks.append(list) }
        case "blockquote":
            output.flush(mode: mode)
            let inner = ContentRenderer(mode: mode, baseURL: baseURL, title: title).render(node.children)
            guard !inner.isEmpty else { return }
            if mode == .markdown {
                output.blocks.append(
                    inner.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }
                        .joined(separator: "\n"))
            } else {
                output.blocks.append(inner)
            }
        case "table":
            output.flush(mode: mode)
            if let table = renderTable(node) {
                output.blocks.append(table)
            } else {
                for child in node.children { renderBlock(child, into: &output) }
                output.flush(mode: mode)
            }
        case "img":
            renderInline(node, into: &output.inline)
        default:
            output.flush(mode: mode)
            for child in node.children { renderBlock(child, into: &output) }
            output.flush(mode: mode)
        }
    }

    /// A box inside the content that is mostly links and has no prose: a link list, a tag cloud,
    /// "read more" rails. Lists and tables are judged by the same rule.
    private func isLinkHeavyBox(_ node: HTMLNode) -> Bool {
        guard node.chars > 0 else { return false }
        switch node.name {
        case "div", "section", "ul", "ol", "table", "p", "dl", "span", "li":
            let share = Double(node.linkChars) / Double(node.chars)
            return node.prose == 0 && share > 0.6
        default:
            return false
        }
    }

    /// A list of teasers (related stories, "more from"): three or more items, nearly all of which
    /// carry a link holding a good share of the item's text.
    private func isTeaserList(_ list: HTMLNode) -> Bool {
        let items = list.children.filter { $0.isElement("li") && $0.chars > 0 }
        guard items.count >= 3 else { return false }
        let linked = items.filter { item in
            Double(item.linkChars) >= 0.5 * Double(item.chars) && item.firstDescendant(named: "a") != nil
        }
        return Double(linked.count) >= 0.8 * Double(items.count)
    }

    private func isTitle(_ heading: String) -> Bool {
        guard let title else { return false }
        let a = heading.lowercased().filter { $0.isLetter || $0.isNumber }
        let b = title.lowercased().filter { $0.isLetter || $0.isNumber }
        guard !a.isEmpty else { return false }
        return a == b || (a.count >= 15 && b.contains(a))
    }

    private func codeLanguage(_ pre: HTMLNode) -> String? {
        let candidates = [pre] + pre.children.filter { $0.isElement("code") }
        for node in candidates {
            for word in (node.attribute("class") ?? "").split(separator: " ") {
                for prefix in ["language-", "lang-"] where word.hasPrefix(prefix) {
                    return String(word.dropFirst(prefix.count))
                }
            }
        }
        return nil
    }

    // MARK: Lists

    private func renderList(_ list: HTMLNode, ordered: Bool) -> String {
        var lines: [String] = []
        var number = Int(list.attribute("start") ?? "") ?? 1
        for item in list.children where item.kind == .element && !item.pruned {
            guard item.name == "li" || !item.isInline else { continue }
            if isLinkHeavyBox(item) && item.name != "li" { continue }
            let blocks = ContentRenderer(mode: mode, baseURL: baseURL, title: title).renderBlocks(
                item.name == "li" ? item.children : [item])
            guard !blocks.isEmpty else { continue }
            // A nested list follows its item's text directly (a tight list).
            var inner = blocks[0]
            for block in blocks.dropFirst() {
                inner += (Self.isListBlock(block) ? "\n" : "\n\n") + block
            }
            let marker = ordered ? "\(number). " : "- "
            number += 1
            let indent = String(repeating: " ", count: marker.count)
            let itemLines = inner.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in itemLines.enumerated() {
                if index == 0 {
                    lines.append(marker + line)
                } else {
                    lines.append(line.isEmpty ? "" : indent + line)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Lines that label page furniture rather than say anything (compared letters-only, lower case).
    static let labels: Set<String> = [
        "advert", "advertisement", "ad", "ads", "sponsored", "sponsoredcontent", "backtotop", "relatedstories",
        "relatedarticles", "readmore", "share", "sharethis", "sharethisarticle", "sharethisstory", "print", "email",
        "continuereading", "skiptocontent", "textsize", "storycontinuesbelowadvertisement",
        "advertisementcontinuereadingbelow",
    ]

    static func isListBlock(_ block: String) -> Bool {
        if block.hasPrefix("- ") { return true }
        let digits = block.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && block.dropFirst(digits.count).hasPrefix(". ")
    }

    // MARK: Tables

    /// A data table as a Markdown table (or tab-separated lines in text mode); `nil` for layout
    /// tables (nested tables, a single column), which render as ordinary blocks.
    private func renderTable(_ table: HTMLNode) -> String? {
        var rows: [[String]] = []
        var headerRow = false
        var stack: [HTMLNode] = table.children.reversed()
        while let node = stack.popLast() {
            guard node.kind == .element, !node.pruned else { continue }
            switch node.name {
            case "table": return nil
            case "tr":
                var cells: [String] = []
                for cell in node.children where cell.kind == .element && (cell.name == "td" || cell.name == "th") {
                    if cell.firstDescendant(named: "table") != nil { return nil }
                    var line = InlineText()
                    for child in cell.children { renderInlineFlattened(child, into: &line) }
                    cells.append(line.finished().replacingOccurrences(of: "|", with: "\\|"))
                    if rows.isEmpty && cell.name == "th" { headerRow = true }
                }
                if !cells.isEmpty { rows.append(cells) }
            case "thead", "tbody", "tfoot":
                stack.append(contentsOf: node.children.reversed())
            default:
                continue
            }
        }
        let columns = rows.map(\.count).max() ?? 0
        guard columns >= 2, !rows.isEmpty else { return rows.isEmpty ? "" : nil }
        if mode == .text {
            return rows.map { $0.joined(separator: "\t") }.joined(separator: "\n")
        }
        let padded = rows.map { $0 + Array(repeating: "", count: columns - $0.count) }
        var lines: [String] = []
        let header = headerRow ? padded[0] : Array(repeating: "", count: columns)
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + Array(repeating: " --- |", count: columns).joined())
        for row in headerRow ? Array(padded.dropFirst()) : padded {
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// Inline rendering of a table cell: block children become space-separated text.
    private func renderInlineFlattened(_ node: HTMLNode, into line: inout InlineText) {
        if node.kind == .element && !node.isInline {
            line.appendText(" ")
            for child in node.children { renderInlineFlattened(child, into: &line) }
            line.appendText(" ")
        } else {
            renderInlineChild(node, into: &line)
        }
    }

    // MARK: Inline

    private func renderInlineChild(_ node: HTMLNode, into line: inout InlineText) {
        if node.kind == .text {
            line.appendText(node.text)
        } else if !node.pruned {
            renderInline(node, into: &line)
        }
    }

    private func renderInline(_ node: HTMLNode, into line: inout InlineText) {
        switch node.name {
        case "br":
            line.appendBreak(mode: mode)
        case "img":
            guard mode == .markdown, let source = node.attribute("src"),
                let url = LinkExtractor.resolve(source, against: baseURL)
            else { return }
            let alt = MetadataExtractor.collapse(node.attribute("alt") ?? "")
            line.appendRaw("![\(alt)](\(url))")
        case "a":
            var inner = InlineText()
            for child in node.children { renderInlineChild(child, into: &inner) }
            let text = inner.finished()
            guard !text.isEmpty else { return }
            if mode == .markdown, let href = node.attribute("href"),
                let url = LinkExtractor.resolve(href, against: baseURL)
            {
                line.appendWrapped(text, prefix: "[", suffix: "](\(url))", source: inner)
            } else {
                line.appendWrapped(text, prefix: "", suffix: "", source: inner)
            }
        case "strong", "b", "em", "i", "code", "kbd", "samp", "tt":
            var inner = InlineText()
            for child in node.children { renderInlineChild(child, into: &inner) }
            let text = inner.finished()
            guard !text.isEmpty else {
                if inner.hadSpace { line.appendText(" ") }
                return
            }
            var marker = ""
            if mode == .markdown {
                switch node.name {
                case "strong", "b": marker = "**"
                case "em", "i": marker = "*"
                default: marker = text.contains("`") ? "``" : "`"
                }
            }
            line.appendWrapped(text, prefix: marker, suffix: marker, source: inner)
        default:
            for child in node.children { renderInlineChild(child, into: &line) }
        }
    }
}

/// A string compared and hashed by its UTF-8 bytes: `String`'s own hashing normalises non-ASCII
/// text (NFC) first, which dominated de-duplicating long blocks. Repeated blocks come from the
/// same page bytes, so byte equality finds them.
struct ByteKey: Hashable {
    let text: String

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Blocks being produced, plus the current paragraph's inline text.
struct BlockOutput {
    var blocks: [String] = []
    var inline = InlineText()

    mutating func flush(mode: ContentRenderer.Mode) {
        let text = inline.finished()
        if !text.isEmpty { blocks.append(text) }
        inline = InlineText()
    }
}

/// Inline text with HTML whitespace rules: runs of whitespace collapse to one space.
struct InlineText {
    private(set) var value = ""
    private var pendingSpace = false
    /// Whether the text began with whitespace (so a wrapper keeps a space before it).
    private(set) var leadingSpace = false
    /// Whether any whitespace was seen.
    private(set) var hadSpace = false

    mutating func appendText(_ text: String) {
        // Scans UTF-8 bytes: only ASCII whitespace collapses (as in HTML; no-break spaces stay).
        // The collapsed text is gathered in one buffer and appended once; words never contain a
        // line feed, so after the first word a pending space is always written as one space.
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var inWord = false
        for byte in text.utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                inWord = false
                pendingSpace = true
                hadSpace = true
                if value.isEmpty && output.isEmpty { leadingSpace = true }
                continue
            }
            if !inWord {
                inWord = true
                if pendingSpace {
                    if !output.isEmpty {
                        output.append(0x20)
                    } else if !value.isEmpty && value.utf8.last != 0x0A {
                        output.append(0x20)
                    }
                    pendingSpace = false
                }
            }
            output.append(byte)
        }
        if !output.isEmpty { value += String(decoding: output, as: UTF8.self) }
    }

    mutating func appendRaw(_ text: String) {
        if pendingSpace && !value.isEmpty && !value.hasSuffix("\n") { value.append(" ") }
        pendingSpace = false
        value += text
    }

    mutating func appendWrapped(_ text: String, prefix: String, suffix: String, source: InlineText) {
        if source.leadingSpace { pendingSpace = true }
        appendRaw(prefix + text + suffix)
        if source.pendingSpace { pendingSpace = true }
    }

    mutating func appendBreak(mode: ContentRenderer.Mode) {
        guard !value.isEmpty else { return }
        while value.hasSuffix(" ") { value.removeLast() }
        value += mode == .markdown ? "  \n" : "\n"
        pendingSpace = false
    }

    func finished() -> String {
        var result = value
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
