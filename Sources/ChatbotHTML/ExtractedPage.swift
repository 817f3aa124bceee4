/// The result of extracting one page: metadata, the main content as Markdown and as plain text,
/// and the page's links.
public struct ExtractedPage: Sendable, Hashable, Codable {
    /// The page title (from ``metadata``).
    public var title: String?
    /// Everything the page says about itself.
    public var metadata: PageMetadata
    /// The main content as Markdown (headings, lists, tables, code, links, emphasis).
    public var markdown: String
    /// The main content as plain text (paragraphs separated by blank lines).
    public var text: String
    /// Every link of the page (not only of the main content), resolved against the base URL.
    public var links: [PageLink]
    /// The charset the page was decoded from.
    public var charset: String

    /// Creates a result.
    public init(
        title: String?, metadata: PageMetadata, markdown: String, text: String, links: [PageLink], charset: String
    ) {
        self.title = title
        self.metadata = metadata
        self.markdown = markdown
        self.text = text
        self.links = links
        self.charset = charset
    }
}
