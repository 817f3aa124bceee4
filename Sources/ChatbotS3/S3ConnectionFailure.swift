import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Short, user-readable reasons for a request that got no response: `connection refused`,
/// `connection timed out`, … The raw error (often several lines of NIO detail) goes to the log only.
enum S3ConnectionFailure {
    /// The reason `error` (thrown by async-http-client or SwiftNIO) stopped the request.
    static func reason(for error: any Error) -> String {
        if error is TruncatedBody { return "the response ended early" }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout: return "connection timed out"
            case .tlsHandshakeTimeout: return "TLS handshake timed out"
            case .readTimeout, .writeTimeout, .deadlineExceeded: return "request timed out"
            case .remoteConnectionClosed, .uncleanShutdown: return "the server closed the connection"
            case .invalidURL, .emptyHost, .emptyScheme: return "invalid endpoint URL"
            default: break
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
        if let errno = errnoCode(in: error, depth: 0) { return reason(errno: errno) }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOSSL") || typeName.contains("TLS") { return "TLS failure" }
        if typeName.contains("NIOConnectionError") { return "cannot connect" }
        if typeName.contains("DNS") || typeName.contains("Resolution") { return "host not found" }
        return "connection failed"
    }

    private static func reason(errno: Int32) -> String {
        switch errno {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET, EPIPE: "connection reset"
        case ETIMEDOUT: "connection timed out"
        case EHOSTUNREACH, ENETUNREACH: "no route to host"
        default: String(cString: strerror(errno)).lowercased()
        }
    }

    /// The `errno` of the first `IOError` in `error` or the errors it wraps (NIO's connection
    /// error holds one per address tried), found by reflection so this module needs no NIOPosix.
    private static func errnoCode(in error: Any, depth: Int) -> Int32? {
        if let error = error as? IOError { return error.errnoCode }
        guard depth < 4 else { return nil }
        for child in Mirror(reflecting: error).children {
            if let code = errnoCode(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }
}
