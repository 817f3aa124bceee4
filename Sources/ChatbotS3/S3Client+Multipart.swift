import CZlibCRC
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
        let uploadID = try await createMultipartUpload(key, contentType: contentType, checksumAlgorithm: "CRC32")
        do {
            let width = max(concurrency, 1)
            let parts = try await withThrowingTaskGroup(of: (number: Int, eTag: String, crc32: String).self) {
                group in
                var parts: [(number: Int, eTag: String, crc32: String)] = []
                var next: ByteBuffer? = first
                var lookAhead: ByteBuffer? = second
                var number = 0
                var running = 0
                while let part = next {
                    number += 1
                    let partNumber = number
                    group.addTask {
                        let crc32 = Self.crc32(part)
                        let eTag = try await self.uploadPart(
                            key, uploadID: uploadID, number: partNumber, body: part, checksumCRC32: crc32)
                        return (partNumber, eTag, crc32)
                    }
                    running += 1
                    if running == width, let done = try await group.next() {
                        parts.append(done)
                        running -= 1
                    }
                    next = lookAhead
                    lookAhead = next == nil ? nil : try await nextPart()
                }
                for try await done in group { parts.append(done) }
                return parts.sorted { $0.number < $1.number }
            }
            return try await completeMultipartUpload(
                key, uploadID: uploadID, eTags: parts.map(\.eTag), checksumsCRC32: parts.map(\.crc32))
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

    /// Starts a multipart upload and returns its upload ID. With `checksumAlgorithm` (`CRC32`), every
    /// part must carry that checksum and the server checks it (S3's flexible checksums).
    public func createMultipartUpload(
        _ key: String, contentType: String? = nil, checksumAlgorithm: String? = nil
    ) async throws -> String {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        if let checksumAlgorithm { headers.append(("x-amz-checksum-algorithm", checksumAlgorithm)) }
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

    /// Uploads part `number` (1-based) and returns its entity tag (with its quotes). With
    /// `checksumCRC32` (base64, as ``crc32(_:)`` gives it) the server refuses a part whose bytes
    /// do not match it.
    public func uploadPart(
        _ key: String, uploadID: String, number: Int, body: ByteBuffer, checksumCRC32: String? = nil
    ) async throws -> String {
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
            headers: checksumCRC32.map { [("x-amz-checksum-crc32", $0)] } ?? [], body: body)
        guard let eTag = response.headers.first(name: "etag") else {
            throw S3Error(
                statusCode: response.status, code: "MalformedResponse", message: "UploadPart returned no ETag",
                operation: "PUT \(key) part \(number)")
        }
        return eTag
    }

    /// Completes the upload from the parts' entity tags (and, for an upload started with a CRC32
    /// checksum algorithm, their checksums), in order; returns the object's entity tag.
    ///
    /// S3 can answer 200 with an `<Error>` document here; that throws too.
    @discardableResult
    public func completeMultipartUpload(
        _ key: String, uploadID: String, eTags: [String], checksumsCRC32: [String]? = nil
    ) async throws -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, eTag) in eTags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(Self.escapeXML(eTag))</ETag>"
            if let checksums = checksumsCRC32, index < checksums.count {
                xml += "<ChecksumCRC32>\(checksums[index])</ChecksumCRC32>"
            }
            xml += "</Part>"
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

    /// The CRC-32 of `bytes` as S3 wants it in `x-amz-checksum-crc32`: four big-endian bytes, base64.
    public static func crc32(_ bytes: ByteBuffer) -> String {
        let value = bytes.withUnsafeReadableBytes { raw -> UInt32 in
            var crc = CZlibCRC.crc32(0, nil, 0)
            var offset = 0
            while offset < raw.count {  // zlib takes a 32-bit length
                let length = min(raw.count - offset, 1 << 30)
                crc = CZlibCRC.crc32(
                    crc, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
                offset += length
            }
            return UInt32(truncatingIfNeeded: crc)
        }
        return Data([UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
            .base64EncodedString()
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
