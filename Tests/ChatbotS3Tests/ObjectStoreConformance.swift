import ChatbotCore
import Crypto
import Foundation
import Testing

/// Assertions every ``ObjectStore`` must pass, written once and run for each implementation.
/// `store` must start empty.
enum ObjectStoreConformance {
    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// put, get, exists, delete and list round-trip content by its SHA-256.
    static func roundTrip(_ store: any ObjectStore) async throws {
        #expect(try await store.list().isEmpty)
        let data = Data("hello, objects".utf8)
        let key = try await store.put(data)
        #expect(key == hex(data))
        #expect(try await store.get(key) == data)
        #expect(try await store.exists(key))

        let empty = try await store.put(Data())
        #expect(empty == hex(Data()))
        #expect(try await store.get(empty) == Data())
        #expect(Set(try await store.list()) == [key, empty])

        try await store.delete(key)
        #expect(try await !store.exists(key))
        #expect(try await store.get(key) == nil)
        try await store.delete(key)  // deleting a missing key is fine
        #expect(try await store.list() == [empty])
    }

    /// Storing the same bytes twice stores them once; binary content survives unchanged.
    static func deduplicates(_ store: any ObjectStore) async throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let first = try await store.put(data)
        let second = try await store.put(data)
        #expect(first == second)
        #expect(try await store.list() == [first])
        #expect(try await store.get(first) == data)
    }

    /// Keys that are not SHA-256 hex are usage errors, so nothing escapes the store's root or prefix.
    static func rejectsInvalidKeys(_ store: any ObjectStore) async throws {
        let keys = [
            "../../etc/passwd", "", "abc", String(repeating: "A", count: 64), String(repeating: "g", count: 64),
            "../" + String(repeating: "a", count: 61), String(repeating: "a", count: 65),
            "/" + String(repeating: "a", count: 63),
        ]
        for key in keys {
            let error = try await #require(throws: ChatbotError.self) { try await store.get(key) }
            #expect(error.kind == .usage)
            await #expect(throws: ChatbotError.self) { try await store.exists(key) }
            await #expect(throws: ChatbotError.self) { try await store.delete(key) }
        }
    }

    /// A valid key that was never stored: absent, not an error.
    static func missingKey(_ store: any ObjectStore) async throws {
        let key = String(repeating: "0", count: 64)
        #expect(try await store.get(key) == nil)
        #expect(try await !store.exists(key))
        try await store.delete(key)
    }

    /// Many objects, listed completely.
    static func listsMany(_ store: any ObjectStore, count: Int) async throws {
        var keys: Set<String> = []
        for index in 0..<count { keys.insert(try await store.put(Data("object \(index)".utf8))) }
        let listed = try await store.list()
        #expect(listed.count == count)
        #expect(Set(listed) == keys)
    }

    static func all(_ makeStore: () async throws -> any ObjectStore) async throws {
        try await roundTrip(makeStore())
        try await deduplicates(makeStore())
        try await rejectsInvalidKeys(makeStore())
        try await missingKey(makeStore())
        try await listsMany(makeStore(), count: 7)
    }
}
