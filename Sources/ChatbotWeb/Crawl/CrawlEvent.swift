public import ChatbotCore
public import Foundation

/// What happened to one URL during a crawl, reported as it happens.
public struct CrawlEvent: Sendable {
    /// The result for the URL.
    public enum Outcome: Sendable {
        /// Fetched with a 2xx (or 304) status.
        case page(FetchedPage)
        /// Not fetched, or fetched but not reported as a page: robots.txt, a canonical link
        /// pointing elsewhere, a redirect to an already crawled URL.
        case skipped(reason: String)
        /// The fetch failed or the server answered with an error status.
        case failed(ChatbotError)
    }

    /// The normalised URL that was visited.
    public var url: URL
    /// Links followed from a seed to reach it (0 for seeds and sitemap entries).
    public var depth: Int
    /// What happened.
    public var outcome: Outcome
}

/// Counts at the end of a crawl.
public struct CrawlSummary: Sendable, Hashable {
    /// Pages reported.
    public var pages = 0
    /// URLs skipped.
    public var skipped = 0
    /// URLs that failed.
    public var failed = 0
}
