public import Foundation
import Logging
public import NIOCore
import NIOHTTP1

extension S3Client {
    /// The smallest part S3 accepts (except the last): 5 MiB.
    public static let minimumPartSize = 5 * 1024 * 1024

    /// Uploads the file at `fileURL` to `key` in parts of `partSize` bytes, reading one part at a time.
    ///
    /// Content that fits in one part is sent with a single PUT. On failure the multipart upload is
    /// aborted so no orphaned parts are left.
    /// - Returns: the entity tag of the stored object.
    @discardableResult
    public func uploadMultipart(
        _ key: String,
        fileAt fileURL: URL,
        partSize: Int = 8 * 1024 * 1024,
        contentType: String? = nil
    ) async throws -> String {
        let handle = try FileHandle(forReadingFrom: fileURL)
        defer { try? handle.close() }
        let size = max(partSize, Self.minimumPartSize)
        return try await uploadParts(key, partSize: size, contentType: contentType) {
            guard let data = try handle.read(upToCount: size), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
    }

    /// Uploads `bytes` to `key` in parts of `partSize` bytes (at least 5 MiB) while they arrive.
    ///
    /// Memory stays bounded: at most two parts plus one chunk of `bytes` are held. Content that fits
    /// in one part is sent with a single PUT. On failure the multipart upload is aborted.
    /// - Returns: the entity tag of the stored object.
    @discardableResult
    public func uploadMultipart<Bytes: AsyncSequence>(
        _ key: String,
        bytes: Bytes,
        partSize: Int = 8 * 1024 * 1024,
        contentType: String? = nil
    ) async throws -> String where Bytes.Element == ByteBuffer {
        let size = max(partSize, Self.minimumPartSize)
        var iterator = bytes.makeAsyncIterator()
        var pending = ByteBuffer()
        var finished = false
        return try await uploadParts(key, partSize: size, contentType: contentType) {
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

    /// Reads parts with `nextPart` (one look-ahead) and uploads them: one PUT when there is a single
    /// part, else create / upload part… / complete, aborting on any error.
    private func uploadParts(
        _ key: String,
        partSize: Int,
        contentType: String?,
        nextPart: () async throws -> ByteBuffer?
    ) async throws -> String {
        let first = try await nextPart() ?? ByteBuffer()
        guard var upcoming = try await nextPart() else {
            return try await putObject(key, body: first, contentType: contentType)
        }
        let uploadID = try await createMultipartUpload(key, contentType: contentType)
        do {
            var eTags = [try await uploadPart(key, uploadID: uploadID, number: 1, body: first)]
            while true {
                let current = upcoming
                let following = try await nextPart()
                eTags.append(try await uploadPart(key, uploadID: uploadID, number: eTags.count + 1, body: current))
                guard let following else { break }
                upcoming = following
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
