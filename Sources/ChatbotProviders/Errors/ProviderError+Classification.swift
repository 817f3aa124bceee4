import AsyncHTTPClient
import ChatbotCore
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProviderError {
    /// Maps an error thrown by AsyncHTTPClient or SwiftNIO to a ``ProviderError``; `nil` for
    /// errors that did not come from the transport (they are passed on unchanged).
    ///
    /// - Parameter afterResponseHead: whether the response had started, which turns a dropped
    ///   connection into ``Kind/connectionLost`` rather than a failure to connect.
    static func classify(
        _ error: any Error,
        endpoint: ProviderEndpoint,
        timeouts: ProviderTimeouts,
        afterResponseHead: Bool
    ) -> ProviderError? {
        if error is CancellationError { return .cancelled(endpoint) }
        if let error = error as? HTTPClientError {
            // A name of its own: an overload of `classify` taking `HTTPClientError` lost to this
            // function itself (it returns an optional, as the call site wants), which recursed
            // until the stack overflowed on the first HTTPClientError, crashing the process.
            return classifyHTTPClientError(
                error, endpoint: endpoint, timeouts: timeouts, afterResponseHead: afterResponseHead)
        }
        if let error = error as? NIOConnectionError {
            if let dnsError = error.dnsAError ?? error.dnsAAAAError, error.connectionErrors.isEmpty {
                return .connectionFailed(endpoint, detail: "could not resolve \(error.host): \(dnsError)")
            }
            let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            if refused { return .connectionRefused(endpoint) }
            return .connectionFailed(endpoint, detail: "\(error)")
        }
        if let error = error as? IOError {
            if error.errnoCode == ECONNREFUSED, !afterResponseHead { return .connectionRefused(endpoint) }
            if afterResponseHead || error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
                return .connectionLost(endpoint, detail: "\(error)")
            }
            return .connectionFailed(endpoint, detail: "\(error)")
        }
        if let error = error as? ChannelError {
            if case .connectTimeout = error { return .connectTimeout(endpoint, after: timeouts.connect) }
            if afterResponseHead { return .connectionLost(endpoint, detail: "\(error)") }
            return .connectionFailed(endpoint, detail: "\(error)")
        }
        if let error = error as? HTTPParserError {
            // The connection closing inside a chunked body surfaces as a parser error.
            if error == .invalidEOFState {
                return afterResponseHead
                    ? .connectionLost(endpoint)
                    : .connectionFailed(endpoint, detail: "the server closed the connection without answering")
            }
            return .malformedResponse(endpoint, detail: "invalid HTTP: \(error)")
        }
        // TLS failures arrive as NIOSSL errors, which this module does not otherwise need.
        if String(reflecting: type(of: error)).contains("NIOSSL") {
            return afterResponseHead
                ? .connectionLost(endpoint, detail: "\(error)")
                : .connectionFailed(endpoint, detail: "TLS: \(error)")
        }
        return nil
    }

    private static func classifyHTTPClientError(
        _ error: HTTPClientError,
        endpoint: ProviderEndpoint,
        timeouts: ProviderTimeouts,
        afterResponseHead: Bool
    ) -> ProviderError {
        switch error {
        case .cancelled:
            return .cancelled(endpoint)
        case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
            return .connectTimeout(endpoint, after: timeouts.connect)
        case .readTimeout:
            return .idleTimeout(endpoint, after: timeouts.idle)
        case .deadlineExceeded:
            return .requestTimeout(endpoint, after: timeouts.request ?? .zero)
        case .remoteConnectionClosed, .uncleanShutdown:
            return afterResponseHead
                ? .connectionLost(endpoint)
                : .connectionFailed(endpoint, detail: "the server closed the connection without answering")
        case .invalidURL, .emptyHost, .emptyScheme:
            return .invalidEndpoint(endpoint, detail: "\(error)")
        default:
            if "\(error)".contains("unsupportedScheme") {
                return .invalidEndpoint(endpoint, detail: "\(error)")
            }
            return afterResponseHead
                ? .connectionLost(endpoint, detail: "\(error)")
                : .connectionFailed(endpoint, detail: "\(error)")
        }
    }
}
