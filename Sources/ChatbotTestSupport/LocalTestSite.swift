import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 web site on 127.0.0.1 for fetcher and crawler tests: each path answers with a
/// scripted ``Response`` (a page, a redirect, a 304-aware page, a body that never finishes), every
/// request is recorded, unknown paths get 404.
///
/// ```swift
/// try await LocalTestSite.withRunning { site, base in
///     site.route("/robots.txt", .text("User-agent: *\nDisallow: /private/"))
///     site.route("/", .html("<a href=\"/a\">a</a>"))
///     // fetch "\(base)/", then look at site.requests
/// }
/// ```
public final class LocalTestSite: Sendable {
    /// What one path answers.
    public struct Response: Sendable {
        enum Body: Sendable {
            case whole([UInt8])
            /// Sends `chunk` every `interval`, forever.
            case drip(chunk: [UInt8], interval: Duration)
        }

        var status: Int
        var headers: [(String, String)]
        var body: Body
        /// Answer 304 when the request's `If-None-Match` equals this.
        var etag: String?
        /// Answer 304 when the request's `If-Modified-Since` equals this.
        var lastModified: String?
        /// Wait this long before answering.
        var delay: Duration?

        /// The same response, sent after `delay` (to keep requests in flight together).
        public func delayed(by delay: Duration) -> Response {
            var response = self
            response.delay = delay
            return response
        }

        /// Any status, headers and body bytes.
        public static func bytes(_ body: [UInt8], status: Int = 200, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: headers, body: .whole(body))
        }

        /// An HTML page; `contentType` defaults to `text/html; charset=utf-8`.
        public static func html(_ text: String, contentType: String = "text/html; charset=utf-8") -> Response {
            bytes(Array(text.utf8), headers: [("Content-Type", contentType)])
        }

        /// A `text/plain` body (robots.txt).
        public static func text(_ text: String, status: Int = 200) -> Response {
            bytes(Array(text.utf8), status: status, headers: [("Content-Type", "text/plain")])
        }

        /// A redirect to `location` (absolute or relative, sent as given).
        public static func redirect(to location: String, status: Int = 302) -> Response {
            bytes([], status: status, headers: [("Location", location)])
        }

        /// A status with an empty body.
        public static func status(_ status: Int) -> Response {
            bytes([], status: status)
        }

        /// An HTML page with validators: a request carrying the same `If-None-Match` or
        /// `If-Modified-Since` gets 304 Not Modified and no body.
        public static func conditional(_ text: String, etag: String?, lastModified: String?) -> Response {
            var headers = [("Content-Type", "text/html; charset=utf-8")]
            if let etag { headers.append(("ETag", etag)) }
            if let lastModified { headers.append(("Last-Modified", lastModified)) }
            return Response(
                status: 200, headers: headers, body: .whole(Array(text.utf8)), etag: etag, lastModified: lastModified)
        }

        /// A 200 whose chunked body never ends: one byte of `chunk` every `interval`.
        public static func drip(_ chunk: String = "<p>", every interval: Duration = .milliseconds(100)) -> Response {
            Response(
                status: 200, headers: [("Content-Type", "text/html")],
                body: .drip(chunk: Array(chunk.utf8), interval: interval))
        }
    }

    /// One request as the site received it.
    public struct Request: Sendable, Hashable {
        /// The request target, e.g. `/a?b=c`.
        public var uri: String
        /// Header values by lowercased name (repeated headers joined with `, `).
        public var headers: [String: String]
        /// The status the site answered.
        public var status: Int
    }

    private struct State {
        var routes: [String: Response] = [:]
        var requests: [Request] = []
        var inFlight = 0
        var maxInFlight = 0
        var listener: LoopbackListener?
    }

    private let state = Mutex(State())

    /// Creates a stopped site with no routes.
    public init() {}

    /// Sets what `path` (the request target including any query) answers.
    public func route(_ path: String, _ response: Response) {
        state.withLock { $0.routes[path] = response }
    }

    /// The requests received so far, oldest first.
    public var requests: [Request] {
        state.withLock { $0.requests }
    }

    /// The most requests the site has been answering at the same time.
    public var maxConcurrentRequests: Int {
        state.withLock { $0.maxInFlight }
    }

    /// The requests for `path`.
    public func requests(for path: String) -> [Request] {
        requests.filter { $0.uri == path }
    }

    /// Binds to 127.0.0.1 on a free port and returns the base URL `http://127.0.0.1:PORT`, or
    /// `https://127.0.0.1:PORT` when a certificate chain and key (PEM files) are given.
    public func start(certificateFile: String? = nil, privateKeyFile: String? = nil) async throws -> String {
        let tlsContext: NIOSSLContext?
        if let certificateFile, let privateKeyFile {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)))
            tlsContext = try NIOSSLContext(configuration: configuration)
        } else {
            tlsContext = nil
        }
        let listener = try await LoopbackListener.bind { channel in
            if let tlsContext {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
            }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(LocalTestSiteHandler(site: self))
        }
        state.withLock { $0.listener = listener }
        let scheme = tlsContext == nil ? "http" : "https"
        return "\(scheme)://127.0.0.1:\(listener.port)"
    }

    /// Closes the listening socket and every connection, dripping ones included.
    public func shutdown() async throws {
        let listener = state.withLock { state in
            defer { state.listener = nil }
            return state.listener
        }
        try await listener?.close()
    }

    /// Starts a site, runs `body` with it and its base URL, and shuts it down afterwards, also
    /// when `body` throws.
    public static func withRunning<Result>(
        certificateFile: String? = nil,
        privateKeyFile: String? = nil,
        _ body: (LocalTestSite, String) async throws -> Result
    ) async throws -> Result {
        let site = LocalTestSite()
        let baseURL = try await site.start(certificateFile: certificateFile, privateKeyFile: privateKeyFile)
        let result: Result
        do {
            result = try await body(site, baseURL)
        } catch {
            try? await site.shutdown()
            throw error
        }
        try await site.shutdown()
        return result
    }

    /// Records the request and returns the response to send (304 and 404 decided here).
    func respond(uri: String, headers: [String: String]) -> Response {
        state.withLock { state in
            var response = state.routes[uri] ?? .text("not found", status: 404)
            if let etag = response.etag, headers["if-none-match"] == etag {
                response = .bytes([], status: 304, headers: [("ETag", etag)])
            } else if let lastModified = response.lastModified, headers["if-modified-since"] == lastModified {
                response = .bytes([], status: 304, headers: [("Last-Modified", lastModified)])
            }
            state.requests.append(Request(uri: uri, headers: headers, status: response.status))
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return response
        }
    }

    /// Called when a response has been sent in full.
    func responseFinished() {
        state.withLock { $0.inFlight -= 1 }
    }
}
