import ChatbotCore
public import Foundation

/// Which discovered links a crawl may follow.
public struct CrawlScope: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case sameHost
        case samePathPrefix
        case patterns([String])
    }

    let storage: Storage

    /// Links on the host of one of the seeds (the default).
    public static let sameHost = CrawlScope(storage: .sameHost)
    /// Links on a seed's host under the seed's directory (`https://a/docs/x` → `https://a/docs/…`).
    public static let samePathPrefix = CrawlScope(storage: .samePathPrefix)

    /// Links matching one of `patterns` (see ``CrawlOptions/include`` for the syntax); throws a
    /// usage error naming a pattern that does not compile.
    public static func patterns(_ patterns: [String]) throws -> CrawlScope {
        for pattern in patterns { _ = try CrawlOptions.compile(pattern, flag: "--scope") }
        return CrawlScope(storage: .patterns(patterns))
    }
}

/// The links and canonical URL found in one page, as returned by the injected extractor.
public struct ExtractedLinks: Sendable {
    /// Absolute link targets (`<a href>` resolved against the page URL).
    public var links: [URL]
    /// The `<link rel="canonical">` target, if any.
    public var canonical: URL?

    /// Creates the result.
    public init(links: [URL], canonical: URL? = nil) {
        self.links = links
        self.canonical = canonical
    }
}

/// Everything a crawl is told.
public struct CrawlOptions: Sendable {
    /// Start URLs (depth 0).
    public var seeds: [URL]
    /// sitemap.xml / sitemap index URLs (gzipped too) whose pages become depth-0 seeds.
    public var sitemaps: [URL]
    /// Also seed from the `Sitemap:` lines of each seed host's robots.txt (`--sitemap auto`).
    public var sitemapsFromRobots: Bool
    /// How many links deep to follow from a seed (`--depth`; 0 fetches the seeds only).
    public var maxDepth: Int
    /// The most pages to fetch successfully (`--max-pages`).
    public var maxPages: Int
    /// Which links may be followed (`--scope`).
    public var scope: CrawlScope
    /// Follow only links matching one of these patterns, when any are given (`--include`).
    ///
    /// A pattern is a glob where `*` matches any characters (including `/`) and everything else is
    /// literal; it must match the whole URL or the whole path and query (`*.pdf`, `/docs/*`,
    /// `https://example.com/blog/*`). A pattern starting with `re:` is a regular expression
    /// searched anywhere in the URL (`re:/20[0-9]{2}/`).
    public var include: [String]
    /// Never follow links matching one of these patterns (`--exclude`; syntax as ``include``).
    public var exclude: [String]
    /// Obey robots.txt (always on for URLs from other people; the CLI may offer to turn it off).
    public var respectRobots: Bool
    /// The robots.txt product token to match groups against.
    public var robotsToken: String
    /// Fetches in flight at once over all hosts (`--concurrency`).
    public var concurrency: Int
    /// Fetches in flight at once on one host.
    public var perHostConcurrency: Int
    /// The least time between two request starts on one host (`--delay`); a robots.txt
    /// `Crawl-delay` that is longer wins, capped at ``maxCrawlDelay``.
    public var delay: Duration
    /// The longest robots.txt `Crawl-delay` honoured; longer values are clamped.
    public var maxCrawlDelay: Duration
    /// How each page is fetched (timeouts, size cap, private networks).
    public var fetchPolicy: FetchPolicy
    /// The most page URLs taken from sitemaps.
    public var maxSitemapURLs: Int

    /// Creates options; everything but the seeds has a default.
    public init(
        seeds: [URL],
        sitemaps: [URL] = [],
        sitemapsFromRobots: Bool = false,
        maxDepth: Int = 2,
        maxPages: Int = 100,
        scope: CrawlScope = .sameHost,
        include: [String] = [],
        exclude: [String] = [],
        respectRobots: Bool = true,
        robotsToken: String = WebUserAgent.productToken,
        concurrency: Int = 4,
        perHostConcurrency: Int = 2,
        delay: Duration = .milliseconds(500),
        maxCrawlDelay: Duration = .seconds(30),
        fetchPolicy: FetchPolicy = FetchPolicy(),
        maxSitemapURLs: Int = 50_000
    ) {
        self.seeds = seeds
        self.sitemaps = sitemaps
        self.sitemapsFromRobots = sitemapsFromRobots
        self.maxDepth = maxDepth
        self.maxPages = maxPages
        self.scope = scope
        self.include = include
        self.exclude = exclude
        self.respectRobots = respectRobots
        self.robotsToken = robotsToken
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.delay = delay
        self.maxCrawlDelay = maxCrawlDelay
        self.fetchPolicy = fetchPolicy
        self.maxSitemapURLs = maxSitemapURLs
    }

    /// Checks the numbers and compiles every pattern; throws a usage error naming the bad value.
    public func validate() throws {
        if maxDepth < 0 { throw ChatbotError(.usage, "--depth must be 0 or more, not \(maxDepth)") }
        if maxPages < 1 { throw ChatbotError(.usage, "--max-pages must be 1 or more, not \(maxPages)") }
        if concurrency < 1 || perHostConcurrency < 1 {
            throw ChatbotError(.usage, "--concurrency must be 1 or more")
        }
        if seeds.isEmpty && sitemaps.isEmpty { throw ChatbotError(.usage, "nothing to crawl: give a URL or --sitemap") }
        for pattern in include { _ = try Self.compile(pattern, flag: "--include") }
        for pattern in exclude { _ = try Self.compile(pattern, flag: "--exclude") }
    }

    static func compile(_ pattern: String, flag: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: regexSource(pattern))
        } catch {
            throw ChatbotError(
                .usage, "\(flag) \(pattern) is not a valid pattern",
                hint: "use a glob such as '*/docs/*' or '*.pdf', or re:REGEX for a regular expression")
        }
    }

    /// The regular expression for a pattern: `re:` patterns as written, globs anchored with `*`
    /// as `.*` and an optional `scheme://host` before a path glob.
    static func regexSource(_ pattern: String) -> String {
        if pattern.hasPrefix("re:") { return String(pattern.dropFirst(3)) }
        var source = "^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)?"
        var literal = ""
        for character in pattern {
            if character == "*" {
                source += NSRegularExpression.escapedPattern(for: literal) + ".*"
                literal = ""
            } else {
                literal.append(character)
            }
        }
        return source + NSRegularExpression.escapedPattern(for: literal) + "$"
    }
}
