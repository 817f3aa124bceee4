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

    /// A stream of `data` in `chunk`-byte pieces that throws after `failAfter` bytes when given.
    static func stream(_ data: Data, chunk: Int, failAfter: Int? = nil) -> ObjectByteStream {
        ObjectByteStream { continuation in
            var offset = 0
            while offset < data.count {
                if let failAfter, offset >= failAfter {
                    continuation.finish(throwing: ChatbotError(.runtime, "the connection was closed"))
                    return
                }
                let end = min(offset + chunk, data.count)
                continuation.yield(data.subdata(in: offset..<end))
                offset = end
            }
            continuation.finish()
        }
    }

    /// `put(streaming:)` stores a stream under its SHA-256 once; a stream past the cap or one that
    /// fails stores nothing and leaves no staged bytes (`leftovers` lists them).
    static func streams(
        _ store: any ObjectStore, listing: (any ObjectStore)? = nil, leftovers: () async throws -> [String]
    ) async throws {
        let lister = listing ?? store
        let data = Data((0..<(12 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
        let stored = try await store.put(streaming: stream(data, chunk: 1 << 20), maxBytes: 20 << 20)
        #expect(stored.key == hex(data))
        #expect(stored.size == data.count)
        #expect(try await store.get(stored.key) == data)
        let again = try await store.put(streaming: stream(data, chunk: 300_000), maxBytes: 20 << 20)
        #expect(again == stored)
        #expect(try await lister.list() == [stored.key])

        let small = Data("a small upload".utf8)
        #expect(try await store.put(streaming: stream(small, chunk: 4), maxBytes: 100).key == hex(small))

        let tooLarge = try await #require(throws: ChatbotError.self) {
            try await store.put(streaming: stream(data, chunk: 1 << 20), maxBytes: 3 << 20)
        }
        #expect(tooLarge.kind == .tooLarge)
        await #expect(throws: ChatbotError.self) {
            try await store.put(
                streaming: stream(Data(data.reversed()), chunk: 1 << 20, failAfter: 7 << 20), maxBytes: 20 << 20)
        }
        #expect(Set(try await lister.list()) == [stored.key, hex(small)])
        #expect(try await leftovers().isEmpty)
    }
}
