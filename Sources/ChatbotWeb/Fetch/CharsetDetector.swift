import Foundation

/// Finds a page's character encoding the way browsers do, in order of precedence: a byte-order
/// mark, the `charset` parameter of `Content-Type`, then a `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` in the first 1024 bytes.
public enum CharsetDetector {
    /// Where the answer came from.
    public enum Source: String, Sendable, Hashable {
        /// A UTF-8 or UTF-16 byte-order mark.
        case byteOrderMark = "bom"
        /// The `Content-Type` header.
        case header
        /// A `<meta>` element.
        case meta
    }

    /// The detected charset label (lowercased, e.g. `utf-8`, `iso-8859-1`, `shift_jis`) and its
    /// source, or nil when nothing declares one.
    public static func detect(contentType: String?, body: [UInt8]) -> (charset: String, source: Source)? {
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", .byteOrderMark) }
        if body.starts(with: [0xFE, 0xFF]) { return ("utf-16be", .byteOrderMark) }
        if body.starts(with: [0xFF, 0xFE]) { return ("utf-16le", .byteOrderMark) }
        if let contentType, let charset = parameter("charset", in: contentType) { return (charset, .header) }
        if let charset = metaCharset(in: body.prefix(1024)) { return (charset, .meta) }
        return nil
    }

    /// The value of `name=` in a header such as `text/html; charset="ISO-8859-1"`, lowercased.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == name else { continue }
            var value = pair[1].trimmingWhitespace()
            if value.hasPrefix("\"") || value.hasPrefix("'") { value = String(value.dropFirst()) }
            if value.hasSuffix("\"") || value.hasSuffix("'") { value = String(value.dropLast()) }
            let label = value.lowercased()
            return label.isEmpty ? nil : label
        }
        return nil
    }

    /// Scans raw bytes (ASCII-compatible encodings only, as the HTML prescan does) for a charset
    /// declared in a `<meta>` element.
    static func metaCharset(in bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self).lowercased()
        var searchStart = text.startIndex
        while let meta = text.range(of: "<meta", range: searchStart..<text.endIndex) {
            let tagEnd = text.range(of: ">", range: meta.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
            let tag = String(text[meta.upperBound..<tagEnd])
            if let charset = attributeCharset(in: tag) { return charset }
            searchStart = tagEnd
        }
        return nil
    }

    private static func attributeCharset(in tag: String) -> String? {
        guard let range = tag.range(of: "charset") else { return nil }
        var rest = tag[range.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "'" }
        let label = rest.prefix { !" \"';/>".contains($0) }
        return label.isEmpty ? nil : String(label)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
