import CXMLShim
import ChatbotCore
public import Foundation

/// A parsed HTML document: libxml2's recovering parser (no network, no entity expansion), copied
/// into a Swift tree of ``HTMLNode``s so the C document is freed at once.
///
/// Script, style, template and similar non-content elements are dropped while copying; JSON-LD
/// scripts are kept aside in ``jsonLD`` for metadata.
public final class HTMLDocument {
    /// The root element (`<html>`), or an empty `html` element for an empty input.
    public let root: HTMLNode
    /// The charset the bytes were decoded from (an IANA name such as `UTF-8` or `windows-1252`).
    public let charset: String
    /// The bodies of `<script type="application/ld+json">` elements, in document order.
    public let jsonLD: [String]

    /// Elements whose content is never text of the page.
    static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "select", "option", "textarea", "button", "input", "map", "audio", "video", "source", "track",
    ]

    /// Nesting beyond this depth is flattened into the element at this depth (hostile input guard).
    static let maximumDepth = 200

    /// Parses HTML bytes. The charset is `charset` when given, otherwise detected by
    /// ``CharsetDetector`` from the HTTP `Content-Type` value, a byte-order mark, `<meta>` or the bytes.
    ///
    /// - Parameters:
    ///   - data: The raw bytes of the page.
    ///   - contentType: The HTTP `Content-Type` header value, if any.
    ///   - charset: A charset that overrides detection (e.g. from `--charset`).
    ///   - source: A name for the input used in error messages (a path or URL).
    /// - Throws: ``ChatbotError`` (usage) when `charset` names a charset this system cannot decode.
    public init(data: Data, contentType: String? = nil, charset: String? = nil, source: String = "input") throws {
        var chosen: String
        if let charset {
            guard let normalized = CharsetDetector.normalize(charset), CharsetDetector.isSupported(normalized) else {
                throw ChatbotError(
                    .usage, "\(source): unknown charset '\(charset)'",
                    hint: "give an IANA charset name such as UTF-8, windows-1252, ISO-8859-2 or Shift_JIS")
            }
            chosen = normalized
        } else {
            chosen = CharsetDetector.detect(data, contentType: contentType)
        }
        var scripts: [String] = []
        let root = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> HTMLNode? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            let pointer = base.assumingMemoryBound(to: CChar.self)
            var events = cbx_html_events()
            guard cbx_html_parse_events(pointer, buffer.count, chosen, &events) == 0 else { return nil }
            defer { cbx_html_events_free(&events) }
            var builder = EventTreeBuilder()
            return builder.build(events, jsonLD: &scripts)
        }
        if let root, root.name != "html" {
            let html = HTMLNode(element: "html", attributes: [])
            html.children = [root]
            root.parent = html
            self.root = html
        } else {
            self.root = root ?? HTMLNode(element: "html", attributes: [])
        }
        if chosen.isEmpty { chosen = "UTF-8" }
        self.charset = chosen
        self.jsonLD = scripts
    }

    /// Parses an HTML string (already decoded).
    public convenience init(string: String) throws {
        try self.init(data: Data(string.utf8), charset: "UTF-8")
    }

    /// The `<head>` element, if any.
    public var head: HTMLNode? { root.children.first { $0.isElement("head") } ?? root.firstDescendant(named: "head") }

    /// The `<body>` element, or the root when there is none.
    public var body: HTMLNode {
        root.children.first { $0.isElement("body") } ?? root.firstDescendant(named: "body") ?? root
    }
}

/// Copies libxml2's tree into ``HTMLNode``s.
struct TreeBuilder {
    let lowercaseNames: Bool
    let dropElements: Bool
    /// Names already turned into Swift strings, by libxml2's (dictionary-interned) name pointer:
    /// a direct-mapped cache (a collision only costs a conversion).
    private var nameKeys = [UnsafeRawPointer?](repeating: nil, count: 512)
    private var nameValues = [String](repeating: "", count: 512)
    private var nameFlags = [UInt8](repeating: 0, count: 512)
    /// Flags of a cached name: an inline element, a dropped element.
    static let inlineFlag: UInt8 = 1
    static let droppedFlag: UInt8 = 2

    init(lowercaseNames: Bool, dropElements: Bool) {
        self.lowercaseNames = lowercaseNames
        self.dropElements = dropElements
    }

    mutating func build(_ rootNode: UnsafeMutableRawPointer, jsonLD: inout [String]) -> HTMLNode? {
        guard cbx_node_kind(rootNode) == Int32(CBX_NODE_ELEMENT) else { return nil }
        let rootName = elementName(rootNode)
        let root = makeElement(rootNode, name: rootName.0, flags: rootName.1)
        // Iterative walk: (C node whose children are pending, Swift parent, depth).
        var stack: [(UnsafeMutableRawPointer?, HTMLNode, Int)] = [(cbx_node_first_child(rootNode), root, 1)]
        while var entry = stack.popLast() {
            guard let current = entry.0 else { continue }
            entry.0 = cbx_node_next(current)
            stack.append(entry)
            let parent = entry.1
            switch Int(cbx_node_kind(current)) {
            case Int(CBX_NODE_ELEMENT):
                let (name, flags) = elementName(current)
                if dropElements && flags & Self.droppedFlag != 0 {
                    if name == "script", let type = makeElement(current, name: name, flags: flags).attribute("type"),
                        type.lowercased().contains("ld+json")
                    {
                        jsonLD.append(collectText(current))
                    }
                    continue
                }
                let element = makeElement(current, name: name, flags: flags)
                element.parent = parent
                parent.children.append(element)
                if entry.2 >= HTMLDocument.maximumDepth {
                    // Too deep: keep the text, attach it flat.
                    let text = collectText(current)
                    if !text.isEmpty {
                        let node = HTMLNode(text: text)
                        node.parent = element
                        element.children.append(node)
                    }
                } else {
                    stack.append((cbx_node_first_child(current), element, entry.2 + 1))
                }
            case Int(CBX_NODE_TEXT), Int(CBX_NODE_CDATA):
                guard let text = cbx_node_text(current) else { continue }
                let string = String(cString: text)
                if Self.isEscapedMarkup(string) { continue }
                let node = HTMLNode(text: string)
                node.parent = parent
                parent.children.append(node)
            default:
                continue
            }
        }
        return root
    }

    /// Markup that reached the tree as text (e.g. `<noscript>` content in `<head>`): tracking pixels.
    static func isEscapedMarkup(_ text: String) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D || $0 == 0x0C }
        guard let first = text.utf8.first(where: { !isSpace($0) }), first == UInt8(ascii: "<") else { return false }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasPrefix("<") && trimmed.hasSuffix(">") && trimmed.count > 2
    }

    /// A name from libxml2, optionally prefixed and lower-cased, converted once per distinct pointer pair.
    /// A name from libxml2, optionally prefixed and lower-cased, with its flags; converted once per
    /// distinct (unprefixed) name pointer.
    mutating func name(_ pointer: UnsafePointer<CChar>?, prefix: UnsafePointer<CChar>?) -> (String, UInt8) {
        guard let pointer, prefix == nil else {
            var name = prefix.map { String(cString: $0) + ":" } ?? ""
            if let pointer { name += String(cString: pointer) }
            if lowercaseNames { name = Self.lowercasedASCII(name) }
            return (name, Self.flags(of: name))
        }
        let key = UnsafeRawPointer(pointer)
        let slot = Int(truncatingIfNeeded: (UInt(bitPattern: key) >> 3) ^ (UInt(bitPattern: key) >> 12)) & 511
        if nameKeys[slot] == key { return (nameValues[slot], nameFlags[slot]) }
        var name = String(cString: pointer)
        if lowercaseNames { name = Self.lowercasedASCII(name) }
        let flags = Self.flags(of: name)
        nameKeys[slot] = key
        nameValues[slot] = name
        nameFlags[slot] = flags
        return (name, flags)
    }

    private static func flags(of name: String) -> UInt8 {
        (ElementClasses.inline.contains(name) ? inlineFlag : 0)
            | (HTMLDocument.droppedElements.contains(name) ? droppedFlag : 0)
    }

    private mutating func elementName(_ node: UnsafeMutableRawPointer) -> (String, UInt8) {
        name(cbx_node_name(node), prefix: cbx_node_prefix(node))
    }

    /// Lower-cases only when needed (libxml2's HTML parser already lower-cases most names).
    static func lowercasedASCII(_ text: String) -> String {
        text.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? text.lowercased() : text
    }

    private mutating func makeElement(_ node: UnsafeMutableRawPointer, name elementName: String, flags: UInt8)
        -> HTMLNode
    {
        var attributes: [(name: String, value: String)] = []
        var attribute = cbx_node_first_attribute(node)
        while let current = attribute {
            let attributeName = name(cbx_attribute_name(current), prefix: cbx_attribute_prefix(current)).0
            var value = ""
            var simple: Int32 = 0
            let text = cbx_attribute_text(current, &simple)
            if simple != 0 {
                if let text { value = String(cString: text) }
            } else if let raw = cbx_attribute_value(current) {
                value = String(cString: raw)
                cbx_free(raw)
            }
            attributes.append((attributeName, value))
            attribute = cbx_attribute_next(current)
        }
        return HTMLNode(element: elementName, attributes: attributes, isInline: flags & Self.inlineFlag != 0)
    }

    private func collectText(_ node: UnsafeMutableRawPointer) -> String {
        var result = ""
        var stack: [UnsafeMutableRawPointer] = []
        var child = cbx_node_first_child(node)
        while let current = child {
            stack.append(current)
            child = cbx_node_next(current)
        }
        stack.reverse()
        while let current = stack.popLast() {
            if let text = cbx_node_text(current), cbx_node_kind(current) != Int32(CBX_NODE_COMMENT) {
                result += String(cString: text)
            }
            var children: [UnsafeMutableRawPointer] = []
            var next = cbx_node_first_child(current)
            while let item = next {
                children.append(item)
                next = cbx_node_next(item)
            }
            stack.append(contentsOf: children.reversed())
        }
        return result
    }
}
