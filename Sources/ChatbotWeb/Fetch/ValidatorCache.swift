public import Foundation

/// The validators of a stored response, sent back as `If-None-Match` / `If-Modified-Since` so an
/// unchanged page costs a 304 and no body.
public struct CachedValidators: Sendable, Hashable, Codable {
    /// The `ETag` header.
    public var etag: String?
    /// The `Last-Modified` header.
    public var lastModified: String?

    /// Creates validators; nil when a response carries neither header.
    public init?(etag: String?, lastModified: String?) {
        guard etag != nil || lastModified != nil else { return nil }
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Where the fetcher keeps validators between runs.
public protocol ValidatorCache: Sendable {
    /// The validators stored for `url`, if any.
    func validators(for url: URL) async -> CachedValidators?
    /// Stores (or replaces) the validators for `url`.
    func store(_ validators: CachedValidators, for url: URL) async
}
