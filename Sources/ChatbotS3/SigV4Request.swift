/// The parts of an HTTP request that AWS Signature Version 4 covers, unencoded.
///
/// ``SigV4Signer`` derives both the canonical request and the URL to send from the same parts,
/// so what is signed is exactly what goes on the wire.
public struct SigV4Request: Sendable, Hashable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// `http` or `https`.
    public var scheme: String
    /// The `Host` header value: the host name, plus `:port` when the port is not the scheme's default.
    public var host: String
    /// The path, unencoded and starting with `/` (e.g. `/bucket/some key`).
    public var path: String
    /// The query parameters, unencoded; order does not matter.
    public var query: [(name: String, value: String)]
    /// Headers to sign besides `host` (names in any case; values are trimmed when signed).
    public var headers: [(name: String, value: String)]

    /// Creates a request from its parts.
    public init(
        method: String,
        scheme: String = "https",
        host: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
        self.headers = headers
    }

    /// The path as it is sent: every byte except RFC 3986 unreserved characters and `/` is `%XX`.
    public var encodedPath: String { SigV4Signer.uriEncode(path, keepSlash: true) }

    /// The query as it is sent and signed: pairs encoded, then sorted by name and value.
    public var canonicalQuery: String {
        query
            .map {
                (SigV4Signer.uriEncode($0.name, keepSlash: false), SigV4Signer.uriEncode($0.value, keepSlash: false))
            }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The full URL: scheme, host, encoded path and canonical query.
    public var urlString: String {
        let query = canonicalQuery
        return "\(scheme)://\(host)\(encodedPath)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Equality by every part, in order.
    public static func == (lhs: SigV4Request, rhs: SigV4Request) -> Bool {
        lhs.method == rhs.method && lhs.scheme == rhs.scheme && lhs.host == rhs.host && lhs.path == rhs.path
            && lhs.query.elementsEqual(rhs.query, by: { $0 == $1 })
            && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
    }

    /// Hashes every part.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(scheme)
        hasher.combine(host)
        hasher.combine(path)
        for item in query {
            hasher.combine(item.name)
            hasher.combine(item.value)
        }
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}
