/// What a page says about itself: from `<title>`, `<meta>` (name, property, itemprop),
/// OpenGraph, `<link rel="canonical">`, `<html lang>` and JSON-LD (including `@graph` arrays).
public struct PageMetadata: Sendable, Hashable, Codable {
    /// The page title (OpenGraph or JSON-LD headline first, then `<title>`).
    public var title: String?
    /// The author or authors, comma-separated.
    public var author: String?
    /// The publication date as the page gives it (usually ISO 8601).
    public var date: String?
    /// The page's description.
    public var description: String?
    /// The content language (e.g. `en`, `de-AT`).
    public var language: String?
    /// The canonical URL, resolved against the base URL.
    public var canonicalURL: String?
    /// The site's name.
    public var siteName: String?
    /// The main image, resolved against the base URL.
    public var image: String?

    /// Creates metadata.
    public init(
        title: String? = nil, author: String? = nil, date: String? = nil, description: String? = nil,
        language: String? = nil, canonicalURL: String? = nil, siteName: String? = nil, image: String? = nil
    ) {
        self.title = title
        self.author = author
        self.date = date
        self.description = description
        self.language = language
        self.canonicalURL = canonicalURL
        self.siteName = siteName
        self.image = image
    }

    enum CodingKeys: String, CodingKey {
        case title, author, date, description, language
        case canonicalURL = "canonical_url"
        case siteName = "site_name"
        case image
    }
}
