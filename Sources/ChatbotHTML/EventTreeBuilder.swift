import CXMLShim

/// Builds ``HTMLNode``s from the events of `cbx_html_parse_events`: the same tree ``TreeBuilder``
/// copies out of a libxml2 document, without libxml2 building (and freeing) that document first.
/// Dropped elements are skipped (JSON-LD scripts kept aside), and elements at
/// ``HTMLDocument/maximumDepth`` keep their text flat, as in ``TreeBuilder``.
struct EventTreeBuilder {
    /// Converts and caches names (by the parser's interned pointers) and their flags.
    private var names = TreeBuilder(lowercaseNames: true, dropElements: true)

    mutating func build(_ events: cbx_html_events, jsonLD: inout [String]) -> HTMLNode? {
        let count = Int(events.event_count)
        guard count > 0, let list = events.events, let text = events.text,
            list[0].kind == Int32(CBX_EVENT_START)
        else { return nil }
        let root = makeElement(list[0], events: events, text: text)
        var stack: [HTMLNode] = [root]
        var current = root
        var index = 1
        while index < count {
            let event = list[index]
            switch Int(event.kind) {
            case Int(CBX_EVENT_START):
                let (name, flags) = names.name(event.name, prefix: nil)
                if flags & TreeBuilder.droppedFlag != 0 {
                    var collected: String?
                    if name == "script",
                        let type = attribute("type", of: event, events: events, text: text),
                        type.lowercased().contains("ld+json")
                    {
                        collected = ""
                    }
                    index = skipSubtree(at: index, events: events, text: text, collecting: &collected)
                    if let collected { jsonLD.append(collected) }
                    continue
                }
                let element = makeElement(event, events: events, text: text, name: name, flags: flags)
                element.parent = current
                current.children.append(element)
                if stack.count >= HTMLDocument.maximumDepth {
                    // Too deep: keep the text, attach it flat.
                    var collected: String? = ""
                    index = skipSubtree(at: index, events: events, text: text, collecting: &collected)
                    if let collected, !collected.isEmpty {
                        let node = HTMLNode(text: collected)
                        node.parent = element
                        element.children.append(node)
                    }
                    continue
                }
                stack.append(element)
                current = element
            case Int(CBX_EVENT_END):
                if stack.count > 1 {
                    stack.removeLast()
                    current = stack[stack.count - 1]
                }
            default:
                let string = Self.string(text, event.text_start, event.text_length)
                if !TreeBuilder.isEscapedMarkup(string) {
                    let node = HTMLNode(text: string)
                    node.parent = current
                    current.children.append(node)
                }
            }
            index += 1
        }
        return root
    }

    /// The index after the subtree starting at `start`, appending its text to `collected` when given.
    private func skipSubtree(
        at start: Int, events: cbx_html_events, text: UnsafePointer<CChar>, collecting collected: inout String?
    ) -> Int {
        let count = Int(events.event_count)
        var depth = 0
        var index = start
        while index < count {
            let event = events.events[index]
            switch Int(event.kind) {
            case Int(CBX_EVENT_START): depth += 1
            case Int(CBX_EVENT_END): depth -= 1
            default:
                if collected != nil { collected! += Self.string(text, event.text_start, event.text_length) }
            }
            index += 1
            if depth == 0 { break }
        }
        return index
    }

    private static func string(_ text: UnsafePointer<CChar>, _ start: Int, _ length: Int) -> String {
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(text + start), count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func attribute(
        _ wanted: String, of event: cbx_event, events: cbx_html_events, text: UnsafePointer<CChar>
    ) -> String? {
        let first = Int(event.attribute_start)
        for offset in 0..<Int(event.attribute_count) {
            let attribute = events.attributes[first + offset]
            if names.name(attribute.name, prefix: nil).0 == wanted {
                return Self.string(text, attribute.value_start, attribute.value_length)
            }
        }
        return nil
    }

    private mutating func makeElement(
        _ event: cbx_event, events: cbx_html_events, text: UnsafePointer<CChar>, name: String? = nil,
        flags: UInt8? = nil
    ) -> HTMLNode {
        var elementName = name ?? ""
        var elementFlags = flags ?? 0
        if name == nil { (elementName, elementFlags) = names.name(event.name, prefix: nil) }
        var attributes: [(name: String, value: String)] = []
        let first = Int(event.attribute_start)
        let count = Int(event.attribute_count)
        if count > 0 { attributes.reserveCapacity(count) }
        for offset in 0..<count {
            let attribute = events.attributes[first + offset]
            let attributeName = names.name(attribute.name, prefix: nil).0
            attributes.append((attributeName, Self.string(text, attribute.value_start, attribute.value_length)))
        }
        return HTMLNode(
            element: elementName, attributes: attributes, isInline: elementFlags & TreeBuilder.inlineFlag != 0)
    }
}
