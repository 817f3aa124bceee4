public import ChatbotCore

/// A failure talking to a chat provider: what went wrong, where, and whether trying again can help.
///
/// A struct with a ``Kind`` rather than an enum, so new kinds do not break callers. Build values
/// with the static factory functions; inspect them with ``kind``, ``isRetryable``, ``retryAfter``
/// and ``statusCode``; show them with ``description``; map them to an exit code through
/// ``chatbotError``.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Compare with `==` against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case connectionRefused, connectionFailed, connectionLost, connectTimeout, idleTimeout
            case requestTimeout, httpStatus, rateLimited, malformedResponse, streamError
            case invalidEndpoint, cancelled
        }
        private let code: Code

        /// Nothing listens at the endpoint's address (the server is not running).
        public static let connectionRefused = Kind(code: .connectionRefused)
        /// The endpoint could not be reached (DNS, network, TLS).
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// The connection closed before the answer was complete.
        public static let connectionLost = Kind(code: .connectionLost)
        /// No connection could be established within ``ProviderTimeouts/connect``.
        public static let connectTimeout = Kind(code: .connectTimeout)
        /// The provider sent nothing for ``ProviderTimeouts/idle``.
        public static let idleTimeout = Kind(code: .idleTimeout)
        /// The whole request took longer than ``ProviderTimeouts/request``.
        public static let requestTimeout = Kind(code: .requestTimeout)
        /// The provider answered with an HTTP error status other than 429.
        public static let httpStatus = Kind(code: .httpStatus)
        /// The provider answered 429 Too Many Requests.
        public static let rateLimited = Kind(code: .rateLimited)
        /// The response was not valid OpenAI-compatible SSE or JSON.
        public static let malformedResponse = Kind(code: .malformedResponse)
        /// The provider reported an error inside an otherwise successful stream.
        public static let streamError = Kind(code: .streamError)
        /// The endpoint's configuration cannot work (bad base URL, unsupported scheme).
        public static let invalidEndpoint = Kind(code: .invalidEndpoint)
        /// The request was cancelled by the caller.
        public static let cancelled = Kind(code: .cancelled)

        /// A short name for logs and JSON output.
        public var description: String {
            switch code {
            case .connectionRefused: "connection_refused"
            case .connectionFailed: "connection_failed"
            case .connectionLost: "connection_lost"
            case .connectTimeout: "connect_timeout"
            case .idleTimeout: "idle_timeout"
            case .requestTimeout: "request_timeout"
            case .httpStatus: "http_status"
            case .rateLimited: "rate_limited"
            case .malformedResponse: "malformed_response"
            case .streamError: "stream_error"
            case .invalidEndpoint: "invalid_endpoint"
            case .cancelled: "cancelled"
            }
        }

        fileprivate var isTimeout: Bool {
            code == .connectTimeout || code == .idleTimeout || code == .requestTimeout
        }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The configured name of the provider (`local`, `openai`, …).
    public let providerName: String
    /// The endpoint's base URL.
    public let baseURL: String
    /// The HTTP status, for ``Kind/httpStatus`` and ``Kind/rateLimited``.
    public let statusCode: Int?
    /// The provider's own message (from its error body or error event), when it sent one.
    public let providerMessage: String?
    /// How long the provider asked us to wait (the `Retry-After` header), when it said.
    public let retryAfter: Duration?
    /// Further detail: the underlying error, the timeout that expired, the bad data seen.
    public let detail: String?

    private init(
        _ kind: Kind,
        endpoint: ProviderEndpoint,
        statusCode: Int? = nil,
        providerMessage: String? = nil,
        retryAfter: Duration? = nil,
        detail: String? = nil
    ) {
        self.kind = kind
        self.providerName = endpoint.name
        self.baseURL = endpoint.baseURL
        self.statusCode = statusCode
        self.providerMessage = providerMessage
        self.retryAfter = retryAfter
        self.detail = detail
    }

    /// Nothing listens at the endpoint's address.
    public static func connectionRefused(_ endpoint: ProviderEndpoint, detail: String? = nil) -> ProviderError {
        ProviderError(.connectionRefused, endpoint: endpoint, detail: detail)
    }

    /// The endpoint could not be reached; `detail` says why.
    public static func connectionFailed(_ endpoint: ProviderEndpoint, detail: String) -> ProviderError {
        ProviderError(.connectionFailed, endpoint: endpoint, detail: detail)
    }

    /// The connection closed before the answer was complete.
    public static func connectionLost(_ endpoint: ProviderEndpoint, detail: String? = nil) -> ProviderError {
        ProviderError(.connectionLost, endpoint: endpoint, detail: detail)
    }

    /// No connection within `timeout`.
    public static func connectTimeout(_ endpoint: ProviderEndpoint, after timeout: Duration) -> ProviderError {
        ProviderError(.connectTimeout, endpoint: endpoint, detail: Self.format(timeout))
    }

    /// No bytes from the provider for `timeout`.
    public static func idleTimeout(_ endpoint: ProviderEndpoint, after timeout: Duration) -> ProviderError {
        ProviderError(.idleTimeout, endpoint: endpoint, detail: Self.format(timeout))
    }

    /// The whole request took longer than `timeout`.
    public static func requestTimeout(_ endpoint: ProviderEndpoint, after timeout: Duration) -> ProviderError {
        ProviderError(.requestTimeout, endpoint: endpoint, detail: Self.format(timeout))
    }

    /// The provider answered with an error status; 429 becomes ``Kind/rateLimited``.
    public static func httpStatus(
        _ endpoint: ProviderEndpoint,
        status: Int,
        message: String?,
        retryAfter: Duration? = nil
    ) -> ProviderError {
        ProviderError(
            status == 429 ? .rateLimited : .httpStatus,
            endpoint: endpoint,
            statusCode: status,
            providerMessage: message,
            retryAfter: retryAfter
        )
    }

    /// The response could not be understood; `detail` says what was wrong.
    public static func malformedResponse(_ endpoint: ProviderEndpoint, detail: String) -> ProviderError {
        ProviderError(.malformedResponse, endpoint: endpoint, detail: detail)
    }

    /// The provider sent an error event inside the stream.
    public static func streamError(_ endpoint: ProviderEndpoint, message: String) -> ProviderError {
        ProviderError(.streamError, endpoint: endpoint, providerMessage: message)
    }

    /// The endpoint's configuration cannot work.
    public static func invalidEndpoint(_ endpoint: ProviderEndpoint, detail: String) -> ProviderError {
        ProviderError(.invalidEndpoint, endpoint: endpoint, detail: detail)
    }

    /// The caller cancelled the request.
    public static func cancelled(_ endpoint: ProviderEndpoint) -> ProviderError {
        ProviderError(.cancelled, endpoint: endpoint)
    }

    /// Whether the same request may succeed if sent again: connection failures, timeouts,
    /// 429 and 5xx are; other 4xx, malformed responses, stream errors and cancellation are not.
    public var isRetryable: Bool {
        if kind == .connectionRefused || kind == .connectionFailed || kind == .connectionLost { return true }
        if kind.isTimeout || kind == .rateLimited { return true }
        if kind == .httpStatus, let statusCode { return (500...599).contains(statusCode) }
        return false
    }

    /// One line a user understands, e.g.
    /// `local at http://127.0.0.1:8080/v1 answered 500: model failed to load`.
    public var description: String {
        let site = "\(providerName) at \(baseURL)"
        switch kind {
        case .connectionRefused:
            return "\(site) refused the connection (is the server running?)"
        case .connectionFailed:
            return "\(site) could not be reached: \(detail ?? "unknown error")"
        case .connectionLost:
            return "\(site) closed the connection before the answer was complete"
                + (detail.map { " (\($0))" } ?? "")
        case .connectTimeout:
            return "\(site) did not accept a connection within \(detail ?? "the connect timeout")"
        case .idleTimeout:
            return "\(site) sent nothing for \(detail ?? "too long")"
        case .requestTimeout:
            return "\(site) did not finish the answer within \(detail ?? "the request timeout")"
        case .httpStatus, .rateLimited:
            var text = "\(site) answered \(statusCode.map(String.init) ?? "an error")"
            if kind == .rateLimited { text += " (rate limited)" }
            if let providerMessage, !providerMessage.isEmpty { text += ": \(providerMessage)" }
            if let retryAfter { text += "; retry after \(Self.format(retryAfter))" }
            return text
        case .malformedResponse:
            return "\(site) sent a response that is not OpenAI-compatible: \(detail ?? "unreadable")"
        case .streamError:
            return "\(site) reported an error mid-answer: \(providerMessage ?? "no message")"
        case .invalidEndpoint:
            return "provider \(providerName) has an unusable base URL \(baseURL): \(detail ?? "invalid")"
        default:
            return "the request to \(site) was cancelled"
        }
    }

    /// The error as the CLI and server report it: `unavailable` when nothing listens,
    /// `temporary` for rate limits, 5xx, timeouts and lost connections, `usage` for a bad
    /// endpoint configuration, `interrupted` for cancellation, `runtime` otherwise.
    public var chatbotError: ChatbotError {
        if kind == .connectionRefused || kind == .connectionFailed {
            return ChatbotError(
                .unavailable, description,
                hint: "start the model server or check the base URL of provider '\(providerName)'")
        }
        if kind == .invalidEndpoint {
            return ChatbotError(.usage, description, hint: "fix the base URL of provider '\(providerName)'")
        }
        if kind == .cancelled {
            return ChatbotError(.interrupted, description)
        }
        if kind == .rateLimited {
            return ChatbotError(.temporary, description, hint: "wait a moment and try again")
        }
        if isRetryable {
            return ChatbotError(.temporary, description, hint: "try again later, or configure a fallback model")
        }
        if statusCode == 401 || statusCode == 403 {
            return ChatbotError(.runtime, description, hint: "check the API key of provider '\(providerName)'")
        }
        if kind == .httpStatus, let statusCode, [400, 413, 422].contains(statusCode) {
            return ChatbotError(.runtime, description, reason: .modelRefusedRequest)
        }
        return ChatbotError(.runtime, description)
    }

    /// `10 s`, `2.5 s`, or `300 ms` below one second.
    static func format(_ duration: Duration) -> String {
        let seconds = duration.secondsValue
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\((seconds * 10).rounded() / 10) s"
    }
}
