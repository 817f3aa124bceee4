import ChatbotCore
import ChatbotHTML
public import ChatbotStorage
public import ChatbotWeb
import Foundation

/// Fetches (and with a depth or sitemap, crawls) URLs into a collection through an
/// ``Ingestor``: HTML pages by their main content, PDFs and office files by the document
/// extractor.
///
/// Re-ingesting is cheap: with ``FetchPolicy/conditional`` the fetcher sends the validators of
/// the last visit, an unchanged page answers 304 and stays `unchanged` without a body, and its
/// links (kept in the document's metadata) let the crawl go on past it.
public struct WebIngestion: Sendable {
    private let ingestor: Ingestor
    private let store: any DatabaseStore

    /// Creates a web ingestion writing through `ingestor` into `store`.
    public init(ingestor: Ingestor, store: any DatabaseStore) {
        self.ingestor = ingestor
        self.store = store
    }

    /// Runs one crawl; `onResult` gets each page's result as it is stored. Returns the sources
    /// seen (for ``Ingestor/prune(seen:roots:)``).
    public func run(
        _ options: CrawlOptions, fetcher: WebFetcher, onResult: (IngestItemResult) async throws -> Void
    ) async throws -> Set<String> {
        let collection = ingestor.options.collection
        let stored = try await store.documents.documents(collection: collection)
        let known = Dictionary(stored.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        let storedLinks = Dictionary(
            stored.map { ($0.source, Self.links(fromMetadata: $0.metadata)) }, uniquingKeysWith: { first, _ in first })
        let crawler = Crawler(fetcher: fetcher, options: options) { page in
            Self.links(of: page, stored: storedLinks)
        }
        let seeds = Set(options.seeds.map(\.absoluteString))
        var seen: Set<String> = []
        _ = try await crawler.run { event in
            let source = event.url.absoluteString
            switch event.outcome {
            case .page(let page):
                seen.insert(source)
                if page.notModified {
                    if let document = known[source] {
                        try await onResult(
                            IngestItemResult(
                                source: source, status: .unchanged, format: document.mediaType, title: document.title,
                                bytes: document.size))
                        return
                    }
                    // Validators from another collection's visit: fetch the whole page.
                    var policy = options.fetchPolicy
                    policy.conditional = false
                    do {
                        let full = try await fetcher.fetch(event.url, policy: policy)
                        try await onResult(await ingest(full, source: source))
                    } catch let error as ChatbotError {
                        try await onResult(IngestItemResult(source: source, status: .failed, reason: error.message))
                    }
                    return
                }
                try await onResult(await ingest(page, source: source))
            case .skipped(let reason):
                if seeds.contains(source) {
                    seen.insert(source)
                    try await onResult(IngestItemResult(source: source, status: .failed, reason: reason))
                }
            case .failed(let error):
                seen.insert(source)
                try await onResult(IngestItemResult(source: source, status: .failed, reason: error.message))
            }
        }
        return seen
    }

    private func ingest(_ page: FetchedPage, source: String) async -> IngestItemResult {
        await ingestor.ingest(
            IngestSource(
                id: source,
                content: .web(body: Data(page.body), url: page.finalURL, contentType: page.headers["content-type"])))
    }

    /// The links a crawl may follow from `page`: extracted from HTML, or for a 304 the ones
    /// stored at the last visit.
    static func links(of page: FetchedPage, stored: [String: [URL]]) -> ExtractedLinks {
        if page.notModified {
            return ExtractedLinks(
                links: stored[page.requestedURL.absoluteString] ?? stored[page.finalURL.absoluteString] ?? [])
        }
        guard Ingestor.isHTML(contentType: page.headers["content-type"], body: Data(page.body.prefix(512))),
            let extracted = try? HTMLExtractor().extract(
                data: Data(page.body), baseURL: page.finalURL, contentType: page.headers["content-type"],
                source: page.finalURL.absoluteString)
        else { return ExtractedLinks(links: []) }
        return ExtractedLinks(
            links: extracted.links.filter { !$0.nofollow }.compactMap { URL(string: $0.url) },
            canonical: extracted.metadata.canonicalURL.flatMap { URL(string: $0) })
    }

    static func links(fromMetadata json: String) -> [URL] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let links = object["links"] as? [String]
        else { return [] }
        return links.compactMap { URL(string: $0) }
    }
}
