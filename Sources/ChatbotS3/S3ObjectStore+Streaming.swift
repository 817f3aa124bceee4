public import ChatbotCore
import Crypto
import Foundation
import NIOCore

extension S3ObjectStore: ObjectStreamingStore {
    /// Uploads `chunks` as they arrive to a staging key (`incoming/<uuid>` under the prefix, in
    /// 5 MiB multipart parts, two on the wire) while hashing them, then copies the staged object
    /// to the content's key on the server (unless it is stored already) and deletes the staged
    /// one. An interrupted stream or one past `maxBytes` aborts the multipart upload: nothing stays.
    public func putStream(_ chunks: ObjectByteStream, maxBytes: Int) async throws -> StoredObject {
        let staging = "incoming/" + UUID().uuidString.lowercased()
        let digest = StreamDigest()
        let hashed = chunks.map { chunk -> ByteBuffer in
            try digest.add(chunk, maxBytes: maxBytes)
            return ByteBuffer(bytes: chunk)
        }
        try await client.mappingErrors {
            _ = try await client.uploadMultipart(
                staging, bytes: hashed, partSize: S3Client.minimumPartSize, concurrency: 2)
        }
        let (key, size) = digest.finish()
        do {
            let objectKey = try Self.objectKey(for: key)
            try await client.mappingErrors {
                if try await client.headObject(objectKey) == nil {
                    try await client.copyObject(from: staging, to: objectKey)
                }
            }
        } catch {
            try? await client.deleteObject(staging)
            throw error
        }
        try? await client.deleteObject(staging)
        return StoredObject(key: key, size: size)
    }
}

/// The running SHA-256 and size of a stream, shared with the closure that sees each chunk.
private final class StreamDigest: @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()
    private var size = 0

    func add(_ chunk: Data, maxBytes: Int) throws {
        try lock.withLock {
            size += chunk.count
            guard size <= maxBytes else { throw ObjectStoreLimits.tooLarge(maxBytes) }
            hasher.update(data: chunk)
        }
    }

    func finish() -> (key: String, size: Int) {
        lock.withLock {
            let key = hasher.finalize().map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
            return (key, size)
        }
    }
}
