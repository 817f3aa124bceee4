import ChatbotCore
public import Foundation

/// Fetches robots.txt once per origin (scheme, host, port) and keeps the rules for a while.
///
/// Status handling follows RFC 9309 §2.3.1: 2xx is parsed; 4xx means no restrictions; 5xx, a
/// 429, a network failure, a refused URL or more than 5 redirects means everything is
/// disallowed (the conservative reading). Only the first 512 KiB of a larger file are parsed.
public actor RobotsCache {
    private struct Entry {
        var rules: RobotsRules
        var expires: ContinuousClock.Instant
    }

    private let fetcher: WebFetcher
    private let policy: FetchPolicy
    private let ttl: Duration
    private let clock = ContinuousClock()
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<RobotsRules, Never>] = [:]

    /// A cache that fetches with `fetcher` under `policy` and keeps rules for `ttl`
    /// (RFC 9309 asks for at most 24 hours).
    public init(fetcher: WebFetcher, policy: FetchPolicy = FetchPolicy(), ttl: Duration = .seconds(24 * 3600)) {
        self.fetcher = fetcher
        var policy = policy
        policy.maxBodyBytes = 512 * 1024
        policy.truncateOversizedBodies = true
        policy.conditional = false
        self.policy = policy
        self.ttl = ttl
    }

    /// The origin key and robots.txt URL for `url`.
    static func robotsURL(for url: URL) -> (key: String, url: URL)? {
        guard let normalized = URLNormalizer.normalize(url),
            let scheme = normalized.scheme, let host = normalized.host(percentEncoded: true)
        else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let origin = "\(scheme)://\(hostPart)\(normalized.port.map { ":\($0)" } ?? "")"
        guard let robots = URL(string: "\(origin)/robots.txt") else { return nil }
        return (origin, robots)
    }

    /// The rules for `url`'s origin, fetched on first use and after the TTL.
    public func rules(for url: URL) async -> RobotsRules {
        guard let (key, robotsURL) = Self.robotsURL(for: url) else { return .disallowAll }
        if let entry = entries[key], entry.expires > clock.now { return entry.rules }
        if let running = inFlight[key] { return await running.value }
        let fetcher = self.fetcher
        let policy = self.policy
        // One load per origin shared by every concurrent caller; awaited below, never left running.
        let task = Task { await Self.load(robotsURL, fetcher: fetcher, policy: policy) }
        inFlight[key] = task
        let rules = await task.value
        inFlight[key] = nil
        entries[key] = Entry(rules: rules, expires: clock.now + ttl)
        return rules
    }

    /// Whether `url` may be fetched by `userAgent`.
    public func isAllowed(_ url: URL, userAgent: String = WebUserAgent.productToken) async -> Bool {
        let rules = await rules(for: url)
        let path = url.path(percentEncoded: true)
        let query = url.query(percentEncoded: true).map { "?\($0)" } ?? ""
        return rules.isAllowed((path.isEmpty ? "/" : path) + query, userAgent: userAgent)
    }

    private static func load(_ url: URL, fetcher: WebFetcher, policy: FetchPolicy) async -> RobotsRules {
        do {
            let page = try await fetcher.fetch(url, policy: policy)
            switch page.status {
            case 200..<300:
                var body = page.body[...]
                // A cut file ends mid-line: drop the partial line rather than read half a rule.
                if page.truncated, let lastNewline = body.lastIndex(of: UInt8(ascii: "\n")) {
                    body = body[...lastNewline]
                }
                return RobotsRules(parsing: String(decoding: body, as: UTF8.self))
            // 429 asks the crawler to slow down: treated like 5xx, as the big crawlers do.
            case 429: return .disallowAll
            case 400..<500: return .allowAll
            default: return .disallowAll
            }
        } catch let error as ChatbotError where error.kind == .usage {
            // The address itself is refused (the SSRF guard, a bad scheme): not a robots.txt
            // matter. Allowing lets the page's own fetch fail with that precise error.
            return .allowAll
        } catch {
            // RFC 9309: unreachable means disallow all; the error is kept so the crawler can say
            // what went wrong (an unknown host, a timeout) instead of blaming robots.txt.
            var rules = RobotsRules.disallowAll
            rules.fetchError =
                (error as? ChatbotError)
                ?? ChatbotError(.unavailable, "cannot fetch \(url.absoluteString): \(error)")
            return rules
        }
    }
}
