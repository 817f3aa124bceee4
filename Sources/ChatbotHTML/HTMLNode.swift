/// One node of a parsed HTML (or XML) document: an element with attributes and children, or a
/// run of text. Built once from libxml2's tree; names are lower-cased for HTML.
public final class HTMLNode {
    /// What a node is.
    public enum Kind: Sendable, Hashable {
        /// An element such as `<p>`.
        case element
        /// Character data.
        case text
    }

    /// Element or text.
    public let kind: Kind
    /// The element's name (lower-cased for HTML); empty for text.
    public let name: String
    /// The element's attributes in document order (names lower-cased for HTML).
    public internal(set) var attributes: [(name: String, value: String)]
    /// The text of a text node; empty for elements.
    public let text: String
    /// The child nodes in document order.
    public internal(set) var children: [HTMLNode] = []
    /// The parent element, `nil` for the root. Unowned rather than weak (a weak reference gives
    /// every parent a side table and slows all reference counting on it): keep the tree's root
    /// (or its document) alive while following `parent` from a node.
    public internal(set) unowned(safe) var parent: HTMLNode?

    // Scratch state of ContentExtractor (one extraction per document).
    /// Pruned as boilerplate.
    var pruned = false
    /// Characters (non-space) of prose text below this node.
    var prose = 0
    /// Characters (non-space) of other text below this node: links, labels, short lines.
    var noise = 0
    /// Characters (non-space) of all text below this node.
    var chars = 0
    /// Characters (non-space) of link text below this node.
    var linkChars = 0

    /// Whether this element flows inside a line of text (``ElementClasses/inline``).
    let isInline: Bool
    /// Memo of ``visibleCharacters`` (-1: not yet counted).
    private var visibleMemo = -1
    /// Memo of ``hasBlockInside``: 0 not yet known, 1 no, 2 yes.
    private var blockInsideState: UInt8 = 0

    init(element name: String, attributes: [(name: String, value: String)], isInline: Bool? = nil) {
        self.kind = .element
        self.name = name
        self.attributes = attributes
        self.text = ""
        self.isInline = isInline ?? ElementClasses.inline.contains(name)
    }

    init(text: String) {
        self.kind = .text
        self.name = ""
        self.attributes = []
        self.text = text
        self.isInline = false
    }

    /// The non-whitespace characters of a text node (``LineRun/visibleCount(_:)``), counted once.
    var visibleCharacters: Int {
        if visibleMemo < 0 { visibleMemo = LineRun.visibleCount(text) }
        return visibleMemo
    }

    /// Whether a block (non-inline) element sits anywhere below this node. The tree's shape never
    /// changes after it is built, so the answer is computed once.
    var hasBlockInside: Bool {
        if blockInsideState != 0 { return blockInsideState == 2 }
        var result = false
        for child in children where child.kind == .element && (!child.isInline || child.hasBlockInside) {
            result = true
            break
        }
        blockInsideState = result ? 2 : 1
        return result
    }

    /// The value of the named attribute, or `nil`.
    public func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name { return attribute.value }
        return nil
    }

    /// Whether this is an element with the given name.
    public func isElement(_ name: String) -> Bool {
        kind == .element && self.name == name
    }

    /// All text below this node, concatenated as it appears in the source.
    public var textContent: String {
        if kind == .text { return text }
        var result = ""
        appendText(to: &result)
        return result
    }

    /// Feeds the text below this node to `line` in source order: the same result as
    /// `line.appendText(textContent)` without building the concatenation first.
    func appendText(to line: inout InlineText) {
        if kind == .text {
            line.appendText(text)
            return
        }
        for child in children { child.appendText(to: &line) }
    }

    private func appendText(to result: inout String) {
        for child in children {
            if child.kind == .text {
                result += child.text
            } else {
                child.appendText(to: &result)
            }
        }
    }

    /// Every element below this node (depth first, document order) for which `predicate` holds.
    public func descendants(where predicate: (HTMLNode) -> Bool) -> [HTMLNode] {
        var found: [HTMLNode] = []
        var stack: [HTMLNode] = []
        Self.pushReversed(children, onto: &stack)
        while let node = stack.popLast() {
            guard node.kind == .element else { continue }
            if predicate(node) { found.append(node) }
            Self.pushReversed(node.children, onto: &stack)
        }
        return found
    }

    /// The first element below this node with the given name.
    public func firstDescendant(named name: String) -> HTMLNode? {
        var stack: [HTMLNode] = []
        Self.pushReversed(children, onto: &stack)
        while let node = stack.popLast() {
            guard node.kind == .element else { continue }
            if node.name == name { return node }
            Self.pushReversed(node.children, onto: &stack)
        }
        return nil
    }

    /// Pushes the element children in reverse order, so that popping yields document order.
    @inline(__always)
    static func pushReversed(_ nodes: [HTMLNode], onto stack: inout [HTMLNode]) {
        var index = nodes.count - 1
        while index >= 0 {
            if nodes[index].kind == .element { stack.append(nodes[index]) }
            index -= 1
        }
    }
}
