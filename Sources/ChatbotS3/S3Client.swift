public import AsyncHTTPClient
import ChatbotCore
public import Foundation
public import Logging
public import NIOCore
public import NIOHTTP1

/// A client for the S3 REST protocol (AWS S3, MinIO, Ceph, R2, moto) over async-http-client.
///
/// Keys passed to and returned by the client are relative to ``S3Configuration/prefix``. Every
/// request is signed with ``SigV4Signer`` (bodies are hashed, so `x-amz-content-sha256` is the
/// real digest) and retried per ``S3RetryPolicy`` on connection errors, 5xx and `SlowDown`.
public struct S3Client: Sendable {
    /// Where the bucket lives.
    public let configuration: S3Configuration
    /// The keys that sign requests.
    public let credentials: S3Credentials
    /// When to retry.
    public var retryPolicy: S3RetryPolicy
    /// The deadline of one request (one attempt).
    public var requestTimeout: TimeAmount = .seconds(300)
    /// The largest object ``getObject(_:range:)`` reads into memory.
    public var maxObjectSize = 1 << 30
    let httpClient: HTTPClient
    let logger: Logger

    /// A response: status, headers and the collected body.
    public struct Response: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response headers.
        public var headers: HTTPHeaders
        /// The body.
        public var body: ByteBuffer
    }

    /// What ``headObject(_:)`` reports about an object.
    public struct ObjectInfo: Sendable, Hashable {
        /// The size in bytes.
        public var size: Int
        /// The entity tag without quotes.
        public var eTag: String
    }

    /// Creates a client; `httpClient` is owned by the caller (default: ``defaultHTTPClient``).
    ///
    /// The client retries by itself (see ``S3RetryPolicy``), so a caller's `httpClient` must have
    /// `connectionPool.retryConnectionEstablishment = false`, as ``httpClientConfiguration()``
    /// sets: with async-http-client's default a refused connection is retried silently inside the
    /// HTTP client until ``requestTimeout`` (minutes) instead of failing within seconds.
    public init(
        configuration: S3Configuration,
        credentials: S3Credentials,
        httpClient: HTTPClient = S3Client.defaultHTTPClient,
        retryPolicy: S3RetryPolicy = S3RetryPolicy(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    /// Creates a client with credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN` in `environment`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) when the key ID or the secret is missing.
    public init(
        configuration: S3Configuration,
        environment: [String: String],
        httpClient: HTTPClient = S3Client.defaultHTTPClient,
        retryPolicy: S3RetryPolicy = S3RetryPolicy(),
        logger: Logger
    ) throws {
        guard let credentials = S3Credentials(environment: environment) else {
            throw ChatbotError(
                .usage, "no S3 credentials for bucket '\(configuration.bucket)'",
                hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys)")
        }
        self.init(
            configuration: configuration, credentials: credentials, httpClient: httpClient,
            retryPolicy: retryPolicy, logger: logger)
    }

    // MARK: - Objects

    /// Stores `body` under `key` (one PUT; for large content see ``uploadMultipart(_:bytes:partSize:contentType:)``).
    ///
    /// - Returns: the entity tag of the stored object, without quotes.
    @discardableResult
    public func putObject(_ key: String, body: ByteBuffer, contentType: String? = nil) async throws -> String {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        let response = try await send("PUT", key: key, headers: headers, body: body)
        return Self.unquote(response.headers.first(name: "etag") ?? "")
    }

    /// Stores `body` under `key` only if no object has that key (`If-None-Match: *`, honoured by
    /// AWS S3, MinIO, R2 and moto); returns `false`, storing nothing, when one exists.
    public func putObjectIfAbsent(_ key: String, body: ByteBuffer, contentType: String? = nil) async throws -> Bool {
        var headers: [(name: String, value: String)] = [("if-none-match", "*")]
        if let contentType { headers.append(("content-type", contentType)) }
        // 409: AWS's answer to a conditional write racing another one on the same key.
        let response = try await send("PUT", key: key, headers: headers, body: body, allowing: [409, 412])
        return response.status < 300
    }

    /// The bytes of `key` (only `range`, inclusive, when given), or `nil` when there is no such object.
    public func getObject(_ key: String, range: ClosedRange<Int>? = nil) async throws -> ByteBuffer? {
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try await send("GET", key: key, headers: headers, allowing: [404])
        return response.status == 404 ? nil : response.body
    }

    /// Size and entity tag of `key`, or `nil` when there is no such object.
    public func headObject(_ key: String) async throws -> ObjectInfo? {
        let response = try await send("HEAD", key: key, allowing: [404])
        guard response.status != 404 else { return nil }
        return ObjectInfo(
            size: response.headers.first(name: "content-length").flatMap { Int($0) } ?? 0,
            eTag: Self.unquote(response.headers.first(name: "etag") ?? ""))
    }

    /// Copies the object `source` to `key` inside the bucket, on the server (CopyObject: up to
    /// 5 GB, no bytes through this process).
    public func copyObject(from source: String, to key: String) async throws {
        let path = "/" + configuration.bucket + "/" + configuration.fullKey(source)
        let response = try await send(
            "PUT", key: key, headers: [("x-amz-copy-source", SigV4Signer.uriEncode(path, keepSlash: true))])
        // CopyObject may fail after its 200 has started: the error is then in the body.
        if String(buffer: response.body).contains("<Error>") {
            throw S3Error(statusCode: 500, body: Array(response.body.readableBytesView), operation: "copy \(source)")
        }
    }

    /// Deletes `key`; deleting a missing object is not an error.
    public func deleteObject(_ key: String) async throws {
        _ = try await send("DELETE", key: key, allowing: [404])
    }

    /// One page of ListObjectsV2 under `prefix` (relative to the configured prefix).
    public func listObjects(
        prefix: String = "",
        continuationToken: String? = nil,
        maxKeys: Int? = nil
    ) async throws -> S3ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2")]
        let fullPrefix = configuration.prefix.isEmpty ? prefix : configuration.prefix + "/" + prefix
        if !fullPrefix.isEmpty { query.append(("prefix", fullPrefix)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        let response = try await send("GET", key: nil, query: query)
        guard var page = S3ListPage(xml: response.body.readableBytesView) else {
            throw S3Error(
                statusCode: response.status, code: "MalformedResponse",
                message: "the ListObjectsV2 response is not a ListBucketResult document", operation: "LIST")
        }
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        page.objects = page.objects.compactMap { object in
            guard strip == 0 || object.key.hasPrefix(configuration.prefix + "/") else { return nil }
            var relative = object
            relative.key = String(object.key.dropFirst(strip))
            return relative
        }
        return page
    }

    /// Every object under `prefix`, following continuation tokens `pageSize` keys at a time.
    public func listAllObjects(prefix: String = "", pageSize: Int? = nil) async throws -> [S3ListPage.Object] {
        var objects: [S3ListPage.Object] = []
        var token: String?
        repeat {
            let page = try await listObjects(prefix: prefix, continuationToken: token, maxKeys: pageSize)
            objects += page.objects
            token = page.nextContinuationToken
        } while token != nil
        return objects
    }

    /// A URL that lets anyone GET `key` without credentials until `expires` seconds after `date`.
    public func presignedGetURL(_ key: String, expires: Int = 3600, date: Date = Date()) -> String {
        let request = makeRequest("GET", key: key)
        return signer.presignedURL(request, expires: expires, date: date).url
    }

    /// Creates the bucket (for tests and setup); an existing bucket owned by you is not an error.
    public func createBucket() async throws {
        var body = ByteBuffer()
        if configuration.region != "us-east-1" {
            body.writeString(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>")
        }
        do {
            _ = try await send("PUT", key: nil, body: body)
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    // MARK: - Requests

    var signer: SigV4Signer { SigV4Signer(credentials: credentials, region: configuration.region) }

    func makeRequest(
        _ method: String,
        key: String?,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = []
    ) -> SigV4Request {
        let location = configuration.location(forKey: key.map(configuration.fullKey))
        return SigV4Request(
            method: method, scheme: location.scheme, host: location.host, path: location.path, query: query,
            headers: headers)
    }

    /// Signs and sends one request with retries; statuses ≥ 300 not in `allowing` throw ``S3Error``.
    func send(
        _ method: String,
        key: String?,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil,
        allowing allowed: Set<Int> = []
    ) async throws -> Response {
        let request = makeRequest(method, key: key, query: query, headers: headers)
        let operation = "\(method) \(configuration.bucket)/\(key.map(configuration.fullKey) ?? "")"
        let payloadHash =
            body.map { $0.withUnsafeReadableBytes { SigV4Signer.hexSHA256($0) } } ?? SigV4Signer.emptyPayloadHash
        var attempt = 1
        while true {
            do {
                let response = try await sendOnce(request, payloadHash: payloadHash, body: body)
                if response.status < 300 || allowed.contains(response.status) { return response }
                let error = S3Error(
                    statusCode: response.status, body: Array(response.body.readableBytesView), operation: operation)
                guard error.isRetryable, attempt < retryPolicy.maxAttempts else { throw error }
                logger.debug(
                    "S3 request failed; retrying",
                    metadata: [
                        "s3.operation": "\(operation)", "s3.status": "\(response.status)", "s3.code": "\(error.code)",
                    ])
            } catch let error as S3Error {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try noteConnectionFailure(error, operation: operation, attempt: attempt)
            }
            try await Task.sleep(for: retryPolicy.delay(beforeRetry: attempt))
            attempt += 1
        }
    }

    private func sendOnce(_ request: SigV4Request, payloadHash: String, body: ByteBuffer?) async throws -> Response {
        let (headers, _) = signer.sign(request, payloadHash: payloadHash, date: Date())
        var httpRequest = HTTPClientRequest(url: request.urlString)
        httpRequest.method = HTTPMethod(rawValue: request.method)
        for header in headers { httpRequest.headers.add(name: header.name, value: header.value) }
        if let body {
            httpRequest.body = .bytes(body)
        } else if request.method == "PUT" || request.method == "POST" {
            httpRequest.body = .bytes(ByteBuffer())
        }
        let response = try await httpClient.execute(httpRequest, timeout: requestTimeout, logger: logger)
        let collected =
            request.method == "HEAD"
            ? ByteBuffer() : try await response.body.collect(upTo: max(maxObjectSize, 1 << 20))
        return Response(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    /// Logs a request that got no response and, when no attempt is left, throws it as an
    /// ``S3Error`` with status 0, code `ConnectionFailed` and a short reason (`connection refused`).
    ///
    /// Retrying is logged at warning level, so a user sees on stderr why nothing happens yet.
    func noteConnectionFailure(_ error: any Error, operation: String, attempt: Int) throws {
        let reason = S3ConnectionFailure.reason(for: error)
        logger.debug(
            "S3 request got no response",
            metadata: ["s3.operation": "\(operation)", "error": "\(String(describing: error))"])
        guard attempt < retryPolicy.maxAttempts else {
            throw S3Error(statusCode: 0, code: "ConnectionFailed", message: reason, operation: operation)
        }
        logger.warning(
            "Object store request failed; retrying",
            metadata: [
                "s3.endpoint": "\(configuration.endpoint.absoluteString)", "reason": "\(reason)",
                "attempt": "\(attempt + 1)/\(retryPolicy.maxAttempts)",
            ])
    }

    static func unquote(_ eTag: String) -> String {
        eTag.trimmingCharacters(in: ["\""])
    }
}
