import ChatbotCore
import ChatbotStorage
import Foundation
import Testing

@Suite("ObjectStore conformance: FileSystemObjectStore")
struct FileSystemObjectStoreConformanceTests {
    @Test("the shared ObjectStore assertions hold for the filesystem store")
    func conformance() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-s3-conformance-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try await ObjectStoreConformance.all {
            FileSystemObjectStore(root: root.appendingPathComponent(UUID().uuidString, isDirectory: true))
        }
    }

    @Test("a stream is stored through a temporary file that never outlives the put")
    func streaming() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-s3-streaming-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try await ObjectStoreConformance.streams(FileSystemObjectStore(root: root)) {
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(".incoming").path)) ?? []
        }
    }
}
