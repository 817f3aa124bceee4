import ChatbotCore
import ChatbotTestSupport
import Foundation
import Synchronization
import Testing

@testable import ChatbotWeb

@Suite("Crawler against a local test site")
struct CrawlerTests {
    /// Collects events from the crawler's callback.
    final class Events: Sendable {
        private let storage = Mutex<[CrawlEvent]>([])
        func append(_ event: CrawlEvent) { storage.withLock { $0.append(event) } }
        var all: [CrawlEvent] { storage.withLock { $0 } }
        var pagePaths: [String] {
            all.compactMap { event in
                guard case .page = event.outcome else { return nil }
                return event.url.path(percentEncoded: true)
            }
        }
        func skipped(_ path: String) -> String? {
            for event in all where event.url.path(percentEncoded: true) == path {
                if case .skipped(let reason) = event.outcome { return reason }
            }
            return nil
        }
    }

    static func options(_ seeds: [String], configure: (inout CrawlOptions) -> Void = { _ in }) -> CrawlOptions {
        var options = CrawlOptions(
            seeds: seeds.compactMap(URL.init(string:)),
            delay: .zero,
            fetchPolicy: FetchPolicy(
                allowPrivateNetworks: true, connectTimeout: .seconds(5), totalTimeout: .seconds(10)))
        configure(&options)
        return options
    }

    static func crawl(_ options: CrawlOptions) async throws -> (Events, CrawlSummary) {
        let fetcher = WebFetcher()
        let events = Events()
        do {
            let crawler = Crawler(fetcher: fetcher, options: options, extractLinks: Fixtures.extractLinks)
            let summary = try await crawler.run { events.append($0) }
            await fetcher.shutdown()
            return (events, summary)
        } catch {
            await fetcher.shutdown()
            throw error
        }
    }

    /// A small site: / links to /a, /b, /private/x, an external host and a fragment duplicate of /a;
    /// /a links to /a/deep; /a/deep links to /a/deeper.
    static func buildSite(_ site: LocalTestSite, robots: String = "User-agent: *\nDisallow: /private/\n") {
        site.route("/robots.txt", .text(robots))
        site.route(
            "/",
            .html(
                """
                <a href="/a">A</a> <a href="b">B</a> <a href="/private/x">P</a>
                <a href="http://other.invalid/">external</a> <a href="/a#top">A again</a> <a href="/./a">A dot</a>
                """))
        site.route("/a", .html("<a href=\"/a/deep\">deep</a>"))
        site.route("/b", .html("<p>b</p>"))
        site.route("/private/x", .html("secret"))
        site.route("/a/deep", .html("<a href=\"/a/deeper\">deeper</a>"))
        site.route("/a/deeper", .html("<p>bottom</p>"))
    }

    @Test("depth, dedup, same-host scope and robots.txt")
    func depthAndRobots() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            let (events, summary) = try await Self.crawl(Self.options(["\(base)/"]) { $0.maxDepth = 2 })
            #expect(Set(events.pagePaths) == ["/", "/a", "/b", "/a/deep"])
            #expect(events.skipped("/private/x") == "disallowed by robots.txt")
            #expect(site.requests(for: "/private/x").isEmpty)
            #expect(site.requests(for: "/a").count == 1)
            #expect(site.requests(for: "/a/deeper").isEmpty)
            #expect(site.requests(for: "/robots.txt").count == 1)
            #expect(summary.pages == 4 && summary.skipped == 1 && summary.failed == 0)
            #expect(!events.all.contains { $0.url.host == "other.invalid" })
        }
    }

    @Test("a refused address is reported as the refusal (usage error), not as a robots.txt disallow")
    func refusedAddressIsNotRobots() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            let (events, summary) = try await Self.crawl(
                Self.options(["\(base)/"]) { $0.fetchPolicy.allowPrivateNetworks = false })
            #expect(summary.failed == 1 && summary.pages == 0 && summary.skipped == 0)
            guard case .failed(let error) = events.all.first?.outcome else {
                Issue.record("expected a failure, got \(String(describing: events.all.first?.outcome))")
                return
            }
            #expect(error.kind == .usage)
            #expect(error.message.contains("loopback"), "\(error.message)")
            #expect(site.requests.isEmpty)
        }
    }

    @Test("--max-pages stops the crawl")
    func maxPages() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            let (events, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.maxPages = 2 })
            #expect(events.pagePaths.count == 2)
            #expect(site.requests.filter { $0.uri != "/robots.txt" }.count == 2)
        }
    }

    @Test("include / exclude patterns and same-path-prefix scope")
    func patterns() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            let (excluded, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.exclude = ["re:/a($|/)"] })
            #expect(Set(excluded.pagePaths) == ["/", "/b"])
            let (included, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.include = ["re:/b$"] })
            #expect(Set(included.pagePaths) == ["/", "/b"])
            let (globbed, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.exclude = ["/a", "*/deep"] })
            #expect(Set(globbed.pagePaths) == ["/", "/b"])
            let (prefixed, _) = try await Self.crawl(
                Self.options(["\(base)/a/deep"]) {
                    $0.scope = .samePathPrefix
                    $0.maxDepth = 3
                })
            #expect(Set(prefixed.pagePaths) == ["/a/deep", "/a/deeper"])
        }
    }

    @Test(
        "glob and regex patterns",
        arguments: [
            ("*.pdf", "https://a.example/x/y.pdf", true), ("*.pdf", "https://a.example/x/y.pdf?z", false),
            ("/docs/*", "https://a.example/docs/intro", true), ("/docs/*", "https://a.example/blog/docs/x", false),
            ("*/docs/*", "https://a.example/blog/docs/x", true), ("https://a.example/*", "https://a.example/q", true),
            ("https://a.example/*", "https://b.example/q", false), ("/a.b", "https://a.example/aXb", false),
            ("/p?x=1", "https://a.example/p?x=1", true), ("re:/20[0-9]{2}/", "https://a.example/2024/x", true),
        ] as [(String, String, Bool)])
    func patternSyntax(_ pattern: String, _ url: String, _ expected: Bool) throws {
        let expression = try CrawlOptions.compile(pattern, flag: "--include")
        #expect(Crawler.matches(expression, url) == expected)
    }

    @Test("an invalid pattern is a usage error naming it")
    func invalidPattern() async throws {
        let error = await #expect(throws: ChatbotError.self) {
            try await Self.crawl(Self.options(["http://127.0.0.1:9/"]) { $0.include = ["re:(unclosed"] })
        }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains("(unclosed") == true)
    }

    @Test("a canonical link elsewhere makes the page a duplicate and the canonical URL is crawled")
    func canonical() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(404))
            site.route("/", .html("<a href=\"/print?id=1\">print</a>"))
            site.route("/print?id=1", .html("<link rel=\"canonical\" href=\"/article\"><p>same</p>"))
            site.route("/article", .html("<link rel=\"canonical\" href=\"/article\"><p>same</p>"))
            let (events, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(Set(events.pagePaths) == ["/", "/article"])
            #expect(events.skipped("/print")?.contains("canonical URL is \(base)/article") == true)
        }
    }

    @Test("sitemap index (plain and gzipped sitemaps) seeds the crawl")
    func sitemaps() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(404))
            site.route(
                "/sitemap_index.xml",
                .bytes(
                    Array(
                        """
                        <sitemapindex><sitemap><loc>\(base)/sitemap1.xml</loc></sitemap>
                        <sitemap><loc>\(base)/sitemap2.xml.gz</loc></sitemap></sitemapindex>
                        """.utf8), headers: [("Content-Type", "application/xml")]))
            site.route("/sitemap1.xml", .bytes(Array("<urlset><url><loc>\(base)/one</loc></url></urlset>".utf8)))
            let gz = try Fixtures.gzip(
                Array("<urlset><url><loc>\(base)/two</loc></url><url><loc>\(base)/one</loc></url></urlset>".utf8))
            site.route("/sitemap2.xml.gz", .bytes(gz, headers: [("Content-Type", "application/gzip")]))
            site.route("/one", .html("1"))
            site.route("/two", .html("2"))
            let (events, _) = try await Self.crawl(
                Self.options([]) {
                    $0.sitemaps = [URL(string: "\(base)/sitemap_index.xml")!]
                    $0.maxDepth = 0
                })
            #expect(Set(events.pagePaths) == ["/one", "/two"])
            #expect(site.requests(for: "/one").count == 1)
        }
    }

    @Test("Sitemap lines of robots.txt seed the crawl when asked")
    func robotsSitemaps() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .text("User-agent: *\nAllow: /\nSitemap: \(base)/map.xml\n"))
            site.route("/map.xml", .bytes(Array("<urlset><url><loc>\(base)/listed</loc></url></urlset>".utf8)))
            site.route("/", .html("home"))
            site.route("/listed", .html("listed"))
            let (plain, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(plain.pagePaths == ["/"])
            let (seeded, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.sitemapsFromRobots = true })
            #expect(Set(seeded.pagePaths) == ["/", "/listed"])
        }
    }

    @Test("robots.txt 5xx and 429 disallow everything, other 4xx allow everything")
    func robotsStatus() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(503))
            site.route("/", .html("home"))
            let (blocked, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(blocked.pagePaths.isEmpty)
            #expect(blocked.skipped("/") == "disallowed by robots.txt")
            site.route("/robots.txt", .status(404))
            let (allowed, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(allowed.pagePaths == ["/"])
            site.route("/robots.txt", .status(429))
            let (throttled, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(throttled.pagePaths.isEmpty)
        }
    }

    @Test("redirects inside a crawl: a redirect to an already crawled page is not reported twice")
    func redirectDedup() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(404))
            site.route("/", .html("<a href=\"/old\">old</a> <a href=\"/new\">new</a>"))
            site.route("/old", .redirect(to: "/new", status: 301))
            site.route("/new", .html("new"))
            let (events, _) = try await Self.crawl(Self.options(["\(base)/"]) { $0.concurrency = 1 })
            #expect(events.pagePaths.filter { $0 == "/new" || $0 == "/old" }.count == 1)
        }
    }

    @Test("failures are reported per URL and the crawl goes on")
    func failures() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(404))
            site.route("/", .html("<a href=\"/missing\">m</a> <a href=\"/loop\">l</a> <a href=\"/fine\">f</a>"))
            site.route("/loop", .redirect(to: "/loop"))
            site.route("/fine", .html("fine"))
            let (events, summary) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(Set(events.pagePaths) == ["/", "/fine"])
            #expect(summary.failed == 2)
        }
    }

    @Test("the effective delay is the larger of --delay and Crawl-delay, capped")
    func crawlDelay() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .text("User-agent: chatbot\nCrawl-delay: 0.2\n"))
            site.route("/", .html("<a href=\"/x\">x</a>"))
            site.route("/x", .html("x"))
            let (events, _) = try await Self.crawl(Self.options(["\(base)/"]))
            #expect(Set(events.pagePaths) == ["/", "/x"])
        }
        #expect(Crawler.effectiveDelay(configured: .milliseconds(500), crawlDelay: 2, cap: .seconds(30)) == .seconds(2))
        #expect(Crawler.effectiveDelay(configured: .seconds(1), crawlDelay: 0.5, cap: .seconds(30)) == .seconds(1))
        #expect(Crawler.effectiveDelay(configured: .zero, crawlDelay: 3600, cap: .seconds(30)) == .seconds(30))
        #expect(
            Crawler.effectiveDelay(configured: .milliseconds(100), crawlDelay: nil, cap: .seconds(30))
                == .milliseconds(100))
    }
}

@Suite("Crawler politeness")
struct CrawlerPolitenessTests {
    @Test("per-host concurrency holds however many fetches run overall", arguments: [1, 2])
    func perHostConcurrency(_ limit: Int) async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .status(404))
            let links = (1...6).map { "<a href=\"/p\($0)\">\($0)</a>" }.joined()
            site.route("/", .html(links))
            for index in 1...6 { site.route("/p\(index)", Response.html("p").delayed(by: .milliseconds(100))) }
            let (events, _) = try await CrawlerTests.crawl(
                CrawlerTests.options(["\(base)/"]) {
                    $0.concurrency = 6
                    $0.perHostConcurrency = limit
                })
            #expect(events.pagePaths.count == 7)
            #expect(site.maxConcurrentRequests == limit)
        }
    }

    @Test("robots.txt is fetched once per host while cached, again after the TTL")
    func robotsTTL() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .text("User-agent: *\nDisallow: /no\n"))
            let fetcher = WebFetcher()
            let policy = FetchPolicy(allowPrivateNetworks: true)
            let cached = RobotsCache(fetcher: fetcher, policy: policy)
            #expect(await cached.isAllowed(URL(string: "\(base)/yes")!))
            #expect(await !cached.isAllowed(URL(string: "\(base)/no")!))
            #expect(site.requests(for: "/robots.txt").count == 1)
            let expiring = RobotsCache(fetcher: fetcher, policy: policy, ttl: .zero)
            _ = await expiring.isAllowed(URL(string: "\(base)/a")!)
            _ = await expiring.isAllowed(URL(string: "\(base)/b")!)
            #expect(site.requests(for: "/robots.txt").count == 3)
            // Refused by the guard (private networks not allowed): not a robots.txt verdict; robots
            // allows, so the page's own fetch meets the guard and fails with its precise reason.
            let guarded = RobotsCache(fetcher: fetcher)
            #expect(await guarded.isAllowed(URL(string: "\(base)/no")!))
            #expect(site.requests(for: "/robots.txt").count == 3)
            await fetcher.shutdown()
        }
    }
}

private typealias Response = LocalTestSite.Response

/// The limit catches a lost wake-up; it is loose because on two busy cores a new task can wait a
/// long time for a thread of the shared pool.
@Suite("HostThrottle", .timeLimit(.minutes(5)))
struct HostThrottleTests {
    @Test("a full host queues the next request until a slot is released; other hosts are not held up")
    func handoff() async throws {
        let throttle = HostThrottle()
        try await throttle.acquire("a", limit: 1, delay: .zero)
        try await throttle.acquire("b", limit: 1, delay: .zero)
        let granted = Flag()
        let waiting = Task {
            try await throttle.acquire("a", limit: 1, delay: .zero)
            granted.set()
        }
        // The waiter reaches the queue and stays there: it is not granted the full host's slot.
        try #require(await Self.eventually { throttle.waiterCount(on: "a") == 1 }, "the waiter was never queued")
        #expect(!granted.isSet)
        // Another host's slot is free meanwhile.
        try await throttle.acquire("c", limit: 1, delay: .zero)
        #expect(!granted.isSet)
        throttle.release("a")
        try await waiting.value
        #expect(granted.isSet)
        #expect(throttle.waiterCount(on: "a") == 0)
        throttle.release("a")
        throttle.release("b")
        throttle.release("c")
        try await throttle.acquire("a", limit: 1, delay: .zero)
    }

    /// A flag set by one task and read by another.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Whether `condition` holds within `limit`, checked every millisecond.
    static func eventually(within limit: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }

    @Test("a cancelled waiter leaves the queue and does not take the slot")
    func cancellation() async throws {
        let throttle = HostThrottle()
        try await throttle.acquire("a", limit: 1, delay: .zero)
        let waiting = Task { try await throttle.acquire("a", limit: 1, delay: .zero) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        throttle.release("a")
        // The slot is free again: this acquire must not wait for the cancelled waiter.
        try await throttle.acquire("a", limit: 1, delay: .zero)
    }
}

@Suite("robots.txt size limit")
struct RobotsSizeTests {
    @Test("only the first 512 KiB of a huge robots.txt are parsed, not a disallow-all")
    func hugeRobots() async throws {
        try await LocalTestSite.withRunning { site, base in
            let padding = String(
                repeating: "# padding padding padding padding padding padding padding\n", count: 12_000)
            site.route("/robots.txt", .text("User-agent: *\nDisallow: /early\n" + padding + "Disallow: /late\n"))
            let fetcher = WebFetcher()
            let cache = RobotsCache(fetcher: fetcher, policy: FetchPolicy(allowPrivateNetworks: true))
            #expect(await !cache.isAllowed(URL(string: "\(base)/early")!))
            #expect(await cache.isAllowed(URL(string: "\(base)/late")!))
            #expect(await cache.isAllowed(URL(string: "\(base)/other")!))
            await fetcher.shutdown()
        }
    }
}
