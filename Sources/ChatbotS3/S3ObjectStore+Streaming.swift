public import ChatbotCore
import Crypto
import Foundation
import NIOCore
import Synchronization

extension S3ObjectStore {
    /// Uploads `chunks` as they arrive to a staging key (`incoming/<uuid>` under the prefix, in
    /// 5 MiB multipart parts, two on the wire) while hashing them, then copies the staged object
    /// to the content's key on the server (unless it is stored already) and deletes the staged
    /// one. An interrupted stream or one past `maxBytes` aborts the multipart upload: nothing stays.
    public func put(streaming chunks: ObjectByteStream, maxBytes: Int) async throws -> StoredObject {
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
private final class StreamDigest: Sendable {
    private let state = Mutex((hasher: SHA256(), size: 0))

    func add(_ chunk: Data, maxBytes: Int) throws {
        try state.withLock { state in
            state.size += chunk.count
            guard state.size <= maxBytes else { throw ObjectStoreLimits.tooLarge(maxBytes) }
            state.hasher.update(data: chunk)
        }
    }

    func finish() -> (key: String, size: Int) {
        state.withLock { state in (ObjectKey.hex(state.hasher.finalize()), state.size) }
    }
}
