/// What element names mean for extraction and rendering.
enum ElementClasses {
    /// Elements that flow inside a line of text.
    static let inline: Set<String> = [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd",
        "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
        "wbr", "br", "big", "acronym", "nobr", "picture",
    ]

    /// Structural elements that are boilerplate wherever they appear.
    static let boilerplate: Set<String> = ["nav", "aside", "footer", "menu", "dialog", "form", "figcaption"]

    /// ARIA roles of boilerplate regions.
    static let boilerplateRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu", "menubar",
        "toolbar", "tablist", "alert", "status", "log", "marquee",
    ]

    /// class/id words that mark boilerplate.
    static let negativeWords: Set<String> = [
        "comment", "comments", "commentlist", "respond", "reply", "replies", "disqus", "discussion", "share", "sharing",
        "shares", "social", "socials", "sharebar", "related", "recommended", "recommendations", "recirc", "outbrain",
        "taboola", "sidebar", "widget", "widgets", "footer", "nav", "navbar", "navigation", "menu", "breadcrumb",
        "breadcrumbs", "cookie", "cookies", "consent", "gdpr", "banner", "advert", "advertisement", "ad", "ads",
        "adsbygoogle", "sponsor", "sponsored", "promo", "promotion", "newsletter", "subscribe", "subscription",
        "signup",
        "popup", "modal", "overlay", "masthead", "toolbar", "pagination", "pager", "tags", "tagcloud", "taglist",
        "print", "rss", "skip", "login", "signin", "paywall", "byline", "bio", "author", "meta", "dateline", "caption",
        "credit", "credits", "hidden", "hide", "visually", "sr", "screen", "offscreen", "more", "trending",
        "popular", "topics", "follow", "newsletters", "nocontent", "noprint", "tools", "utility", "masthead",
        "header", "top", "bottom", "jump", "toc",
    ]

    /// class/id words that strongly mark boilerplate even inside content containers.
    static let strongNegativeWords: Set<String> = [
        "comment", "comments", "commentlist", "disqus", "respond", "share", "sharing", "social", "related",
        "recommended", "outbrain", "taboola", "cookie", "consent", "gdpr", "newsletter", "subscribe", "advert",
        "advertisement", "ads", "adsbygoogle", "sponsored", "promo", "breadcrumb", "breadcrumbs", "sidebar", "popup",
        "modal", "paywall", "recirc",
    ]

    /// class/id words of overlays that are never content, whatever they hold.
    static let overlayWords: Set<String> = ["modal", "popup", "newsletter", "paywall"]

    /// class/id words of cookie and consent banners.
    static let consentWords: Set<String> = ["cookie", "cookies", "consent", "gdpr", "cookiebanner", "onetrust", "cli"]

    /// class/id words of embedded posts quoted by an article.
    static let embedWords: Set<String> = ["embed", "embedded", "tweet", "twitter-tweet", "instagram-media"]

    /// class/id words that mark the content.
    static let positiveWords: Set<String> = [
        "article", "content", "main", "body", "entry", "post", "story", "text", "blog", "prose", "richtext",
        "articlebody",
        "postbody", "storybody", "page",
    ]

    /// Category bits of class/id words (``wordCategories``).
    static let negativeCategory: UInt8 = 1
    static let strongNegativeCategory: UInt8 = 2
    static let positiveCategory: UInt8 = 4
    static let embedCategory: UInt8 = 8
    static let consentCategory: UInt8 = 16
    static let overlayCategory: UInt8 = 32

    /// Every class/id word of the sets above with the categories it belongs to: one hash per word.
    static let wordCategories: [String: UInt8] = {
        var result: [String: UInt8] = [:]
        let sets: [(Set<String>, UInt8)] = [
            (negativeWords, negativeCategory), (strongNegativeWords, strongNegativeCategory),
            (positiveWords, positiveCategory), (embedWords, embedCategory), (consentWords, consentCategory),
            (overlayWords, overlayCategory),
        ]
        for (words, category) in sets {
            for word in words { result[word, default: 0] |= category }
        }
        return result
    }()

    /// Whether the element is marked as an article body: `itemprop="articleBody"`, or a class/id
    /// token naming an article/entry/post/story together with body/content/text.
    static func marksArticleBody(_ node: HTMLNode) -> Bool {
        if let itemprop = node.attribute("itemprop"), itemprop.lowercased() == "articlebody" { return true }
        for name in ["class", "id"] {
            guard let value = node.attribute(name), !value.isEmpty else { continue }
            if value.utf8.contains(where: { $0 >= 0x80 }) {
                // Non-ASCII names: Unicode lower-casing and character comparison, as always.
                for token in value.lowercased().split(separator: " ") {
                    let subject = ["article", "entry", "post", "story"].contains { token.contains($0) }
                    let body = ["body", "content", "text"].contains { token.contains($0) }
                    if subject && body && !notBodyParts.contains(where: { token.contains($0) }) { return true }
                }
                continue
            }
            let bytes = value.utf8.map(TextScanning.lowered)
            for token in bytes.split(separator: 0x20) {
                let subject = subjectBytes.contains { TextScanning.contains(token, $0) }
                guard subject, bodyBytes.contains(where: { TextScanning.contains(token, $0) }) else { continue }
                if !notBodyPartBytes.contains(where: { TextScanning.contains(token, $0) }) { return true }
            }
        }
        return false
    }

    private static let subjectBytes: [[UInt8]] = ["article", "entry", "post", "story"].map { Array($0.utf8) }
    private static let bodyBytes: [[UInt8]] = ["body", "content", "text"].map { Array($0.utf8) }
    private static let notBodyPartBytes: [[UInt8]] = notBodyParts.map { Array($0.utf8) }

    /// Parts of class names that describe something other than the body itself.
    static let notBodyParts = [
        "related", "comment", "teaser", "promo", "sidebar", "share", "meta", "header", "footer", "title", "image",
        "photo", "caption", "author", "tag", "nav", "list", "widget", "recommend", "more", "card", "thumb", "preview",
        "summary", "excerpt", "wrapper-top",
    ]

    /// Splits class and id values into lower-case words (`article-body__text` → article, body, text;
    /// `articleBody` → article, body, articlebody).
    static func words(of node: HTMLNode) -> [String] {
        var result: [String] = []
        for name in ["class", "id"] {
            guard let value = node.attribute(name), !value.isEmpty else { continue }
            for token in value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                result.append(String(decoding: token, as: UTF8.self).lowercased())
                // Parts: split at non-alphanumerics and at lower→upper case changes (ASCII).
                var current: [UInt8] = []
                var previousLower = false
                for byte in token {
                    let isUpper = byte >= 0x41 && byte <= 0x5A
                    let isLower = byte >= 0x61 && byte <= 0x7A
                    let isAlphanumeric = isUpper || isLower || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
                    if isAlphanumeric {
                        if isUpper && previousLower && !current.isEmpty {
                            result.append(String(decoding: current, as: UTF8.self))
                            current.removeAll(keepingCapacity: true)
                        }
                        current.append(isUpper ? byte + 32 : byte)
                        previousLower = isLower
                    } else {
                        if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
                        current.removeAll(keepingCapacity: true)
                        previousLower = false
                    }
                }
                if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
            }
        }
        return result
    }
}
