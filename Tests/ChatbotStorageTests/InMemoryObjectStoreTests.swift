import ChatbotCore
import ChatbotTestSupport
import Crypto
import Foundation
import Testing

/// ChatbotTestSupport's ``InMemoryObjectStore`` keeps the rules of ``FileSystemObjectStore``.
@Suite("InMemoryObjectStore")
struct InMemoryObjectStoreTests {
    @Test("put, get, exists, delete and list round-trip content by its SHA-256, once per content")
    func roundTrip() async throws {
        let store = InMemoryObjectStore()
        #expect(try await store.list().isEmpty)
        let data = Data("hello, objects".utf8)
        let key = try await store.put(data)
        #expect(key == SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        #expect(try await store.put(data) == key)
        #expect(try await store.get(key) == data)
        #expect(try await store.exists(key))
        let other = try await store.put(Data())
        #expect(Set(try await store.list()) == [key, other])
        try await store.delete(key)
        #expect(try await !store.exists(key))
        #expect(try await store.get(key) == nil)
        try await store.delete(key)  // deleting a missing key is fine
        #expect(try await store.list() == [other])
    }

    @Test(
        "keys that are not SHA-256 hex are refused",
        arguments: [
            "../../etc/passwd", "", "abc", String(repeating: "A", count: 64), String(repeating: "a", count: 65),
        ])
    func rejectsInvalidKeys(key: String) async throws {
        let store = InMemoryObjectStore()
        let error = try await #require(throws: ChatbotError.self) { try await store.get(key) }
        #expect(error.kind == .usage)
        await #expect(throws: ChatbotError.self) { try await store.exists(key) }
        await #expect(throws: ChatbotError.self) { try await store.delete(key) }
    }
}
