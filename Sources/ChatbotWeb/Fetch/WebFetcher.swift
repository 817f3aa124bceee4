import AsyncHTTPClient
import ChatbotCore
public import Foundation
public import Logging
public import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL

/// Fetches web pages safely: every hop of a redirect chain is checked by the ``SSRFGuard`` and the
/// connection is pinned to the address the guard checked (DNS rebinding cannot redirect it),
/// redirects are followed by hand (at most ``FetchPolicy/maxRedirects``, loops detected), the body
/// is decoded (gzip, deflate, br) with a cap on decoded bytes, connect and total timeouts apply,
/// and conditional requests turn an unchanged page into a 304.
///
/// Pinning uses async-http-client's `dnsOverride` (connect to the checked address, while the
/// `Host` header, TLS SNI and certificate verification use the real host name). That setting is
/// per client, so the fetcher keeps one `HTTPClient` per (host, checked address) over a shared
/// event loop group and reuses its connections. Call ``shutdown()`` when done.
public actor WebFetcher {
    private struct ClientKey: Hashable {
        var host: String
        var address: IPAddress
        var connectTimeout: Duration
        var readTimeout: Duration
    }

    private struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var truncated = false
    }

    private static let maxClients = 64
    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    private let eventLoopGroup: any EventLoopGroup
    private let resolver: any HostResolver
    private let validatorCache: (any ValidatorCache)?
    private let logger: Logger
    private let certificateAuthorityFiles: [String]
    private var clients: [ClientKey: HTTPClient] = [:]
    private var clientUse: [ClientKey] = []
    private var isShutDown = false

    /// Creates a fetcher.
    ///
    /// - Parameters:
    ///   - eventLoopGroup: The event loops the HTTP clients run on.
    ///   - resolver: DNS; the system resolver unless a test injects a fault.
    ///   - validatorCache: Where ETag / Last-Modified validators are kept; nil turns conditional
    ///     requests off.
    ///   - certificateAuthorityFiles: PEM files of certificate authorities trusted in addition to
    ///     the system's (an intranet CA, a test CA).
    ///   - logger: Receives one debug line per hop.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        resolver: any HostResolver = SystemHostResolver(),
        validatorCache: (any ValidatorCache)? = nil,
        certificateAuthorityFiles: [String] = [],
        logger: Logger = Logger(label: "chatbot.web.fetch")
    ) {
        self.certificateAuthorityFiles = certificateAuthorityFiles
        self.eventLoopGroup = eventLoopGroup
        self.resolver = resolver
        self.validatorCache = validatorCache
        self.logger = logger
    }

    /// Closes every connection. The fetcher cannot be used afterwards.
    public func shutdown() async {
        isShutDown = true
        let open = Array(clients.values)
        clients = [:]
        clientUse = []
        for client in open { try? await client.shutdown() }
    }

    /// Fetches `url` under `policy`.
    ///
    /// Throws a ``ChatbotError`` that names the URL and the reason: refused by the guard (usage),
    /// too many redirects or a loop, a body over the limit, a timeout (temporary), a transport
    /// failure (unavailable).
    public func fetch(_ url: URL, policy: FetchPolicy = FetchPolicy()) async throws -> FetchedPage {
        guard !isShutDown else { throw ChatbotError(.runtime, "the web fetcher was shut down") }
        let seconds =
            Double(policy.totalTimeout.components.seconds)
            + Double(policy.totalTimeout.components.attoseconds) / 1e18
        return try await withThrowingTaskGroup(of: FetchedPage?.self) { group in
            group.addTask { try await self.followRedirects(url, policy: policy) }
            group.addTask {
                try await Task.sleep(for: policy.totalTimeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let page = first else {
                throw WebErrors.timeout(url: url.absoluteString, what: "no complete response within \(seconds) s")
            }
            return page
        }
    }

    /// Runs off the actor (decoding is CPU work); only the client table is actor-isolated.
    private nonisolated func followRedirects(_ url: URL, policy: FetchPolicy) async throws -> FetchedPage {
        let guardian = SSRFGuard(
            allowPrivateNetworks: policy.allowPrivateNetworks,
            allowedHostPorts: policy.allowedHostPorts,
            resolver: resolver
        )
        var current = url
        var redirects: [FetchedPage.Redirect] = []
        var visited: Set<String> = [Self.loopKey(url)]
        while true {
            let target = try await guardian.check(current)
            let validators = policy.conditional ? await validatorCache?.validators(for: current) : nil
            let response = try await perform(current, target: target, validators: validators, policy: policy)
            if Self.redirectStatuses.contains(response.status) {
                guard let location = response.headers["location"], !location.isEmpty else {
                    throw WebErrors.redirect(url: current.absoluteString, reason: "\(response.status) without Location")
                }
                guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    throw WebErrors.redirect(url: current.absoluteString, reason: "invalid Location \(location)")
                }
                redirects.append(FetchedPage.Redirect(from: current, status: response.status, to: next))
                guard redirects.count <= policy.maxRedirects else {
                    throw WebErrors.redirect(
                        url: url.absoluteString, reason: "more than \(policy.maxRedirects) redirects")
                }
                guard visited.insert(Self.loopKey(next)).inserted else {
                    throw WebErrors.redirect(url: current.absoluteString, reason: "redirect loop back to \(next)")
                }
                logger.debug(
                    "redirect", metadata: ["from": "\(current)", "to": "\(next)", "status": "\(response.status)"])
                current = next
                continue
            }
            if response.status == 200, policy.conditional, let validatorCache,
                let validators = CachedValidators(
                    etag: response.headers["etag"], lastModified: response.headers["last-modified"])
            {
                await validatorCache.store(validators, for: current)
            }
            let detected = CharsetDetector.detect(contentType: response.headers["content-type"], body: response.body)
            return FetchedPage(
                requestedURL: url,
                finalURL: current,
                status: response.status,
                headers: response.headers,
                body: response.body,
                charset: detected?.charset,
                charsetSource: detected?.source,
                redirects: redirects,
                notModified: response.status == 304,
                truncated: response.truncated
            )
        }
    }

    /// The URL without its fragment, for loop detection.
    private static func loopKey(_ url: URL) -> String {
        URLNormalizer.normalize(url)?.absoluteString ?? url.absoluteString
    }

    private func client(for target: SSRFGuard.Target, policy: FetchPolicy) -> HTTPClient {
        let key = ClientKey(
            host: target.host, address: target.address, connectTimeout: policy.connectTimeout,
            readTimeout: policy.totalTimeout)
        clientUse.removeAll { $0 == key }
        clientUse.append(key)
        if let client = clients[key] { return client }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // Report a refused connection at once rather than retrying it silently until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .nanoseconds(Int64(policy.connectTimeout / .nanoseconds(1))),
            read: .nanoseconds(Int64(policy.totalTimeout / .nanoseconds(1))))
        if !certificateAuthorityFiles.isEmpty {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = certificateAuthorityFiles.map { .file($0) }
            configuration.tlsConfiguration = tls
        }
        if !target.hostIsAddress {
            // Pin: connect to the checked address; Host, SNI and certificate checks use the name.
            configuration.dnsOverride = [target.host: target.address.connectionHost]
        }
        let client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
        clients[key] = client
        return client
    }

    /// The client for `target`, after shutting down clients beyond the limit.
    private func checkedOutClient(for target: SSRFGuard.Target, policy: FetchPolicy) async throws -> HTTPClient {
        guard !isShutDown else { throw ChatbotError(.runtime, "the web fetcher was shut down") }
        let client = client(for: target, policy: policy)
        await evictClients()
        return client
    }

    /// Shuts down the least recently used clients beyond the limit.
    private func evictClients() async {
        while clientUse.count > Self.maxClients {
            let key = clientUse.removeFirst()
            if let client = clients.removeValue(forKey: key) { try? await client.shutdown() }
        }
    }

    /// The URL handed to async-http-client: a numeric host in canonical form (so `0x7f.1` cannot
    /// be resolved again), a name lowercased.
    private static func requestURL(_ url: URL, target: SSRFGuard.Target) -> String {
        let scheme = url.scheme?.lowercased() ?? "http"
        let host =
            target.hostIsAddress
            ? (target.address.isIPv4 ? target.address.description : "[\(target.address)]") : target.host
        let port = url.port.map { ":\($0)" } ?? ""
        let path = url.path(percentEncoded: true)
        let query = url.query(percentEncoded: true).map { "?\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)\(path.isEmpty ? "/" : path)\(query)"
    }

    private nonisolated func perform(
        _ url: URL, target: SSRFGuard.Target, validators: CachedValidators?, policy: FetchPolicy
    ) async throws -> Response {
        let client = try await checkedOutClient(for: target, policy: policy)
        var request = HTTPClientRequest(url: Self.requestURL(url, target: target))
        request.method = .GET
        request.headers.add(name: "User-Agent", value: policy.userAgent)
        request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        request.headers.add(name: "Accept-Encoding", value: "gzip, deflate, br")
        if let etag = validators?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = validators?.lastModified {
            request.headers.add(name: "If-Modified-Since", value: lastModified)
        }
        let text = url.absoluteString
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                request, timeout: .nanoseconds(Int64(policy.totalTimeout / .nanoseconds(1))), logger: logger)
        } catch {
            throw Self.translate(error, url: text, policy: policy)
        }
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        let status = Int(response.status.code)
        logger.debug("fetched", metadata: ["url": "\(text)", "status": "\(status)", "address": "\(target.address)"])
        if Self.redirectStatuses.contains(status) || status == 304 || status == 204 {
            return Response(status: status, headers: headers, body: [])
        }
        let coding = (headers["content-encoding"] ?? "identity").lowercased().trimmingWhitespace()
        var decoder: ContentDecoder?
        if coding != "identity" && !coding.isEmpty {
            guard let kind = ContentDecoder.kind(for: coding),
                let made = ContentDecoder(kind: kind, limit: policy.maxBodyBytes)
            else {
                throw WebErrors.corrupt(url: text, reason: "unsupported Content-Encoding \(coding)")
            }
            decoder = made
        }
        var raw: [UInt8] = []
        var rawCount = 0
        var truncated = false
        let limit = policy.maxBodyBytes
        do {
            reading: for try await chunk in response.body {
                rawCount += chunk.readableBytes
                if let decoder {
                    do {
                        try decoder.feed(chunk.readableBytesView)
                    } catch .limitExceeded {
                        guard policy.truncateOversizedBodies else { throw WebErrors.tooLarge(url: text, limit: limit) }
                        truncated = true
                        break reading
                    } catch .corrupt {
                        throw WebErrors.corrupt(url: text, reason: "invalid \(coding) data")
                    }
                    if rawCount > limit {
                        guard policy.truncateOversizedBodies else { throw WebErrors.tooLarge(url: text, limit: limit) }
                        truncated = true
                        break reading
                    }
                } else {
                    raw.append(contentsOf: chunk.readableBytesView.prefix(limit - raw.count))
                    if rawCount > limit {
                        guard policy.truncateOversizedBodies else { throw WebErrors.tooLarge(url: text, limit: limit) }
                        truncated = true
                        break reading
                    }
                }
            }
        } catch let error as ChatbotError {
            throw error
        } catch {
            throw Self.translate(error, url: text, policy: policy)
        }
        if let decoder {
            guard decoder.finished || truncated else {
                throw WebErrors.corrupt(url: text, reason: "truncated \(coding) data")
            }
            raw = decoder.output
        }
        return Response(status: status, headers: headers, body: raw, truncated: truncated)
    }

    private static func translate(_ error: any Error, url: String, policy: FetchPolicy) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout:
                return WebErrors.timeout(url: url, what: "no connection within \(policy.connectTimeout)")
            case .deadlineExceeded, .readTimeout:
                return WebErrors.timeout(url: url, what: "no complete response within \(policy.totalTimeout)")
            case .cancelled:
                return CancellationError()
            case .remoteConnectionClosed, .uncleanShutdown:
                return WebErrors.transport(url: url, reason: "the server closed the connection")
            default:
                return WebErrors.transport(url: url, reason: String(describing: error))
            }
        }
        if let error = error as? NIOConnectionError {
            let errno = error.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
            return WebErrors.transport(url: url, reason: errno.map(describe(errno:)) ?? "cannot connect")
        }
        if let error = error as? IOError {
            return WebErrors.transport(url: url, reason: describe(errno: error.errnoCode))
        }
        return WebErrors.transport(url: url, reason: String(describing: error))
    }

    /// `connection refused`, `connection reset`, … for a socket error.
    private static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET, EPIPE: "connection reset"
        case ETIMEDOUT: "connection timed out"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
