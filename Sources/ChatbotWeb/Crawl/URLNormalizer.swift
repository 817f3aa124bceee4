public import Foundation

/// Puts URLs into one form so the crawler visits each page once: scheme and host lowercased,
/// default port dropped, fragment dropped, dot segments resolved, an empty path made `/`,
/// percent-encoding normalised (unreserved characters decoded, hex digits uppercased). The query
/// is kept as it is: parameter order can matter to a server.
public enum URLNormalizer {
    /// The normalised form of `url`, or nil when it is not an absolute http(s) URL with a host.
    public static func normalize(_ url: URL) -> URL? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host(percentEncoded: true)?.lowercased(), !host.isEmpty
        else { return nil }
        var text = "\(scheme)://"
        if let user = url.user(percentEncoded: true) {
            text += user
            if let password = url.password(percentEncoded: true) { text += ":\(password)" }
            text += "@"
        }
        text += host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        if let port = url.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            text += ":\(port)"
        }
        let path = normalizeEncoding(removeDotSegments(url.path(percentEncoded: true)))
        text += path.isEmpty ? "/" : path
        if let query = url.query(percentEncoded: true) { text += "?\(normalizeEncoding(query))" }
        return URL(string: text)
    }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        var result = output.joined(separator: "/")
        if path.hasPrefix("/") && !result.hasPrefix("/") { result = "/" + result }
        return result
    }

    /// Decodes percent-encoded unreserved characters (`%7E` → `~`) and uppercases the hex digits
    /// of the others (`%2f` → `%2F`).
    static func normalizeEncoding(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        bytes.append(0)
        while index < bytes.count - 1 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                let scalar = Character(Unicode.Scalar(value))
                if scalar.isASCII && (scalar.isLetter || scalar.isNumber || "-._~".contains(scalar)) {
                    output.append(value)
                } else {
                    output.append(contentsOf: Array(String(format: "%%%02X", value).utf8))
                }
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
