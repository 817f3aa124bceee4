public import Foundation

/// Content-addressed blob storage: the filesystem by default, S3-compatible in production.
///
/// Keys are lowercase hex SHA-256 digests of the content, so storing the same bytes twice
/// stores them once.
public protocol ObjectStore: Sendable {
    /// Stores `data` and returns its key (SHA-256, hex). Storing existing content is a no-op.
    func put(_ data: Data) async throws -> String
    /// The bytes stored under `key`, or `nil` when there are none.
    func get(_ key: String) async throws -> Data?
    /// Whether something is stored under `key`.
    func exists(_ key: String) async throws -> Bool
    /// Removes `key`; removing a missing key is not an error.
    func delete(_ key: String) async throws
    /// Every key in the store, in no particular order.
    func list() async throws -> [String]
    /// Stores bytes that arrive as `chunks`, hashed on the way, under their SHA-256, and returns
    /// the key and size. Nothing is stored when `chunks` throws (an interrupted upload) or when the
    /// bytes pass `maxBytes` (``ChatbotError`` `.tooLarge`, thrown as soon as the cap is passed).
    /// The filesystem and S3 stores hold a bounded part at a time; the default collects the bytes
    /// in memory, which suits test stores only.
    func put(streaming chunks: ObjectByteStream, maxBytes: Int) async throws -> StoredObject
}

/// What ``ObjectStore/put(streaming:maxBytes:)`` stored: the key (the SHA-256 of the bytes) and
/// their number.
public struct StoredObject: Sendable, Hashable, Codable {
    /// The content's key (SHA-256, lowercase hex).
    public var key: String
    /// The number of bytes.
    public var size: Int

    /// Creates the description.
    public init(key: String, size: Int) {
        self.key = key
        self.size = size
    }
}

/// The chunks of a body that is stored while it arrives (an upload), pulled one at a time so a
/// slow store slows the sender down instead of buffering.
public typealias ObjectByteStream = AsyncThrowingStream<Data, any Error>

extension ObjectStore {
    /// Collects `chunks` in memory, then ``put(_:)`` (see the requirement).
    public func put(streaming chunks: ObjectByteStream, maxBytes: Int) async throws -> StoredObject {
        var collected = Data()
        for try await chunk in chunks {
            guard collected.count + chunk.count <= maxBytes else { throw ObjectStoreLimits.tooLarge(maxBytes) }
            collected.append(chunk)
        }
        return StoredObject(key: try await put(collected), size: collected.count)
    }
}

/// The errors every store's streaming put shares.
public enum ObjectStoreLimits {
    /// The error for bytes past `maxBytes`.
    public static func tooLarge(_ maxBytes: Int) -> ChatbotError {
        ChatbotError(
            .tooLarge,
            "the upload is larger than the limit of "
                + ByteCountFormatter.string(fromByteCount: Int64(maxBytes), countStyle: .file))
    }
}

/// Object keys: a SHA-256 digest in lowercase hex.
public enum ObjectKey {
    /// `digest` (the bytes of a SHA-256) as a key.
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
