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
}
