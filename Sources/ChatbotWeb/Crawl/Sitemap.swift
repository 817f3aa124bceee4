public import Foundation

/// A parsed sitemap (sitemaps.org): a list of page URLs (`<urlset>`) or of further sitemaps
/// (`<sitemapindex>`). Read by a small scanner that only looks at `<loc>` elements, so no DTD,
/// entity expansion or external resource is ever processed; gzipped files are inflated first
/// under the same byte cap as pages.
public struct Sitemap: Sendable, Hashable {
    /// Whether the file lists pages or sitemaps.
    public enum Kind: Sendable, Hashable {
        /// `<urlset>`: page URLs.
        case urlSet
        /// `<sitemapindex>`: sitemap URLs.
        case index
    }

    /// What the file lists.
    public var kind: Kind
    /// The `<loc>` URLs, in file order; invalid ones are skipped.
    public var locations: [URL]

    /// Parses `bytes` (gzip detected by its magic bytes). Throws a message naming `source` when
    /// the file is neither a urlset nor a sitemap index, or inflates beyond `maxBytes`.
    public init(parsing bytes: [UInt8], source: String, maxBytes: Int = 50 * 1024 * 1024) throws {
        var bytes = bytes
        if bytes.starts(with: [0x1f, 0x8b]) {
            do {
                bytes = try ContentDecoder.decode(bytes, coding: "gzip", limit: maxBytes)
            } catch .limitExceeded {
                throw WebErrors.tooLarge(url: source, limit: maxBytes)
            } catch {
                throw WebErrors.corrupt(url: source, reason: "invalid gzip data in sitemap")
            }
        }
        // ASCII-only lowercasing keeps byte offsets identical to the original.
        let lower = bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        if Self.find(Array("<sitemapindex".utf8), in: lower) != nil
            || Self.find(Array(":sitemapindex".utf8), in: lower) != nil
        {
            kind = .index
        } else if Self.find(Array("<urlset".utf8), in: lower) != nil
            || Self.find(Array(":urlset".utf8), in: lower) != nil
        {
            kind = .urlSet
        } else {
            throw ChatbotErrorFactory.invalidSitemap(source)
        }
        var locations: [URL] = []
        var cursor = 0
        while let tag = Self.find(Array("loc>".utf8), in: lower, from: cursor) {
            cursor = tag + 4
            guard tag > 0, lower[tag - 1] == UInt8(ascii: "<") || lower[tag - 1] == UInt8(ascii: ":") else { continue }
            guard let close = Self.find(Array("</".utf8), in: lower, from: cursor) else { break }
            let raw = String(decoding: bytes[cursor..<close], as: UTF8.self)
            let value = Self.decodeEntities(Self.stripCDATA(raw)).trimmingCharacters(in: .whitespacesAndNewlines)
            if let url = URL(string: value), url.scheme == "http" || url.scheme == "https" { locations.append(url) }
            cursor = (Self.find([UInt8(ascii: ">")], in: lower, from: close) ?? close) + 1
        }
        self.locations = locations
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func stripCDATA(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("<![CDATA["), trimmed.hasSuffix("]]>") {
            return String(trimmed.dropFirst(9).dropLast(3))
        }
        return text
    }

    /// The five predefined XML entities and numeric character references; nothing else.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10
            else {
                output += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let name = rest[rest.index(after: amp)..<semicolon]
            let replacement: String? =
                switch name {
                case "amp": "&"
                case "lt": "<"
                case "gt": ">"
                case "quot": "\""
                case "apos": "'"
                default:
                    if name.hasPrefix("#x") || name.hasPrefix("#X") {
                        UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                    } else if name.hasPrefix("#") {
                        UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                    } else {
                        nil
                    }
                }
            if let replacement {
                output += replacement
                rest = rest[rest.index(after: semicolon)...]
            } else {
                output += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        return output + rest
    }
}
