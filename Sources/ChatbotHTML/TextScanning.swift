import Foundation

/// Byte-level string helpers for the hot paths of extraction; each gives the same result as the
/// Foundation or standard-library call it replaces.
enum TextScanning {
    /// ASCII whitespace as Foundation's `whitespacesAndNewlines` sees it (U+0009–U+000D, U+0020).
    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `text.trimmingCharacters(in: .whitespacesAndNewlines)`: trims ASCII whitespace on bytes and
    /// falls back to Foundation only when a non-ASCII scalar sits at either end.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end {
            let byte = utf8[start]
            if byte >= 0x80 { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if !isASCIIWhitespace(byte) { break }
            start = utf8.index(after: start)
        }
        while end > start {
            let previous = utf8.index(before: end)
            let byte = utf8[previous]
            if byte >= 0x80 { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if !isASCIIWhitespace(byte) { break }
            end = previous
        }
        if start == utf8.startIndex && end == utf8.endIndex { return text }
        return String(text[start..<end])
    }

    /// Whether `text` starts with `prefix` (ASCII, lower case) ignoring ASCII case.
    static func hasASCIIPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        let utf8 = text.utf8
        guard utf8.count >= prefix.utf8CodeUnitCount else { return false }
        var index = utf8.startIndex
        let pointer = prefix.utf8Start
        for offset in 0..<prefix.utf8CodeUnitCount {
            var byte = utf8[index]
            if byte >= 0x41 && byte <= 0x5A { byte += 32 }
            if byte != pointer[offset] { return false }
            index = utf8.index(after: index)
        }
        return true
    }

    /// Whether `haystack` contains `needle` (byte-wise).
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= haystack.count else { return false }
        var position = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while position <= last {
            if haystack[position] == first {
                var offset = 1
                while offset < needle.count && haystack[position + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            position += 1
        }
        return false
    }

    @inline(__always)
    static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }
}
