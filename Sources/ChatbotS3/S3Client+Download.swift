import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension S3Client {
    /// Downloads `key` into the file at `fileURL`, streaming the body to disk as it arrives.
    ///
    /// The bytes go to a hidden temporary file next to `fileURL`, which is renamed over `fileURL`
    /// only once the whole object is there: a failed download leaves no partial file behind and
    /// does not touch an existing `fileURL`. Memory stays bounded whatever the object's size (see
    /// ``downloadObject(_:into:partSize:concurrency:)``).
    /// - Returns: the object's size, or `nil` when there is no such object (no file is written).
    @discardableResult
    public func downloadObject(
        _ key: String,
        to fileURL: URL,
        partSize: Int = 8 * 1024 * 1024,
        concurrency: Int = 4
    ) async throws -> Int? {
        let temporary = fileURL.deletingLastPathComponent().appendingPathComponent(
            ".\(fileURL.lastPathComponent).\(UUID().uuidString.lowercased()).part")
        let sink = try S3FileSink(creating: temporary)
        do {
            let size = try await downloadObject(key, into: sink, partSize: partSize, concurrency: concurrency)
            try sink.close()
            if size != nil {
                guard rename(temporary.path, fileURL.path) == 0 else {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            } else {
                try? FileManager.default.removeItem(at: temporary)
            }
            return size
        } catch {
            try? sink.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Downloads `key` into `sink` chunk by chunk: one HEAD, then ranged GETs of `partSize` bytes,
    /// up to `concurrency` at a time, each streamed into `sink` as it arrives.
    ///
    /// Every GET carries `If-Match` with the entity tag HEAD reported, so an object replaced
    /// mid-download fails (412) instead of mixing two versions. A GET that fails or breaks off is
    /// retried per ``retryPolicy``, resuming at the first byte not yet written. Memory is bounded
    /// by `concurrency` response streams (each a few network reads deep), not by the object size.
    /// - Returns: the object's size, or `nil` when there is no such object.
    @discardableResult
    public func downloadObject(
        _ key: String,
        into sink: some S3DownloadSink,
        partSize: Int = 8 * 1024 * 1024,
        concurrency: Int = 4
    ) async throws -> Int? {
        guard let info = try await headObject(key) else { return nil }
        let size = max(partSize, 1024 * 1024)
        let width = max(concurrency, 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var start = 0
            var running = 0
            while start < info.size {
                if running == width {
                    try await group.next()
                    running -= 1
                }
                let range = start..<min(info.size, start + size)
                group.addTask { try await self.streamRange(key, range: range, eTag: info.eTag, into: sink) }
                running += 1
                start = range.upperBound
            }
            try await group.waitForAll()
        }
        return info.size
    }

    /// GETs `range` of `key` into `sink`, retrying (from the first byte not yet written) on
    /// connection errors, truncated bodies, 5xx and `SlowDown`.
    private func streamRange(
        _ key: String,
        range: Range<Int>,
        eTag: String,
        into sink: some S3DownloadSink
    ) async throws {
        let operation = "GET \(configuration.bucket)/\(configuration.fullKey(key))"
        var next = range.lowerBound
        var attempt = 1
        while true {
            do {
                try await streamOnce(key, range: next..<range.upperBound, eTag: eTag, into: sink, next: &next)
                return
            } catch let failure as SinkFailure {
                throw failure.underlying
            } catch let error as S3Error {
                guard error.isRetryable, attempt < retryPolicy.maxAttempts else { throw error }
                logger.debug(
                    "S3 ranged GET failed; retrying",
                    metadata: ["s3.operation": "\(operation)", "s3.status": "\(error.statusCode)"])
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try noteConnectionFailure(error, operation: operation, attempt: attempt)
                logger.debug(
                    "S3 ranged GET broke off; resuming",
                    metadata: ["s3.operation": "\(operation)", "s3.offset": "\(next)"])
            }
            try await Task.sleep(for: retryPolicy.delay(beforeRetry: attempt))
            attempt += 1
        }
    }

    /// One signed ranged GET whose body goes to `sink`; `next` advances past every byte written.
    private func streamOnce(
        _ key: String,
        range: Range<Int>,
        eTag: String,
        into sink: some S3DownloadSink,
        next: inout Int
    ) async throws {
        var headers: [(name: String, value: String)] = [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")]
        if !eTag.isEmpty { headers.append(("if-match", "\"\(eTag)\"")) }
        let request = makeRequest("GET", key: key, headers: headers)
        let operation = "GET \(configuration.bucket)/\(configuration.fullKey(key))"
        let (signed, _) = signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Date())
        var httpRequest = HTTPClientRequest(url: request.urlString)
        httpRequest.method = .GET
        for header in signed { httpRequest.headers.add(name: header.name, value: header.value) }
        let response = try await httpClient.execute(httpRequest, timeout: requestTimeout, logger: logger)
        let status = Int(response.status.code)
        guard status == 206 || (status == 200 && range.lowerBound == 0) else {
            let body = try await response.body.collect(upTo: 1 << 20)
            if status < 300 {
                throw S3Error(
                    statusCode: status, code: "RangeIgnored",
                    message: "the server answered a ranged GET with the whole object", operation: operation)
            }
            throw S3Error(statusCode: status, body: Array(body.readableBytesView), operation: operation)
        }
        for try await chunk in response.body {
            let count = min(chunk.readableBytes, range.upperBound - next)
            guard count > 0 else { continue }
            do {
                try await sink.write(chunk.getSlice(at: chunk.readerIndex, length: count) ?? chunk, at: next)
            } catch {
                throw SinkFailure(underlying: error)
            }
            next += count
        }
        guard next >= range.upperBound else { throw TruncatedBody() }
    }
}

/// The sink failed: not a transfer error, so never retried.
private struct SinkFailure: Error {
    var underlying: any Error
}

/// The body ended before the requested range did.
struct TruncatedBody: Error {}
