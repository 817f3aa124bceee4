public import AsyncHTTPClient
import NIOCore

/// How long a chat request may take, phase by phase.
public struct ProviderTimeouts: Sendable, Hashable {
    /// How long establishing the connection may take. Enforced by the `HTTPClient`
    /// (see ``httpClientConfiguration()``) and, together with ``idle``, bounds the wait for the
    /// response head.
    public var connect: Duration
    /// How long the provider may send nothing: before the response head (after ``connect``) and
    /// between body chunks. A stalled stream fails with ``ProviderError/Kind/idleTimeout``.
    public var idle: Duration
    /// How long the whole request may take, or `nil` for no limit (long answers are legitimate).
    public var request: Duration?

    /// Creates timeouts; the defaults are 10 s to connect, 60 s idle, no overall limit.
    public init(connect: Duration = .seconds(10), idle: Duration = .seconds(60), request: Duration? = nil) {
        self.connect = connect
        self.idle = idle
        self.request = request
    }

    /// The `HTTPClient` configuration these timeouts expect: the connect timeout set, and a
    /// refused connection reported at once instead of retried inside the client until the
    /// connect timeout expires, so that the fallback chain (or starting the local server) can act
    /// on it immediately. Retries are ``RetryPolicy``'s job. Up to ``connectionsPerHost``
    /// requests run at once against one provider: the client's default (8) queued the ninth
    /// concurrent answer of `chatbot serve` behind the first eight.
    public func httpClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .init(connect))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionsPerHost
        return configuration
    }

    /// The connections kept open to one provider host, and so the requests in flight to it.
    public static let connectionsPerHost = 1024
}
