import CXMLShim
public import Foundation

/// Finds the charset of an HTML byte stream, in the order browsers use: the HTTP `Content-Type`
/// header, a byte-order mark, `<meta charset>` / `<meta http-equiv="Content-Type">` in the first
/// kilobytes, valid UTF-8, and finally Windows-1252.
public enum CharsetDetector {
    /// How many leading bytes are searched for a `<meta>` charset declaration.
    static let prescanLength = 8192

    /// The charset name to decode `data` with.
    public static func detect(_ data: Data, contentType: String? = nil) -> String {
        if let contentType, let declared = charsetParameter(in: contentType), let name = normalize(declared),
            isSupported(name)
        {
            return name
        }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String in
            let bytes = raw.bindMemory(to: UInt8.self)
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return "UTF-8" }
            if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return "UTF-16LE" }
            if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return "UTF-16BE" }
            let prefix = UnsafeBufferPointer(rebasing: bytes.prefix(prescanLength))
            if let declared = metaCharset(in: prefix), let name = normalize(declared), isSupported(name) {
                // A page cannot really be UTF-16 if its <meta> was readable as ASCII (WHATWG rule).
                return name.hasPrefix("UTF-16") ? "UTF-8" : name
            }
            return isValidUTF8(bytes) ? "UTF-8" : "windows-1252"
        }
    }

    /// Maps a declared charset label to the name passed to the decoder, following the WHATWG
    /// encoding standard where labels differ (latin1 and ASCII labels mean windows-1252).
    public static func normalize(_ label: String) -> String? {
        let trimmed = label.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n\"'")).lowercased()
        guard !trimmed.isEmpty, trimmed.count <= 40,
            trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else { return nil }
        switch trimmed {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "UTF-8"
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "ansi_x3.4-1968", "cp1252", "windows-1252",
            "x-cp1252", "cp819", "ibm819", "iso_8859-1":
            return "windows-1252"
        case "utf-16", "utf-16le": return "UTF-16LE"
        case "utf-16be": return "UTF-16BE"
        case "gb2312", "gbk", "x-gbk", "chinese", "csgb2312": return "GBK"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j": return "SHIFT_JIS"
        case "ks_c_5601-1987", "euc-kr", "korean": return "EUC-KR"
        case "tis-620", "iso-8859-11": return "windows-874"
        default: return trimmed.uppercased()
        }
    }

    /// Whether this system's decoder (libxml2 with iconv) knows the charset.
    public static func isSupported(_ name: String) -> Bool {
        cbx_encoding_supported(name) != 0
    }

    /// The `charset=` parameter of a `Content-Type` value.
    static func charsetParameter(in contentType: String) -> String? {
        let lower = contentType.lowercased()
        guard let range = lower.range(of: "charset=") else { return nil }
        let rest = lower[range.upperBound...]
        let value = rest.prefix { $0 != ";" && $0 != "," && $0 != " " }
        let cleaned = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return cleaned.isEmpty ? nil : cleaned
    }

    /// A charset declared by a `<meta>` tag in the bytes (ASCII-compatible scan).
    static func metaCharset(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        var index = 0
        while index + 5 < count {
            // Find "<meta" case-insensitively.
            if bytes[index] == UInt8(ascii: "<"), lowerASCII(bytes[index + 1]) == UInt8(ascii: "m"),
                lowerASCII(bytes[index + 2]) == UInt8(ascii: "e"), lowerASCII(bytes[index + 3]) == UInt8(ascii: "t"),
                lowerASCII(bytes[index + 4]) == UInt8(ascii: "a")
            {
                var end = index + 5
                while end < count && bytes[end] != UInt8(ascii: ">") { end += 1 }
                let tag = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                    .lowercased()
                if let range = tag.range(of: "charset") {
                    var rest = tag[range.upperBound...].drop { $0 == " " }
                    if rest.first == "=" {
                        rest = rest.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "'" }
                        let value = rest.prefix { !" \"';/>".contains($0) }
                        if !value.isEmpty { return String(value) }
                    }
                }
                index = end
            }
            index += 1
        }
        return nil
    }

    private static func lowerASCII(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    /// Whether the bytes are well-formed UTF-8 (a truncated final sequence is tolerated).
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            if byte & 0xE0 == 0xC0 && byte >= 0xC2 {
                length = 2
            } else if byte & 0xF0 == 0xE0 {
                length = 3
            } else if byte & 0xF8 == 0xF0 && byte <= 0xF4 {
                length = 4
            } else {
                return false
            }
            if index + length > count { return true }
            for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }
}
