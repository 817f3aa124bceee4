import ChatbotCore
import Foundation

/// A polite breadth-first crawler: seeds and sitemap entries first, then links up to
/// ``CrawlOptions/maxDepth``, within scope and include/exclude patterns, each URL once (after
/// normalisation), canonical links and robots.txt respected, per-host concurrency and delay.
///
/// Link extraction is injected: HTML parsing lives elsewhere (ChatbotHTML), so the crawler takes
/// a closure that returns the links and canonical URL of a page.
///
/// ```swift
/// let crawler = Crawler(fetcher: fetcher, options: options) { page in extractLinks(page) }
/// let summary = try await crawler.run { event in print(event.url) }
/// ```
public struct Crawler: Sendable {
    /// Returns the links and canonical URL of a fetched page.
    public typealias LinkExtractor = @Sendable (FetchedPage) -> ExtractedLinks

    private struct Visit: Sendable {
        var url: URL
        var depth: Int
        var outcome: CrawlEvent.Outcome
        var extracted: ExtractedLinks?
    }

    private let fetcher: WebFetcher
    private let robots: RobotsCache?
    private let options: CrawlOptions
    private let extractLinks: LinkExtractor
    private let throttle = HostThrottle()

    /// Creates a crawler. `robots` defaults to a cache over `fetcher` with the crawl's fetch
    /// policy; it is not used when ``CrawlOptions/respectRobots`` is off.
    public init(
        fetcher: WebFetcher,
        robots: RobotsCache? = nil,
        options: CrawlOptions,
        extractLinks: @escaping LinkExtractor
    ) {
        self.fetcher = fetcher
        self.options = options
        self.robots =
            options.respectRobots ? (robots ?? RobotsCache(fetcher: fetcher, policy: options.fetchPolicy)) : nil
        self.extractLinks = extractLinks
    }

    /// Crawls, calling `onEvent` once per URL as results arrive (from one task at a time), and
    /// returns the counts. Throws a usage error for invalid options, or what `onEvent` throws.
    @discardableResult
    public func run(onEvent: (CrawlEvent) async throws -> Void) async throws -> CrawlSummary {
        try options.validate()
        let include = try options.include.map { try CrawlOptions.compile($0, flag: "--include") }
        let exclude = try options.exclude.map { try CrawlOptions.compile($0, flag: "--exclude") }
        var scopePatterns: [NSRegularExpression] = []
        if case .patterns(let patterns) = options.scope.storage {
            scopePatterns = try patterns.map { try CrawlOptions.compile($0, flag: "--scope") }
        }
        var summary = CrawlSummary()
        func report(_ event: CrawlEvent) async throws {
            switch event.outcome {
            case .page: summary.pages += 1
            case .skipped: summary.skipped += 1
            case .failed: summary.failed += 1
            }
            try await onEvent(event)
        }

        var seen: Set<String> = []
        var queue: [(url: URL, depth: Int)] = []
        var seeds = options.seeds.compactMap(URLNormalizer.normalize)
        var sitemaps = options.sitemaps
        if options.sitemapsFromRobots {
            let robotsCache = robots ?? RobotsCache(fetcher: fetcher, policy: options.fetchPolicy)
            var origins: Set<String> = []
            for seed in seeds where origins.insert(Self.origin(seed) ?? "").inserted {
                sitemaps += await robotsCache.rules(for: seed).sitemaps.compactMap {
                    URL(string: $0, relativeTo: seed)?.absoluteURL
                }
            }
        }
        for sitemap in sitemaps {
            do {
                seeds += try await sitemapURLs(sitemap)
            } catch let error as ChatbotError {
                try await report(CrawlEvent(url: sitemap, depth: 0, outcome: .failed(error)))
            }
        }
        let seedHosts = Set(seeds.compactMap { Self.origin($0) })
        let seedPrefixes = seeds.compactMap { seed -> String? in
            guard let origin = Self.origin(seed) else { return nil }
            let path = seed.path(percentEncoded: true)
            let directory = path.hasSuffix("/") ? path : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)])
            return origin + (directory.isEmpty ? "/" : directory)
        }
        func inScope(_ url: URL) -> Bool {
            let text = url.absoluteString
            switch options.scope.storage {
            case .sameHost:
                return Self.origin(url).map(seedHosts.contains) ?? false
            case .samePathPrefix:
                return seedPrefixes.contains { text.hasPrefix($0) }
            case .patterns:
                return scopePatterns.contains { Self.matches($0, text) }
            }
        }
        func shouldFollow(_ url: URL) -> Bool {
            let text = url.absoluteString
            if !include.isEmpty && !include.contains(where: { Self.matches($0, text) }) { return false }
            if exclude.contains(where: { Self.matches($0, text) }) { return false }
            return inScope(url)
        }
        for seed in seeds where seen.insert(seed.absoluteString).inserted {
            queue.append((seed, 0))
        }

        try await withThrowingTaskGroup(of: Visit.self) { group in
            var head = 0
            var running = 0
            while true {
                while running < options.concurrency, head < queue.count, summary.pages + running < options.maxPages {
                    let item = queue[head]
                    head += 1
                    running += 1
                    group.addTask { await self.visit(item.url, depth: item.depth) }
                }
                guard running > 0, let visit = try await group.next() else { break }
                running -= 1
                guard case .page(let page) = visit.outcome, let extracted = visit.extracted else {
                    try await report(CrawlEvent(url: visit.url, depth: visit.depth, outcome: visit.outcome))
                    continue
                }
                let final = URLNormalizer.normalize(page.finalURL) ?? page.finalURL
                if final != visit.url, !seen.insert(final.absoluteString).inserted {
                    let reason = "redirected to \(final), which is already crawled"
                    try await report(CrawlEvent(url: visit.url, depth: visit.depth, outcome: .skipped(reason: reason)))
                    continue
                }
                if let canonical = extracted.canonical.flatMap(URLNormalizer.normalize), canonical != final,
                    inScope(canonical)
                {
                    if seen.insert(canonical.absoluteString).inserted { queue.append((canonical, visit.depth)) }
                    let reason = "canonical URL is \(canonical)"
                    try await report(CrawlEvent(url: visit.url, depth: visit.depth, outcome: .skipped(reason: reason)))
                    continue
                }
                try await report(CrawlEvent(url: visit.url, depth: visit.depth, outcome: visit.outcome))
                guard visit.depth < options.maxDepth else { continue }
                for link in extracted.links {
                    guard let normalized = URLNormalizer.normalize(link), shouldFollow(normalized),
                        seen.insert(normalized.absoluteString).inserted
                    else { continue }
                    queue.append((normalized, visit.depth + 1))
                }
            }
            group.cancelAll()
        }
        return summary
    }

    /// Robots check, politeness wait, fetch, link extraction for one URL. Never throws: failures
    /// become events.
    private func visit(_ url: URL, depth: Int) async -> Visit {
        let host = Self.origin(url) ?? url.absoluteString
        var delay = options.delay
        if let robots {
            let rules = await robots.rules(for: url)
            let path = url.path(percentEncoded: true)
            let query = url.query(percentEncoded: true).map { "?\($0)" } ?? ""
            guard rules.isAllowed((path.isEmpty ? "/" : path) + query, userAgent: options.robotsToken) else {
                if let error = rules.fetchError {
                    return Visit(url: url, depth: depth, outcome: .failed(error))
                }
                return Visit(url: url, depth: depth, outcome: .skipped(reason: "disallowed by robots.txt"))
            }
            delay = Self.effectiveDelay(
                configured: delay, crawlDelay: rules.crawlDelay(userAgent: options.robotsToken),
                cap: options.maxCrawlDelay)
        }
        do {
            try await throttle.acquire(host, limit: options.perHostConcurrency, delay: delay)
        } catch {
            return Visit(url: url, depth: depth, outcome: .failed(ChatbotError(.interrupted, "crawl cancelled")))
        }
        let page: FetchedPage
        do {
            page = try await fetcher.fetch(url, policy: options.fetchPolicy)
            throttle.release(host)
        } catch {
            throttle.release(host)
            let failure =
                error as? ChatbotError ?? ChatbotError(.runtime, "cannot fetch \(url): \(error)")
            return Visit(url: url, depth: depth, outcome: .failed(failure))
        }
        guard (200..<300).contains(page.status) || page.notModified else {
            let failure = ChatbotError(.runtime, "HTTP \(page.status) for \(page.finalURL)")
            return Visit(url: url, depth: depth, outcome: .failed(failure))
        }
        // A 304 has no body: the link extractor may know the page's links from an earlier visit.
        let extracted = extractLinks(page)
        return Visit(url: url, depth: depth, outcome: .page(page), extracted: extracted)
    }

    /// The page URLs listed by a sitemap or, recursively, a sitemap index (at most 3 levels and
    /// ``CrawlOptions/maxSitemapURLs`` URLs).
    private func sitemapURLs(_ sitemap: URL) async throws -> [URL] {
        var pending: [(URL, Int)] = [(sitemap, 0)]
        var visited: Set<String> = []
        var pages: [URL] = []
        while !pending.isEmpty, pages.count < options.maxSitemapURLs {
            let (url, level) = pending.removeFirst()
            guard visited.insert(url.absoluteString).inserted else { continue }
            let page = try await fetcher.fetch(url, policy: options.fetchPolicy)
            guard (200..<300).contains(page.status) else {
                throw ChatbotError(.runtime, "HTTP \(page.status) for sitemap \(url)")
            }
            let parsed = try Sitemap(
                parsing: page.body, source: url.absoluteString, maxBytes: options.fetchPolicy.maxBodyBytes)
            switch parsed.kind {
            case .urlSet:
                pages += parsed.locations.compactMap(URLNormalizer.normalize)
            case .index where level < 2:
                pending += parsed.locations.map { ($0, level + 1) }
            case .index:
                continue
            }
        }
        return Array(pages.prefix(options.maxSitemapURLs))
    }

    /// The larger of the configured delay and robots.txt's `Crawl-delay` (seconds), the latter
    /// capped at `cap`.
    static func effectiveDelay(configured: Duration, crawlDelay: Double?, cap: Duration) -> Duration {
        guard let crawlDelay else { return configured }
        return max(configured, min(.milliseconds(Int64(crawlDelay * 1000)), cap))
    }

    /// `scheme://host[:port]` of a normalised URL.
    static func origin(_ url: URL) -> String? {
        guard let scheme = url.scheme, let host = url.host(percentEncoded: true) else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart)\(url.port.map { ":\($0)" } ?? "")"
    }

    static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
