import ChatbotHTML
import Foundation

extension PageRecord {
    /// The record as one line of compact JSON, byte for byte what a `JSONEncoder` with sorted keys,
    /// snake_case and unescaped slashes produces, without the encoder's per-value boxing: the
    /// ndjson output of many pages spent a noticeable share of its time encoding.
    public func jsonLine() -> String {
        var out = JSONLineWriter()
        out.raw("{\"charset\":")
        out.string(charset)
        out.raw(",\"content\":")
        out.string(content)
        out.raw(",\"final_url\":")
        out.string(finalURL)
        out.raw(",\"links\":[")
        for (index, link) in links.enumerated() {
            out.raw(index == 0 ? "{\"nofollow\":" : ",{\"nofollow\":")
            out.raw(link.nofollow ? "true" : "false")
            out.raw(",\"text\":")
            out.string(link.text)
            out.raw(",\"url\":")
            out.string(link.url)
            out.raw("}")
        }
        out.raw("],\"metadata\":{")
        var first = true
        for (key, value) in [
            ("author", metadata.author), ("canonical_url", metadata.canonicalURL), ("date", metadata.date),
            ("description", metadata.description), ("image", metadata.image), ("language", metadata.language),
            ("site_name", metadata.siteName), ("title", metadata.title),
        ] {
            guard let value else { continue }
            out.raw(first ? "\"" : ",\"")
            out.raw(key)
            out.raw("\":")
            out.string(value)
            first = false
        }
        out.raw("},\"source\":")
        out.string(source)
        out.raw(",\"status\":")
        out.raw(status.map { String($0) } ?? "null")
        out.raw(",\"text\":")
        out.string(text)
        out.raw(",\"title\":")
        out.string(title)
        out.raw(",\"url\":")
        out.string(url)
        out.raw("}")
        return out.text
    }
}

/// Appends compact JSON with `JSONEncoder`'s escaping: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00xx`, everything else (slashes, non-ASCII) written as is.
struct JSONLineWriter {
    private(set) var bytes: [UInt8] = []

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ value: String?) {
        guard let value else {
            raw("null")
            return
        }
        bytes.append(0x22)
        var copy = value
        copy.withUTF8 { utf8 in
            // Runs that need no escaping are copied whole.
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { bytes.append(contentsOf: utf8[runStart..<index]) }
                runStart = index + 1
                bytes.append(0x5C)
                switch byte {
                case 0x22, 0x5C: bytes.append(byte)
                case 0x08: bytes.append(0x62)
                case 0x09: bytes.append(0x74)
                case 0x0A: bytes.append(0x6E)
                case 0x0C: bytes.append(0x66)
                case 0x0D: bytes.append(0x72)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: utf8[runStart..<utf8.count]) }
        }
        bytes.append(0x22)
    }
}
