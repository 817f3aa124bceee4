import ChatbotHTML
import Foundation

extension HTMLNode {
    /// The name without its namespace prefix, lower-cased.
    var localName: String {
        guard let colon = name.lastIndex(of: ":") else { return name.lowercased() }
        return name[name.index(after: colon)...].lowercased()
    }

    /// Child elements.
    var elements: [HTMLNode] { children.filter { $0.kind == .element } }

    /// Child elements with the given local name.
    func elements(_ local: String) -> [HTMLNode] { children.filter { $0.kind == .element && $0.localName == local } }

    /// The first child element with the given local name.
    func element(_ local: String) -> HTMLNode? {
        children.first { $0.kind == .element && $0.localName == local }
    }

    /// Every descendant element with the given local name, in document order.
    func all(_ local: String) -> [HTMLNode] { descendants { $0.kind == .element && $0.localName == local } }

    /// The first descendant element with the given local name.
    func first(_ local: String) -> HTMLNode? {
        for child in children where child.kind == .element {
            if child.localName == local { return child }
            if let found = child.first(local) { return found }
        }
        return nil
    }

    /// The relationship id (`r:id`) of an OOXML element.
    var relationshipID: String? {
        attributes.first { $0.name.hasSuffix(":id") }?.value
    }

    /// The value of the attribute whose local name matches, ignoring its prefix.
    func attr(_ local: String) -> String? {
        for attribute in attributes {
            let name = attribute.name
            let bare = name.lastIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
            if bare == local { return attribute.value }
        }
        return nil
    }
}

/// Resolves a relative path inside an archive against the folder of `base`.
func archivePath(_ target: String, relativeTo base: String) -> String {
    if target.hasPrefix("/") { return String(target.dropFirst()) }
    var parts = base.split(separator: "/").map(String.init)
    if !parts.isEmpty { parts.removeLast() }
    for part in target.split(separator: "/") {
        if part == ".." {
            if !parts.isEmpty { parts.removeLast() }
        } else if part != "." {
            parts.append(String(part))
        }
    }
    return parts.joined(separator: "/")
}

/// Relationship targets by id from an OOXML `.rels` part.
func relationships(_ root: HTMLNode?, base: String) -> [String: (target: String, type: String)] {
    var result: [String: (target: String, type: String)] = [:]
    for relationship in root?.elements("relationship") ?? [] {
        guard let id = relationship.attr("Id"), let target = relationship.attr("Target") else { continue }
        if relationship.attr("TargetMode") == "External" { continue }
        result[id] = (
            archivePath(target.removingPercentEncodingIfPossible, relativeTo: base), relationship.attr("Type") ?? ""
        )
    }
    return result
}

/// The `.rels` part path of a part.
func relsPath(of part: String) -> String {
    let slash = part.lastIndex(of: "/")
    let folder = slash.map { String(part[..<$0]) + "/" } ?? ""
    let file = slash.map { String(part[part.index(after: $0)...]) } ?? part
    return folder + "_rels/" + file + ".rels"
}

extension String {
    var removingPercentEncodingIfPossible: String { removingPercentEncoding ?? self }
}
