import ChatbotCore
import ChatbotS3
import Foundation

/// An ``S3ObjectStore`` whose `list()` runs with moto's signature checks off (see
/// ``MotoServer/withoutSignatureChecks(endpoint:_:)``); every other call stays signature-checked.
struct MotoListingStore: ObjectStore {
    var base: S3ObjectStore

    func put(_ data: Data) async throws -> String { try await base.put(data) }
    func get(_ key: String) async throws -> Data? { try await base.get(key) }
    func exists(_ key: String) async throws -> Bool { try await base.exists(key) }
    func delete(_ key: String) async throws { try await base.delete(key) }

    func list() async throws -> [String] {
        try await MotoServer.withoutSignatureChecks(endpoint: base.client.configuration.endpoint) {
            try await base.list()
        }
    }
}
