public import Foundation

/// A hyperlink found on a page.
public struct PageLink: Sendable, Hashable, Codable {
    /// The target, resolved against the base URL (absolute when a base is known).
    public var url: String
    /// The link text, whitespace collapsed.
    public var text: String
    /// Whether the link carries `rel="nofollow"` (crawlers may skip it).
    public var nofollow: Bool

    /// Creates a link.
    public init(url: String, text: String, nofollow: Bool = false) {
        self.url = url
        self.text = text
        self.nofollow = nofollow
    }
}

/// Finds the links of a document; used by the crawler to discover pages.
public enum LinkExtractor {
    /// Every `<a href>` of the document resolved against `baseURL` (or the document's
    /// `<base href>`), without `javascript:`/`data:` targets or bare fragments, first occurrence kept.
    public static func links(in document: HTMLDocument, baseURL: URL?) -> [PageLink] {
        links(below: document.root, baseURL: effectiveBase(of: document, baseURL: baseURL))
    }

    /// The canonical URL the page declares (`<link rel="canonical">`), resolved, or `nil`.
    public static func canonicalURL(of document: HTMLDocument, baseURL: URL?) -> URL? {
        let base = effectiveBase(of: document, baseURL: baseURL)
        for link in document.root.descendants(where: { $0.name == "link" }) {
            guard let rel = link.attribute("rel")?.lowercased(), rel.split(separator: " ").contains("canonical"),
                let href = link.attribute("href")
            else { continue }
            if let url = URL(string: TextScanning.trimmed(href), relativeTo: base),
                url.scheme != nil
            {
                return url.absoluteURL
            }
        }
        return nil
    }

    /// The base for relative links: `<base href>` resolved against `baseURL`, else `baseURL`.
    static func effectiveBase(of document: HTMLDocument, baseURL: URL?) -> URL? {
        if let head = document.head, let base = head.firstDescendant(named: "base"), let href = base.attribute("href"),
            let url = URL(string: TextScanning.trimmed(href), relativeTo: baseURL),
            url.scheme != nil
        {
            return url.absoluteURL
        }
        return baseURL
    }

    static func links(below node: HTMLNode, baseURL: URL?) -> [PageLink] {
        var seen: Set<String> = []
        var result: [PageLink] = []
        for anchor in node.descendants(where: { $0.name == "a" || $0.name == "area" }) {
            guard let href = anchor.attribute("href"), let resolved = resolve(href, against: baseURL) else { continue }
            if !seen.insert(resolved).inserted { continue }
            let rel = anchor.attribute("rel")?.lowercased() ?? ""
            result.append(
                PageLink(
                    url: resolved, text: collapsedText(of: anchor),
                    nofollow: rel.split(separator: " ").contains("nofollow")))
        }
        return result
    }

    /// The element's text with whitespace collapsed (`MetadataExtractor.collapse(node.textContent)`).
    static func collapsedText(of node: HTMLNode) -> String {
        var line = InlineText()
        node.appendText(to: &line)
        return line.finished()
    }

    /// Whether a byte may appear unescaped in a URL: printable ASCII except `"<>\^`{|}` and space.
    @inline(__always)
    static func isPlainURLByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        switch byte {
        case 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: return false
        default: return true
        }
    }

    /// Resolves one `href`; `nil` for targets that are not pages.
    static func resolve(_ href: String, against baseURL: URL?) -> String? {
        let trimmed = TextScanning.trimmed(href)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        if TextScanning.hasASCIIPrefix(trimmed, "javascript:") || TextScanning.hasASCIIPrefix(trimmed, "data:")
            || TextScanning.hasASCIIPrefix(trimmed, "vbscript:")
        {
            return nil
        }
        // Fast path: an absolute http(s) URL of plain URL characters resolves to itself.
        if TextScanning.hasASCIIPrefix(trimmed, "https://") || TextScanning.hasASCIIPrefix(trimmed, "http://"),
            trimmed.utf8.allSatisfy({ Self.isPlainURLByte($0) })
        {
            return trimmed
        }
        let escaped = trimmed.utf8.contains(0x20) ? trimmed.replacingOccurrences(of: " ", with: "%20") : trimmed
        guard let url = URL(string: escaped, relativeTo: baseURL) else { return nil }
        if url.scheme == nil { return baseURL == nil ? escaped : nil }
        return url.absoluteString
    }
}
