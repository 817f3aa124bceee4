import ChatbotCore
import ChatbotStorage
import Crypto
import Foundation
import Testing

@Suite("FileSystemObjectStore")
struct FileSystemObjectStoreTests {
    @Test("put, get, exists, delete and list round-trip content by its SHA-256")
    func roundTrip() async throws {
        try await TemporaryDirectory.with { directory in
            let store = FileSystemObjectStore(root: directory.appending("objects"))
            #expect(try await store.list().isEmpty)

            let data = Data("hello, objects".utf8)
            let key = try await store.put(data)
            let expected = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(key == expected)
            let path = directory.appending("objects/\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)")
            #expect(FileManager.default.fileExists(atPath: path.path))
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
    }

    @Test("storing the same bytes twice stores them once")
    func deduplicates() async throws {
        try await TemporaryDirectory.with { directory in
            let store = FileSystemObjectStore(root: directory.url)
            let data = Data((0..<10_000).map { UInt8($0 % 251) })
            let first = try await store.put(data)
            let second = try await store.put(data)
            #expect(first == second)
            #expect(try await store.list() == [first])
            // No temporary files are left behind.
            let directoryOfObject = directory.url
                .appendingPathComponent(String(first.prefix(2)))
                .appendingPathComponent(String(first.dropFirst(2).prefix(2)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directoryOfObject.path) == [first])
        }
    }

    @Test(
        "keys that are not SHA-256 hex are refused",
        arguments: [
            "../../etc/passwd", "", "abc", String(repeating: "A", count: 64), String(repeating: "g", count: 64),
            "../" + String(repeating: "a", count: 61), String(repeating: "a", count: 65),
            "/" + String(repeating: "a", count: 63),
        ]
    )
    func rejectsInvalidKeys(key: String) async throws {
        try await TemporaryDirectory.with { directory in
            let store = FileSystemObjectStore(root: directory.appending("objects"))
            let getError = try await #require(throws: ChatbotError.self) { try await store.get(key) }
            #expect(getError.kind == .usage)
            await #expect(throws: ChatbotError.self) { try await store.exists(key) }
            await #expect(throws: ChatbotError.self) { try await store.delete(key) }
        }
    }

    @Test("list skips files that are not objects")
    func listSkipsStrayFiles() async throws {
        try await TemporaryDirectory.with { directory in
            let store = FileSystemObjectStore(root: directory.url)
            let key = try await store.put(Data("x".utf8))
            let objectDirectory = directory.url
                .appendingPathComponent(String(key.prefix(2)))
                .appendingPathComponent(String(key.dropFirst(2).prefix(2)))
            try Data().write(to: objectDirectory.appendingPathComponent(".tmp-leftover"))
            try Data().write(to: directory.appending("README"))
            #expect(try await store.list() == [key])
        }
    }
}
