public import Foundation
import Logging
public import NIOCore
import NIOHTTP1

extension S3Client {
    /// The smallest part S3 accepts (except the last): 5 MiB.
    public static let minimumPartSize = 5 * 1024 * 1024

    /// Uploads the file at `fileURL` to `key` in parts of `partSize` bytes, `concurrency` parts at a
    /// time, reading a part only when an upload slot is free.
    ///
    /// Memory stays bounded at about `concurrency + 1` parts. Content that fits in one part is sent
    /// with a single PUT. On failure the multipart upload is aborted so no orphaned parts are left.
    /// - Returns: the entity tag of the stored object.
    @discardableResult
    public func uploadMultipart(
        _ key: String,
        fileAt fileURL: URL,
        partSize: Int = 8 * 1024 * 1024,
        concurrency: Int = 4,
        contentType: String? = nil
    ) async throws -> String {
        let handle = try FileHandle(forReadingFrom: fileURL)
        defer { try? handle.close() }
        let size = max(partSize, Self.minimumPartSize)
        return try await uploadParts(key, partSize: size, concurrency: concurrency, contentType: contentType) {
            guard let data = try handle.read(upToCount: size), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
    }

    /// Uploads `bytes` to `key` in parts of `partSize` bytes (at least 5 MiB) while they arrive.
    ///
    /// Memory stays bounded: at most `concurrency` parts on the wire, one part of look-ahead and one
    /// chunk of `bytes` are held (with `concurrency` 1: two parts and a chunk). Content that fits
    /// in one part is sent with a single PUT. On failure the multipart upload is aborted.
    /// - Returns: the entity tag of the stored object.
    @discardableResult
    public func uploadMultipart<Bytes: AsyncSequence>(
        _ key: String,
        bytes: Bytes,
        partSize: Int = 8 * 1024 * 1024,
        concurrency: Int = 4,
        contentType: String? = nil
    ) async throws -> String where Bytes.Element == ByteBuffer {
        let size = max(partSize, Self.minimumPartSize)
        var iterator = bytes.makeAsyncIterator()
        var pending = ByteBuffer()
        var finished = false
        return try await uploadParts(key, partSize: size, concurrency: concurrency, contentType: contentType) {
            while !finished, pending.readableBytes < size {
                if var chunk = try await iterator.next() {
                    pending.writeBuffer(&chunk)
                } else {
                    finished = true
                }
            }
            guard pending.readableBytes > 0 else { return nil }
            let count = min(size, pending.readableBytes)
            let part = ByteBuffer(bytes: pending.readableBytesView.prefix(count))
            pending.moveReaderIndex(forwardBy: count)
            pending.discardReadBytes()
            return part
        }
    }

    /// Reads parts with `nextPart` and uploads them: one PUT when there is a single part, else
    /// create / upload part… (up to `concurrency` at a time) / complete, aborting on any error.
    ///
    /// A part is read only once an upload slot is free, so at most `concurrency` parts are on the
    /// wire and one more is held in look-ahead.
    private func uploadParts(
        _ key: String,
        partSize: Int,
        concurrency: Int,
        contentType: String?,
        nextPart: () async throws -> ByteBuffer?
    ) async throws -> String {
        let first = try await nextPart() ?? ByteBuffer()
        guard let second = try await nextPart() else {
            return try await putObject(key, body: first, contentType: contentType)
        }
        let uploadID = try await createMultipartUpload(key, contentType: contentType)
        do {
            let width = max(concurrency, 1)
            let eTags = try await withThrowingTaskGroup(of: (number: Int, eTag: String).self) { group in
                var eTags: [(number: Int, eTag: String)] = []
                var next: ByteBuffer? = first
                var lookAhead: ByteBuffer? = second
                var number = 0
                var running = 0
                while let part = next {
                    number += 1
                    let partNumber = number
                    group.addTask {
                        (partNumber, try await self.uploadPart(key, uploadID: uploadID, number: partNumber, body: part))
                    }
                    running += 1
                    if running == width, let done = try await group.next() {
                        eTags.append(done)
                        running -= 1
                    }
                    next = lookAhead
                    lookAhead = next == nil ? nil : try await nextPart()
                }
                for try await done in group { eTags.append(done) }
                return eTags.sorted { $0.number < $1.number }.map(\.eTag)
            }
            return try await completeMultipartUpload(key, uploadID: uploadID, eTags: eTags)
        } catch {
            do {
                try await abortMultipartUpload(key, uploadID: uploadID)
            } catch let abortError {
                logger.warning(
                    "S3 multipart upload could not be aborted",
                    metadata: ["s3.key": "\(key)", "s3.upload_id": "\(uploadID)", "error": "\(abortError)"])
            }
            throw error
        }
    }

    /// Starts a multipart upload and returns its upload ID.
    public func createMultipartUpload(_ key: String, contentType: String? = nil) async throws -> String {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        let response = try await send("POST", key: key, query: [("uploads", "")], headers: headers)
        guard let root = S3XMLElement.parse(response.body.readableBytesView),
            let uploadID = root.text(of: "UploadId"), !uploadID.isEmpty
        else {
            throw S3Error(
                statusCode: response.status, code: "MalformedResponse",
                message: "CreateMultipartUpload returned no UploadId", operation: "POST \(key)?uploads")
        }
        return uploadID
    }

    /// Uploads part `number` (1-based) and returns its entity tag (with its quotes).
    public func uploadPart(_ key: String, uploadID: String, number: Int, body: ByteBuffer) async throws -> String {
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: body)
        guard let eTag = response.headers.first(name: "etag") else {
            throw S3Error(
                statusCode: response.status, code: "MalformedResponse", message: "UploadPart returned no ETag",
                operation: "PUT \(key) part \(number)")
        }
        return eTag
    }

    /// Completes the upload from the parts' entity tags, in order; returns the object's entity tag.
    ///
    /// S3 can answer 200 with an `<Error>` document here; that throws too.
    @discardableResult
    public func completeMultipartUpload(_ key: String, uploadID: String, eTags: [String]) async throws -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, eTag) in eTags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(Self.escapeXML(eTag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send("POST", key: key, query: [("uploadId", uploadID)], body: ByteBuffer(string: xml))
        let root = S3XMLElement.parse(response.body.readableBytesView)
        if root?.name == "Error" {
            throw S3Error(
                statusCode: response.status, body: Array(response.body.readableBytesView),
                operation: "POST \(key)?uploadId")
        }
        return Self.unquote(root?.text(of: "ETag") ?? "")
    }

    /// Abandons the upload and frees its parts.
    public func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        _ = try await send("DELETE", key: key, query: [("uploadId", uploadID)], allowing: [404])
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
