/// How one fetch behaves: what it may reach, how long it may take, how much it may read.
///
/// The defaults are the safe ones for URLs that come from other people (the server, a shared
/// crawl list): private networks refused, 5 redirects, 10 MiB decoded, 10 s to connect, 30 s in all.
public struct FetchPolicy: Sendable {
    /// Private and special addresses are reachable (the CLI's `--allow-private`). Off by default.
    public var allowPrivateNetworks: Bool
    /// `host:port` pairs reachable whatever their address, e.g. one intranet mirror or a test site.
    public var allowedHostPorts: Set<String>
    /// The most redirects followed before giving up (each hop is checked again).
    public var maxRedirects: Int
    /// The most bytes a body may have after decoding (also the most read before decoding).
    public var maxBodyBytes: Int
    /// Time allowed to open a connection.
    public var connectTimeout: Duration
    /// Time allowed for the whole fetch, redirects and body included.
    public var totalTimeout: Duration
    /// The `User-Agent` header.
    public var userAgent: String
    /// Send `If-None-Match` / `If-Modified-Since` from the fetcher's validator cache, and store the
    /// validators of each 200 response.
    public var conditional: Bool
    /// Keep the first ``maxBodyBytes`` of a larger body (``FetchedPage/truncated``) instead of
    /// failing. Off by default; robots.txt is read this way (RFC 9309 §2.5: at least 500 KiB).
    public var truncateOversizedBodies = false

    /// Creates a policy; every parameter has the safe default.
    public init(
        allowPrivateNetworks: Bool = false,
        allowedHostPorts: Set<String> = [],
        maxRedirects: Int = 5,
        maxBodyBytes: Int = 10 * 1024 * 1024,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        userAgent: String = WebUserAgent.default,
        conditional: Bool = true
    ) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedHostPorts = allowedHostPorts
        self.maxRedirects = maxRedirects
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.userAgent = userAgent
        self.conditional = conditional
    }
}
