public import ChatbotHTML
public import Foundation

/// One extracted web page as a record: what `chatbot scrape --format json|ndjson` prints, and
/// what `chatbot ingest -` reads back (one record per line). Keys are snake_case and sorted.
///
/// Reading is lenient, so that records written by other tools ingest too: the identity is
/// `url`, else `final_url`; the content is `content`, else `text`; everything else may be
/// missing.
public struct PageRecord: Sendable, Hashable, Codable {
    /// The URL asked for (or the page's file URL, or the base URL given); `nil` for stdin.
    public var url: String?
    /// The URL after redirects.
    public var finalURL: String?
    /// The HTTP status, for fetched pages.
    public var status: Int?
    /// The page title.
    public var title: String?
    /// What the page says about itself.
    public var metadata: PageMetadata
    /// The main content as Markdown.
    public var content: String
    /// The main content as plain text.
    public var text: String
    /// The links of the page.
    public var links: [PageLink]
    /// The character set the page was decoded from.
    public var charset: String
    /// The input as given (a path, `-`, or a URL).
    public var source: String

    /// A record of `page`, read from `source`.
    public init(page: ExtractedPage, source: String, url: String?, finalURL: String?, status: Int?) {
        self.url = url
        self.finalURL = finalURL
        self.status = status
        title = page.title
        metadata = page.metadata
        content = page.markdown
        text = page.text
        links = page.links
        charset = page.charset
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case url
        case finalURL = "final_url"
        case status, title, metadata, content, text, links, charset, source
    }

    /// Encodes every key, `null` included, as `scrape --format json` has always printed them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(finalURL, forKey: .finalURL)
        try container.encode(status, forKey: .status)
        try container.encode(title, forKey: .title)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(content, forKey: .content)
        try container.encode(text, forKey: .text)
        try container.encode(links, forKey: .links)
        try container.encode(charset, forKey: .charset)
        try container.encode(source, forKey: .source)
    }

    /// Decodes leniently (see the type's description).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        finalURL = try container.decodeIfPresent(String.self, forKey: .finalURL)
        guard url != nil || finalURL != nil else {
            throw DecodingError.keyNotFound(CodingKeys.url, .init(codingPath: [], debugDescription: "no url"))
        }
        status = try? container.decodeIfPresent(Int.self, forKey: .status)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        metadata = (try? container.decodeIfPresent(PageMetadata.self, forKey: .metadata)) ?? PageMetadata()
        let content = try container.decodeIfPresent(String.self, forKey: .content)
        let text = try container.decodeIfPresent(String.self, forKey: .text)
        guard let body = content ?? text else {
            throw DecodingError.keyNotFound(CodingKeys.content, .init(codingPath: [], debugDescription: "no content"))
        }
        self.content = body
        self.text = text ?? body
        links = (try? container.decodeIfPresent([PageLink].self, forKey: .links)) ?? []
        charset = (try? container.decodeIfPresent(String.self, forKey: .charset)) ?? "utf-8"
        source = (try? container.decodeIfPresent(String.self, forKey: .source)) ?? url ?? finalURL ?? ""
    }

    /// The record's identity in a collection: its URL, else its final URL.
    public var identity: String { url ?? finalURL ?? source }

    /// The record as a source to ingest (its Markdown, titled, cited by its URL).
    public var ingestSource: IngestSource {
        IngestSource(id: identity, content: .markdown(content, title: title, url: identity))
    }

    /// The records, when every non-empty line of `data` is one; `nil` otherwise (the data is
    /// then one document).
    public static func records(inLines data: Data) -> [PageRecord]? {
        guard data.first(where: { !$0.isJSONWhitespace }) == UInt8(ascii: "{") else { return nil }
        var records: [PageRecord] = []
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) where line.contains(where: { !$0.isJSONWhitespace }) {
            guard let record = try? decoder.decode(PageRecord.self, from: Data(line)) else { return nil }
            records.append(record)
        }
        return records.isEmpty ? nil : records
    }
}

extension UInt8 {
    fileprivate var isJSONWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
