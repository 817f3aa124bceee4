public import ChatbotCore
import ChatbotStorage
import Crypto
public import Foundation
import Synchronization

/// ``ObjectStore`` in memory, for tests: content-addressed by SHA-256 like the filesystem and S3
/// stores, with the same key rules (64 lowercase hex characters; other keys are a usage error).
public final class InMemoryObjectStore: ObjectStore {
    private let objects = Mutex<[String: Data]>([:])

    /// Creates an empty store.
    public init() {}

    /// Stores `data` and returns its SHA-256 (hex); content already stored is kept as it is.
    public func put(_ data: Data) async throws -> String {
        let key = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        objects.withLock { objects in
            if objects[key] == nil { objects[key] = data }
        }
        return key
    }

    /// The bytes stored under `key`, or `nil` when there are none.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for a key that is not 64 lowercase hex characters.
    public func get(_ key: String) async throws -> Data? {
        try Self.validate(key)
        return objects.withLock { $0[key] }
    }

    /// Whether something is stored under `key`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func exists(_ key: String) async throws -> Bool {
        try Self.validate(key)
        return objects.withLock { $0[key] != nil }
    }

    /// Removes `key`; removing a missing key is not an error.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func delete(_ key: String) async throws {
        try Self.validate(key)
        objects.withLock { $0[key] = nil }
    }

    /// Every key in the store, sorted.
    public func list() async throws -> [String] {
        objects.withLock { $0.keys.sorted() }
    }

    private static func validate(_ key: String) throws {
        guard FileSystemObjectStore.isValidKey(key) else {
            throw ChatbotError(
                .usage, "'\(key.prefix(80))' is not an object key",
                hint: "object keys are SHA-256 digests: 64 lowercase hex characters")
        }
    }
}
