public import ChatbotCore
import Foundation

/// A parsed robots.txt (RFC 9309): groups of rules per user agent, matched by longest pattern,
/// `Allow` winning ties, with `*` and `$` wildcards and percent-encoding normalised on both sides.
/// `Crawl-delay` and `Sitemap` lines, not in the RFC but widely used, are read too.
public struct RobotsRules: Sendable, Hashable {
    /// One `Allow` or `Disallow` line.
    public struct Rule: Sendable, Hashable {
        /// True for `Allow`.
        public var allow: Bool
        /// The normalised path pattern.
        public var pattern: String
    }

    struct Group: Sendable, Hashable {
        var agents: [String] = []
        var rules: [Rule] = []
        var crawlDelay: Double?
    }

    private enum Kind: Hashable {
        case parsed
        case allowAll
        case disallowAll
    }

    private let kind: Kind
    /// Why robots.txt could not be fetched at all (network failure, timeout), when that is why
    /// these rules disallow everything; `nil` for rules read from a file or an HTTP status.
    public internal(set) var fetchError: ChatbotError?
    private(set) var groups: [Group]
    /// The `Sitemap:` URLs, in file order.
    public let sitemaps: [String]

    /// Everything allowed: what a 4xx robots.txt (or none) means.
    public static let allowAll = RobotsRules(kind: .allowAll)
    /// Nothing allowed: what a 5xx or an unreachable robots.txt means.
    public static let disallowAll = RobotsRules(kind: .disallowAll)

    private init(kind: Kind) {
        self.kind = kind
        self.groups = []
        self.sitemaps = []
    }

    /// Parses robots.txt text. Unknown lines and malformed lines are skipped, as the RFC asks.
    public init(parsing text: String) {
        var groups: [Group] = []
        var sitemaps: [String] = []
        var current: Group?
        var lastWasAgent = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace().lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "user-agent":
                if !lastWasAgent {
                    if let current { groups.append(current) }
                    current = Group()
                }
                let token = value.split(whereSeparator: { $0 == "/" || $0 == " " }).first.map(String.init) ?? value
                current?.agents.append(token.lowercased())
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // Rules before any user-agent line belong to no group and are ignored.
                guard current != nil, !value.isEmpty else { continue }
                current?.rules.append(Rule(allow: key == "allow", pattern: Self.normalizePath(value)))
            case "crawl-delay":
                lastWasAgent = false
                if let delay = Double(value), delay >= 0, delay.isFinite { current?.crawlDelay = delay }
            case "sitemap":
                if !value.isEmpty { sitemaps.append(value) }
            default:
                continue
            }
        }
        if let current { groups.append(current) }
        self.kind = .parsed
        self.groups = groups
        self.sitemaps = sitemaps
    }

    /// The groups that apply to `userAgent` (its product token, case-insensitive), merged; the
    /// `*` groups when none names it.
    func applicableGroups(for userAgent: String) -> [Group] {
        let token = userAgent.lowercased()
        let named = groups.filter { $0.agents.contains(token) }
        return named.isEmpty ? groups.filter { $0.agents.contains("*") } : named
    }

    /// Whether `userAgent` may fetch `pathAndQuery` (e.g. `/a/b?c=d`). `/robots.txt` is always allowed.
    public func isAllowed(_ pathAndQuery: String, userAgent: String = WebUserAgent.productToken) -> Bool {
        switch kind {
        case .allowAll: return true
        case .disallowAll: return pathAndQuery == "/robots.txt"
        case .parsed: break
        }
        let path = Self.normalizePath(pathAndQuery.isEmpty ? "/" : pathAndQuery)
        if path == "/robots.txt" { return true }
        var best: Rule?
        for rule in applicableGroups(for: userAgent).flatMap(\.rules) where Self.matches(rule.pattern, path) {
            guard let current = best else {
                best = rule
                continue
            }
            let length = rule.pattern.utf8.count
            let bestLength = current.pattern.utf8.count
            if length > bestLength || (length == bestLength && rule.allow && !current.allow) { best = rule }
        }
        return best?.allow ?? true
    }

    /// The `Crawl-delay` in seconds for `userAgent`, the largest of its merged groups.
    public func crawlDelay(userAgent: String = WebUserAgent.productToken) -> Double? {
        applicableGroups(for: userAgent).compactMap(\.crawlDelay).max()
    }

    /// Whether `pattern` (with `*` and a trailing `$`) matches `path` from its start.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var pattern = Array(pattern.utf8)
        let path = Array(path.utf8)
        let anchored = pattern.last == UInt8(ascii: "$")
        if anchored { pattern.removeLast() }
        let parts = pattern.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
        guard path.starts(with: parts[0]) else { return false }
        var position = parts[0].count
        if parts.count == 1 { return anchored ? position == path.count : true }
        for part in parts.dropFirst().dropLast() {
            guard let found = find(part, in: path, from: position) else { return false }
            position = found + part.count
        }
        let last = parts[parts.count - 1]
        if anchored { return path.count - last.count >= position && path.suffix(last.count).elementsEqual(last) }
        return find(last, in: path, from: position) != nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        if needle.isEmpty { return start }
        guard haystack.count - needle.count >= start else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }

    /// RFC 9309 §2.2.2: non-ASCII octets percent-encoded, percent-encoded unreserved characters
    /// decoded, hex digits uppercased.
    static func normalizePath(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if byte >= 0x80 || byte < 0x21 {
                encoded += String(format: "%%%02X", byte)
            } else {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return URLNormalizer.normalizeEncoding(encoded)
    }
}
