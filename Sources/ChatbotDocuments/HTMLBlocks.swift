import ChatbotHTML
import Foundation

/// Turns a whole HTML/XHTML body (no main-content pruning) into blocks.
struct HTMLBlocks {
    private static let skipped: Set<String> = [
        "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "button", "select",
        "form", "nav",
    ]

    static func walk(_ node: HTMLNode, into builder: inout BlockBuilder, listLevel: Int = 0, ordered: Bool = false) {
        var inline = ""
        func flush() {
            builder.paragraph(inline)
            inline = ""
        }
        for child in node.children {
            if child.kind == .text {
                inline += child.text
                continue
            }
            let name = child.localName
            if skipped.contains(name) { continue }
            switch name {
            case "h1", "h2", "h3", "h4", "h5", "h6":
                flush()
                builder.heading(inlineText(child), level: Int(name.dropFirst()) ?? 1)
            case "p", "blockquote", "figcaption", "dt", "dd", "caption", "address", "summary":
                flush()
                if hasBlockChild(child) {
                    walk(child, into: &builder, listLevel: listLevel, ordered: ordered)
                } else {
                    builder.paragraph(inlineText(child))
                }
            case "ul", "ol", "menu":
                flush()
                walkList(child, into: &builder, level: listLevel)
            case "table":
                flush()
                builder.table(tableRows(child))
            case "pre":
                flush()
                builder.code(child.textContent)
            case "br":
                inline += "\n"
            case "div", "section", "article", "main", "header", "footer", "aside", "body", "html", "figure", "dl",
                "details", "center", "hgroup", "fieldset":
                flush()
                walk(child, into: &builder, listLevel: listLevel, ordered: ordered)
            default:
                if hasBlockChild(child) {
                    flush()
                    walk(child, into: &builder, listLevel: listLevel, ordered: ordered)
                } else {
                    inline += inlineText(child)
                }
            }
        }
        flush()
    }

    private static func walkList(_ list: HTMLNode, into builder: inout BlockBuilder, level: Int) {
        let ordered = list.localName == "ol"
        for item in list.elements where item.localName == "li" {
            let nested = item.elements.filter { ["ul", "ol"].contains($0.localName) }
            let own = item.children.filter { child in !nested.contains { $0 === child } }
            builder.listItem(own.map(inlineText).joined(), level: level + 1, ordered: ordered)
            for sub in nested { walkList(sub, into: &builder, level: level + 1) }
        }
    }

    private static let blockNames: Set<String> = [
        "p", "div", "section", "article", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "main", "header", "footer", "aside", "figure", "dl",
    ]

    static func hasBlockChild(_ node: HTMLNode) -> Bool {
        node.children.contains { $0.kind == .element && blockNames.contains($0.localName) }
    }

    /// Inline text with links as Markdown links.
    static func inlineText(_ node: HTMLNode) -> String {
        if node.kind == .text { return node.text }
        if skipped.contains(node.localName) { return "" }
        if node.localName == "br" { return " " }
        let inner = node.children.map(inlineText).joined()
        if node.localName == "a", let href = node.attr("href"), !href.isEmpty, !href.hasPrefix("#"),
            !href.lowercased().hasPrefix("javascript:")
        {
            let label = BlockBuilder.clean(inner)
            return label.isEmpty ? "" : "[\(label)](\(href))"
        }
        return inner
    }

    static func tableRows(_ table: HTMLNode) -> [[String]] {
        table.all("tr").filter { row in
            // Rows of nested tables belong to those tables.
            var parent = row.parent
            while let current = parent, current !== table {
                if current.localName == "table" { return false }
                parent = current.parent
            }
            return true
        }.map { row in row.elements.filter { ["td", "th"].contains($0.localName) }.map(inlineText) }
    }
}
