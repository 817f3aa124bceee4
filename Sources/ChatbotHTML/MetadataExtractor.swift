public import Foundation

/// Reads ``PageMetadata`` from a document.
public enum MetadataExtractor {
    /// The metadata of `document`; URLs are resolved against `baseURL` when given.
    public static func metadata(of document: HTMLDocument, baseURL: URL? = nil) -> PageMetadata {
        var meta: [String: String] = [:]
        var titleElement: String?
        var canonical: String?
        var timeElement: String?
        var bylineAuthor: String?
        var stack: [HTMLNode] = [document.root]
        while let node = stack.popLast() {
            guard node.kind == .element else { continue }
            switch node.name {
            case "meta":
                let key = (node.attribute("property") ?? node.attribute("name") ?? node.attribute("itemprop"))?
                    .lowercased()
                if let key, let content = node.attribute("content").map(TextScanning.trimmed),
                    !content.isEmpty, meta[key] == nil
                {
                    meta[key] = content
                }
                if let equiv = node.attribute("http-equiv")?.lowercased(), equiv == "content-language",
                    let content = node.attribute("content"), meta["content-language"] == nil
                {
                    meta["content-language"] = content
                }
            case "title":
                if titleElement == nil, node.parent?.name != "svg" { titleElement = collapse(node.textContent) }
            case "link":
                if canonical == nil, let rel = node.attribute("rel")?.lowercased(),
                    rel.split(separator: " ").contains("canonical"), let href = node.attribute("href")
                {
                    canonical = href
                }
            case "time":
                if timeElement == nil, let value = node.attribute("datetime"), !value.isEmpty { timeElement = value }
            default:
                if bylineAuthor == nil, let rel = node.attribute("rel"), rel == "author" {
                    let text = collapse(node.textContent)
                    if !text.isEmpty && text.count < 80 { bylineAuthor = text }
                }
            }
            HTMLNode.pushReversed(node.children, onto: &stack)
        }
        let jsonLD = JSONLDMetadata(scripts: document.jsonLD)

        var result = PageMetadata()
        result.title = first(
            meta["og:title"], jsonLD.headline, meta["twitter:title"], meta["dc.title"], titleElement)
        result.author = first(
            jsonLD.author, meta["author"], meta["article:author"].flatMap { $0.hasPrefix("http") ? nil : $0 },
            meta["dc.creator"], meta["byl"].map { $0.replacingOccurrences(of: "By ", with: "") },
            meta["parsely-author"],
            meta["sailthru.author"], bylineAuthor)
        result.date = first(
            meta["article:published_time"], jsonLD.datePublished, meta["datepublished"], meta["date"],
            meta["dc.date"], meta["dc.date.issued"], meta["pubdate"], meta["publishdate"], meta["og:published_time"],
            meta["sailthru.date"], meta["parsely-pub-date"], timeElement, meta["article:modified_time"],
            jsonLD.dateModified)
        result.description = first(
            meta["description"], meta["og:description"], jsonLD.description, meta["twitter:description"],
            meta["dc.description"])
        let lang = document.root.attribute("lang") ?? document.root.attribute("xml:lang")
        result.language = first(lang, meta["content-language"], meta["og:locale"], meta["dc.language"], jsonLD.language)
            .map { $0.replacingOccurrences(of: "_", with: "-") }
        result.siteName = first(meta["og:site_name"], jsonLD.publisher, meta["application-name"])
        result.canonicalURL = first(canonical, meta["og:url"], jsonLD.url).flatMap { resolve($0, against: baseURL) }
        result.image = first(meta["og:image"], meta["twitter:image"], jsonLD.image).flatMap {
            resolve($0, against: baseURL)
        }
        return result
    }

    static func first(_ values: String?...) -> String? {
        for value in values {
            if let value {
                let cleaned = collapse(value)
                if !cleaned.isEmpty { return cleaned }
            }
        }
        return nil
    }

    static func collapse(_ text: String) -> String {
        var line = InlineText()
        line.appendText(text)
        return line.finished()
    }

    static func resolve(_ reference: String, against base: URL?) -> String? {
        let trimmed = TextScanning.trimmed(reference)
        guard !trimmed.isEmpty else { return nil }
        if let url = URL(string: trimmed, relativeTo: base), url.scheme != nil { return url.absoluteString }
        return base == nil ? trimmed : nil
    }
}

/// The fields of the page's JSON-LD objects that describe the page (Article, NewsArticle,
/// BlogPosting, WebPage, …), searched through arrays and `@graph`.
struct JSONLDMetadata {
    var headline: String?
    var author: String?
    var datePublished: String?
    var dateModified: String?
    var description: String?
    var publisher: String?
    var language: String?
    var url: String?
    var image: String?

    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "scholarlyarticle", "techarticle", "report", "webpage", "liveblogposting", "review", "socialmediaposting",
        "creativework", "medicalwebpage", "qapage", "howto", "recipe", "backgroundnewsarticle",
    ]

    init(scripts: [String]) {
        var objects: [[String: Any]] = []
        for script in scripts {
            let data = Data(TextScanning.trimmed(script).utf8)
            guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
                continue
            }
            Self.collect(value, into: &objects, depth: 0)
        }
        // Article-like objects first, then anything else.
        let ranked =
            objects.filter { Self.isArticle($0) && !Self.isWebPage($0) } + objects.filter { Self.isWebPage($0) }
            + objects.filter { !Self.isArticle($0) }
        for object in ranked {
            let article = Self.isArticle(object)
            if headline == nil, article { headline = Self.string(object["headline"]) ?? Self.string(object["name"]) }
            if author == nil, article { author = Self.names(object["author"]) ?? Self.names(object["creator"]) }
            if datePublished == nil, article { datePublished = Self.string(object["datePublished"]) }
            if dateModified == nil, article { dateModified = Self.string(object["dateModified"]) }
            if description == nil, article { description = Self.string(object["description"]) }
            if publisher == nil { publisher = Self.names(object["publisher"]) }
            if publisher == nil, Self.types(object).contains("website") || Self.types(object).contains("organization") {
                publisher = Self.string(object["name"])
            }
            if language == nil, article { language = Self.string(object["inLanguage"]) }
            if url == nil, article { url = Self.string(object["url"]) ?? Self.string(object["mainEntityOfPage"]) }
            if image == nil, article { image = Self.url(object["image"]) }
        }
    }

    private static func collect(_ value: Any, into objects: inout [[String: Any]], depth: Int) {
        guard depth < 8 else { return }
        if let array = value as? [Any] {
            for item in array { collect(item, into: &objects, depth: depth + 1) }
        } else if let object = value as? [String: Any] {
            objects.append(object)
            if let graph = object["@graph"] { collect(graph, into: &objects, depth: depth + 1) }
        }
    }

    private static func types(_ object: [String: Any]) -> [String] {
        if let type = object["@type"] as? String { return [type.lowercased()] }
        if let types = object["@type"] as? [Any] { return types.compactMap { ($0 as? String)?.lowercased() } }
        return []
    }

    private static func isArticle(_ object: [String: Any]) -> Bool {
        types(object).contains { articleTypes.contains($0) }
    }

    private static func isWebPage(_ object: [String: Any]) -> Bool {
        types(object).contains { $0 == "webpage" }
    }

    private static func string(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any] { return string(object["@id"]) ?? string(object["url"]) }
        if let array = value as? [Any], let first = array.first { return string(first) }
        return nil
    }

    private static func url(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any] { return url(object["url"]) ?? url(object["@id"]) }
        if let array = value as? [Any], let first = array.first { return url(first) }
        return nil
    }

    private static func names(_ value: Any?) -> String? {
        if let text = value as? String { return text.hasPrefix("http") ? nil : text }
        if let object = value as? [String: Any] { return object["name"] as? String }
        if let array = value as? [Any] {
            let all = array.compactMap { names($0) }
            return all.isEmpty ? nil : all.joined(separator: ", ")
        }
        return nil
    }
}
