import Foundation

/// A fresh directory under the system's temporary directory, removed when the test ends.
struct TemporaryDirectory: Sendable {
    let url: URL

    /// Creates the directory, runs `body` with it, and removes it afterwards.
    static func with<T: Sendable>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-storage-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(TemporaryDirectory(url: url))
    }

    /// A path inside the directory.
    func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }
}
