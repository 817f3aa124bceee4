public import AsyncHTTPClient
public import NIOCore

extension S3Client {
    /// The `HTTPClient` configuration ``S3Client`` expects: a connect timeout, and a failed
    /// connection reported at once instead of retried inside the HTTP client until the request
    /// deadline. ``S3Client`` retries by itself, within its ``S3RetryPolicy``'s budget.
    public static func httpClientConfiguration(connectTimeout: TimeAmount = .seconds(10)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// The HTTP client used when the caller passes none: ``httpClientConfiguration(connectTimeout:)``
    /// on the process-wide event loop group. Like `HTTPClient.shared` it lives as long as the
    /// process and is never shut down.
    public static var defaultHTTPClient: HTTPClient { processWideHTTPClient }
}

/// Created on first use; never shut down (see ``S3Client/defaultHTTPClient``).
private let processWideHTTPClient = HTTPClient(
    eventLoopGroupProvider: .singleton, configuration: S3Client.httpClientConfiguration())
