public import Foundation

/// One fetched response after redirects and content decoding.
public struct FetchedPage: Sendable {
    /// One redirect that was followed.
    public struct Redirect: Sendable, Hashable {
        /// The URL that answered with a redirect.
        public var from: URL
        /// The status (301, 302, 303, 307, 308).
        public var status: Int
        /// Where it pointed, resolved against ``from``.
        public var to: URL
    }

    /// The URL asked for.
    public var requestedURL: URL
    /// The URL that gave this response, after redirects.
    public var finalURL: URL
    /// The HTTP status of the final response.
    public var status: Int
    /// Response headers, names lowercased, repeated headers joined with `, `.
    public var headers: [String: String]
    /// The decoded body (empty for a 304).
    public var body: [UInt8]
    /// The charset the page declares (BOM, then `Content-Type`, then `<meta>`), lowercased.
    public var charset: String?
    /// Where ``charset`` came from.
    public var charsetSource: CharsetDetector.Source?
    /// The redirects followed, in order.
    public var redirects: [Redirect]
    /// True when the server answered 304 Not Modified to a conditional request: the copy the
    /// caller already has is current.
    public var notModified: Bool
    /// True when the body was cut at ``FetchPolicy/maxBodyBytes`` because the policy allows
    /// truncation (robots.txt does; pages do not by default).
    public var truncated: Bool = false

    /// The `Content-Type` media type without parameters, lowercased (`text/html`).
    public var mediaType: String? {
        headers["content-type"].map {
            $0.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        }
    }

    /// The body as text in ``charset`` (UTF-8 when none is declared or the label is unknown);
    /// bytes that do not decode become U+FFFD.
    public var text: String {
        TextDecoding.decode(body, charset: charset)
    }
}
