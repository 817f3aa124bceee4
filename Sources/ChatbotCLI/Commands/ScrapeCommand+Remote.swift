import ArgumentParser
import ChatbotCore
import ChatbotHTML
import ChatbotWeb
import Foundation
import Logging
import Synchronization

/// The flags of `chatbot scrape` that apply to URLs: crawling, politeness and safety.
struct ScrapeWebOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Links to follow from each URL (0: only the URLs given).", valueName: "n"))
    var depth = 0

    @Option(help: ArgumentHelp("Stop after this many pages.", valueName: "n"))
    var maxPages = 100

    @Option(
        help: ArgumentHelp(
            "Which links may be followed: same-host, same-prefix, or a pattern (glob, or re:REGEX).",
            valueName: "scope"))
    var scope = "same-host"

    @Option(help: ArgumentHelp("Follow only links matching this pattern (repeatable).", valueName: "pattern"))
    var include: [String] = []

    @Option(help: ArgumentHelp("Never follow links matching this pattern (repeatable).", valueName: "pattern"))
    var exclude: [String] = []

    @Option(
        help: ArgumentHelp(
            "Seed the crawl from a sitemap.xml or sitemap index (gzipped too); `auto` reads robots.txt's Sitemap lines.",
            valueName: "url"))
    var sitemap: [String] = []

    @Flag(help: "Allow loopback, private and link-local addresses (your own intranet).")
    var allowPrivate = false

    @Option(help: ArgumentHelp("Least seconds between two requests to one host.", valueName: "seconds"))
    var delay = 0.5

    @Option(help: ArgumentHelp("Fetches in flight at once.", valueName: "n"))
    var concurrency = 4

    @Option(help: ArgumentHelp("Fetches in flight at once on one host.", valueName: "n"))
    var perHost = 2

    @Option(help: ArgumentHelp("Seconds for a whole fetch, redirects and body included.", valueName: "seconds"))
    var timeout = 30.0

    @Option(help: ArgumentHelp("Seconds to open a connection.", valueName: "seconds"))
    var connectTimeout = 10.0

    @Option(help: ArgumentHelp("Largest decoded body, in bytes.", valueName: "bytes"))
    var maxBytes = 10 * 1_048_576

    @Option(help: ArgumentHelp("The User-Agent header (robots.txt is still matched as `chatbot`).", valueName: "text"))
    var userAgent: String?

    func validate() throws {
        guard depth >= 0 else { throw ValidationError("--depth must be 0 or more") }
        guard maxPages > 0, concurrency > 0, perHost > 0, maxBytes > 0 else {
            throw ValidationError("--max-pages, --concurrency, --per-host and --max-bytes must be above 0")
        }
        guard delay >= 0, timeout > 0, connectTimeout > 0 else {
            throw ValidationError("--delay must be 0 or more, --timeout and --connect-timeout above 0")
        }
    }

    /// The crawl these flags describe, starting at `seeds`.
    func crawlOptions(seeds: [URL]) throws -> CrawlOptions {
        let crawlScope: CrawlScope
        switch scope {
        case "same-host": crawlScope = .sameHost
        case "same-prefix": crawlScope = .samePathPrefix
        default: crawlScope = try .patterns([scope])
        }
        let sitemaps = try sitemap.filter { $0 != "auto" }.map { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw ChatbotError(.usage, "--sitemap needs an http(s) URL or `auto`, got '\(text)'")
            }
            return url
        }
        let policy = FetchPolicy(
            allowPrivateNetworks: allowPrivate, maxBodyBytes: maxBytes,
            connectTimeout: Self.duration(connectTimeout), totalTimeout: Self.duration(timeout),
            userAgent: userAgent ?? WebUserAgent.default,
            conditional: false)  // scrape keeps no copy of a page, so a 304 would leave it empty-handed
        return CrawlOptions(
            seeds: seeds, sitemaps: sitemaps, sitemapsFromRobots: sitemap.contains("auto"), maxDepth: depth,
            maxPages: maxPages, scope: crawlScope, include: include, exclude: exclude, concurrency: concurrency,
            perHostConcurrency: perHost, delay: Self.duration(delay), fetchPolicy: policy)
    }

    private static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64(seconds * 1000)) }
}

extension ScrapeCommand {
    /// Fetches (and with --depth or --sitemap, crawls from) `urls`, printing each page as it
    /// arrives. Pages that fail are reported on stderr and counted in `failures`.
    func scrapeRemote(_ urls: [String], printed: inout Int, failures: inout [ChatbotError]) async throws {
        let seeds = try urls.map { text in
            guard let url = URL(string: text), url.host != nil else {
                throw ChatbotError(.usage, "'\(text)' is not a valid URL")
            }
            return url
        }
        let options = try web.crawlOptions(seeds: seeds)
        var logger = Logger(label: "chatbot.scrape")
        logger.logLevel = .warning
        let fetcher = WebFetcher(logger: logger)
        // Each page is parsed and extracted once, when the crawler asks for its links (on the
        // crawl's own tasks); the printer below takes the result.
        let extracted = ExtractedPages()
        let crawler = Crawler(fetcher: fetcher, options: options) { page in extracted.extractLinks(of: page) }
        let seedSet = Set(seeds.map(\.absoluteString))
        var printedCount = printed
        var failed: [ChatbotError] = []
        // One page asked for: its failure becomes the command's error, printed once at the end.
        let report = !quiet && !(inputs.count == 1 && web.depth == 0 && web.sitemap.isEmpty)
        do {
            try await crawler.run { event in
                switch event.outcome {
                case .page(let page):
                    guard Self.isHTML(page) else {
                        let reason = "\(event.url.absoluteString): not an HTML page (\(page.mediaType ?? "no type"))"
                        if report { StandardError.write("chatbot: skipped \(reason)\n") }
                        if seedSet.contains(event.url.absoluteString) { failed.append(ChatbotError(.runtime, reason)) }
                        return
                    }
                    let result = try extracted.take(page) ?? ExtractedPages.extract(page)
                    try emit(
                        result, input: event.url.absoluteString, separator: printedCount > 0,
                        remote: RemoteSource(
                            url: event.url.absoluteString, finalURL: page.finalURL.absoluteString, status: page.status))
                    printedCount += 1
                case .skipped(let reason):
                    if report { StandardError.write("chatbot: skipped \(event.url.absoluteString): \(reason)\n") }
                    if seedSet.contains(event.url.absoluteString) {
                        failed.append(ChatbotError(.runtime, "\(event.url.absoluteString): \(reason)"))
                    }
                case .failed(let error):
                    if report { StandardError.write("chatbot: \(error.message)\n") }
                    failed.append(error)
                }
            }
        } catch {
            await fetcher.shutdown()
            throw error
        }
        await fetcher.shutdown()
        printed = printedCount
        failures += failed
    }

    static func isHTML(_ page: FetchedPage) -> Bool {
        guard let type = page.mediaType, !type.isEmpty else { return true }
        return type == "text/html" || type == "application/xhtml+xml" || type.hasSuffix("+xml") && type.contains("html")
    }
}

/// Pages extracted while the crawler asked for their links, kept until they are printed.
final class ExtractedPages: Sendable {
    private let pages = Mutex<[String: ExtractedPage]>([:])

    /// Extracts `page` (remembering the result) and returns the links a crawl may follow from it
    /// (not nofollow ones) and its canonical URL.
    func extractLinks(of page: FetchedPage) -> ExtractedLinks {
        guard ScrapeCommand.isHTML(page), let result = try? Self.extract(page) else { return ExtractedLinks(links: []) }
        pages.withLock { $0[page.finalURL.absoluteString] = result }
        return ExtractedLinks(
            links: result.links.filter { !$0.nofollow }.compactMap { URL(string: $0.url) },
            canonical: result.metadata.canonicalURL.flatMap { URL(string: $0) })
    }

    /// The extraction remembered for `page`, removed; `nil` when there is none (extract then).
    func take(_ page: FetchedPage) -> ExtractedPage? {
        pages.withLock { $0.removeValue(forKey: page.finalURL.absoluteString) }
    }

    /// Extracts the main content of a fetched HTML page.
    static func extract(_ page: FetchedPage) throws -> ExtractedPage {
        try HTMLExtractor().extract(
            data: Data(page.body), baseURL: page.finalURL, contentType: page.headers["content-type"],
            source: page.finalURL.absoluteString)
    }
}

/// Where a fetched page came from, for `--format json|ndjson`.
struct RemoteSource {
    let url: String
    let finalURL: String
    let status: Int
}
