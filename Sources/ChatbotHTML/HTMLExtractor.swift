public import Foundation

/// Extracts the main content and metadata of HTML pages. Stateless; safe to share.
public struct HTMLExtractor: Sendable {
    /// Creates an extractor.
    public init() {}

    /// Parses and extracts one page.
    ///
    /// - Parameters:
    ///   - data: The page's bytes as received.
    ///   - baseURL: The page's URL, against which links and images are resolved.
    ///   - contentType: The HTTP `Content-Type` value (its charset is used first), if any.
    ///   - charset: A charset that overrides detection.
    ///   - source: A name for the input in error messages.
    /// - Throws: ``ChatbotCore/ChatbotError`` when `charset` is unknown.
    public func extract(
        data: Data, baseURL: URL? = nil, contentType: String? = nil, charset: String? = nil, source: String = "input"
    ) throws -> ExtractedPage {
        let document = try HTMLDocument(data: data, contentType: contentType, charset: charset, source: source)
        return extract(document: document, baseURL: baseURL)
    }

    /// Extracts one parsed page. The document's nodes carry scratch state afterwards; extract a
    /// document once.
    public func extract(document: HTMLDocument, baseURL: URL? = nil) -> ExtractedPage {
        let base = LinkExtractor.effectiveBase(of: document, baseURL: baseURL)
        let metadata = MetadataExtractor.metadata(of: document, baseURL: base)
        let links = LinkExtractor.links(in: document, baseURL: baseURL)
        let contentExtractor = ContentExtractor()
        let nodes = contentExtractor.contentNodes(of: document.body, title: metadata.title)
        contentExtractor.pruneBeforeTitle(in: nodes, title: metadata.title)
        let headingTitle = metadata.title
        let markdown = ContentRenderer(mode: .markdown, baseURL: base, title: headingTitle).render(nodes)
        let text = ContentRenderer(mode: .text, baseURL: base, title: headingTitle).render(nodes)
        return ExtractedPage(
            title: metadata.title, metadata: metadata, markdown: markdown, text: text, links: links,
            charset: document.charset)
    }
}
