public import ChatbotCore
import Crypto
public import Foundation
import NIOCore

/// ``ObjectStore`` on an S3-compatible bucket, content-addressed like ``FileSystemObjectStore``.
///
/// The object with key `abcdef…` lives at `prefix/ab/cd/abcdef…`. Keys that are not 64 lowercase
/// hex characters are refused, so no key can name anything outside the prefix. S3 errors become
/// ``ChatbotError``s with a hint.
public struct S3ObjectStore: ObjectStore {
    /// The client that talks to the bucket.
    public let client: S3Client
    /// Keys per ListObjectsV2 page in ``list()`` (`nil`: the server's default, 1000 on AWS).
    public var listPageSize: Int?

    /// Creates a store on `client`'s bucket and prefix.
    public init(client: S3Client, listPageSize: Int? = nil) {
        self.client = client
        self.listPageSize = listPageSize
    }

    /// Stores `data` and returns its SHA-256 (hex); nothing is uploaded when HEAD finds the object.
    public func put(_ data: Data) async throws -> String {
        let key = ObjectKey.hex(SHA256.hash(data: data))
        let objectKey = Self.objectKey(forValidKey: key)
        try await mappingErrors {
            if try await client.headObject(objectKey) != nil { return }
            try await client.putObject(objectKey, body: ByteBuffer(bytes: data))
        }
        return key
    }

    /// The bytes stored under `key`, or `nil`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func get(_ key: String) async throws -> Data? {
        let objectKey = try Self.objectKey(for: key)
        return try await mappingErrors {
            try await client.getObject(objectKey).map { Data($0.readableBytesView) }
        }
    }

    /// Whether something is stored under `key`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func exists(_ key: String) async throws -> Bool {
        let objectKey = try Self.objectKey(for: key)
        return try await mappingErrors { try await client.headObject(objectKey) != nil }
    }

    /// Removes `key`; a missing key is not an error.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func delete(_ key: String) async throws {
        let objectKey = try Self.objectKey(for: key)
        try await mappingErrors { try await client.deleteObject(objectKey) }
    }

    /// Every key under the prefix, following ListObjectsV2 pages; other objects are skipped.
    public func list() async throws -> [String] {
        let objects = try await mappingErrors { try await client.listAllObjects(pageSize: listPageSize) }
        return objects.compactMap { object in
            let key = String(object.key.split(separator: "/").last ?? "")
            return Self.isValidKey(key) && object.key == Self.objectKey(forValidKey: key) ? key : nil
        }
    }

    /// Whether `key` is a SHA-256 digest in lowercase hex.
    public static func isValidKey(_ key: String) -> Bool {
        key.utf8.count == 64
            && key.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }

    /// `ab/cd/abcd…` for a valid key (relative to the client's prefix).
    public static func objectKey(for key: String) throws -> String {
        guard isValidKey(key) else {
            throw ChatbotError(
                .usage, "'\(key.prefix(80))' is not an object key",
                hint: "object keys are SHA-256 digests: 64 lowercase hex characters")
        }
        return objectKey(forValidKey: key)
    }

    private static func objectKey(forValidKey key: String) -> String {
        "\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)"
    }

    private func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        try await client.mappingErrors(body)
    }

    /// The user-facing form of an S3 failure (see ``S3Error/chatbotError(bucket:endpoint:)``);
    /// without the endpoint, an unreachable server is named by its bucket.
    public static func chatbotError(_ error: S3Error, bucket: String) -> ChatbotError {
        error.chatbotError(bucket: bucket)
    }
}
