import ChatbotCore
import ChatbotStorage
import Foundation
import Logging
import SQLKit

@testable import ChatbotBackup

/// A data directory for one test: a SQLite store and a filesystem object store under a temporary
/// directory, removed afterwards.
struct StoreFixture: Sendable {
    let root: URL
    let store: SQLiteDatabaseStore
    let objects: FileSystemObjectStore

    var databaseURL: URL { root.appendingPathComponent("chatbot.sqlite") }

    static func open(in root: URL) async throws -> StoreFixture {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let store = try await SQLiteDatabaseStore.open(
            at: root.appendingPathComponent("chatbot.sqlite"), logger: Logger(label: "test"))
        return StoreFixture(
            root: root, store: store, objects: FileSystemObjectStore(root: root.appendingPathComponent("objects")))
    }

    /// Fills the store with conversations, messages of every shape, cached responses and objects.
    func populate(conversations: Int = 5, messagesEach: Int = 30) async throws {
        let texts = [
            "the quick brown fox jumps", "quotes \" and \\ backslashes", "line\nbreaks\tand tabs\r",
            "control \u{01}\u{1F} chars", "unicode: žluťoučký kůň, 日本語, emoji 🦊", "",
        ]
        var time = Date(timeIntervalSince1970: 1_750_000_000)
        for index in 0..<conversations {
            let conversation = try await store.conversations.createConversation(title: "conversation \(index) ✓")
            for number in 0..<messagesEach {
                time += 1
                let assistant = number % 2 == 1
                try await store.conversations.appendMessage(
                    MessageRecord(
                        id: UUID().uuidString.lowercased(), conversationID: conversation.id,
                        role: assistant ? .assistant : .user,
                        content: "\(texts[number % texts.count]) #\(index)-\(number)",
                        model: assistant ? "m" : nil, provider: assistant ? "p" : nil,
                        promptTokens: assistant ? number * 7 : nil, completionTokens: assistant ? Int.max / 3 : nil,
                        cost: assistant ? [0.1, 1e-7, 12345.678, 0][number % 4] : nil,
                        latencyMs: assistant ? 250 : nil,
                        status: [.complete, .failed, .interrupted][number % 3],
                        error: number % 3 == 1 ? "boom \"x\"" : nil, cached: number % 5 == 0,
                        createdAt: time))
            }
        }
        for index in 0..<3 {
            try await store.conversations.storeCachedResponse(
                CachedResponse(
                    key: "key-\(index)", provider: "p", model: "m", content: "cached \(index)",
                    usage: index == 0 ? nil : ChatUsage(promptTokens: 3, completionTokens: 4),
                    createdAt: Date(timeIntervalSince1970: 1_750_000_000 + Double(index))))
        }
        // Vectors: two models, odd values (negative zero, tiny, huge, exact halves).
        var vectors: [VectorRecord] = []
        for index in 0..<8 {
            let value = Float(index)
            let huge: Float = index == 7 ? 3.4e38 : 0
            vectors.append(
                VectorRecord(
                    collection: index % 2 == 0 ? "docs" : "notes", itemID: "chunk-\(index)", model: "e5",
                    vector: [value, -0.0, 1e-7, huge, 0.5, -value / 3]))
        }
        vectors.append(VectorRecord(collection: "docs", itemID: "chunk-0", model: "other", vector: [1, 2, 3]))
        try await store.vectors.upsert(vectors)
        // Documents: two collections, odd text in chunks, a title missing, JSON locations.
        try await store.documents.replace(
            DocumentRecord(
                collection: "docs", source: "/docs/harbour.md", contentHash: String(repeating: "a", count: 64),
                mediaType: "markdown", size: 1234, title: "Harbour \"guide\"", metadata: #"{"author":"Kit"}"#),
            chunks: [
                ChunkRecord(
                    ordinal: 0, text: "The harbour tides turn twice a day.", location: #"{"heading":["Tides"]}"#),
                ChunkRecord(
                    ordinal: 1, text: "Tabs\tand\nnewlines \\ in chunk text", location: #"{"heading":["Misc"]}"#),
            ])
        try await store.documents.replace(
            DocumentRecord(
                collection: "docs", source: "/docs/report.pdf", contentHash: String(repeating: "b", count: 64),
                mediaType: "pdf", size: 99_999),
            chunks: (0..<3).map {
                ChunkRecord(ordinal: $0, text: "Page \($0 + 1) of the report.", location: #"{"page":\#($0 + 1)}"#)
            })
        try await store.documents.replace(
            DocumentRecord(
                collection: "notes", source: "https://example.com/a", contentHash: String(repeating: "c", count: 64),
                mediaType: "html", size: 10, title: "日本語 🦊"),
            chunks: [ChunkRecord(ordinal: 0, text: "unicode: žluťoučký kůň"), ChunkRecord(ordinal: 1, text: "")])
        var generator = SystemRandomNumberGenerator()
        for size in [0, 17, 300_000] {
            _ = try await objects.put(Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        }
        _ = try await objects.put(Data(repeating: 65, count: 3_000_000))
    }

    /// Every row of every dumped table, each value rendered with its SQLite type (`quote()`), in
    /// key order: equal only when every value and type is equal.
    func tableContents() async throws -> [String: [String]] {
        let schema = try BackupSchema.forVersion(try await store.migrator.status().currentVersion)
        return try await store.withSnapshot { sql in
            var contents: [String: [String]] = [:]
            for table in schema.tables {
                let columns = table.columns.map { "quote(\"\($0.name)\")" }.joined(separator: " || '|' || ")
                let rows = try await sql.raw(
                    "SELECT \(unsafeRaw: columns) AS row FROM \(ident: table.name) ORDER BY \(ident: table.key)"
                ).all()
                contents[table.name] = try rows.map { try $0.decode(column: "row", as: String.self) }
            }
            return contents
        }
    }

    /// Every object's content by key.
    func objectContents() async throws -> [String: Data] {
        var contents: [String: Data] = [:]
        for key in try await objects.list() { contents[key] = try await objects.get(key) }
        return contents
    }

    func close() async throws { try await store.close() }
}

/// A temporary directory, removed when `body` returns.
func withTemporaryDirectory<T: Sendable>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("chatbot-backup-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Takes a backup of `fixture` into `directory` and returns it opened.
func backUp(_ fixture: StoreFixture, into directory: URL, key: BackupKey? = nil) async throws -> BackupArchive {
    let report = try await BackupCreator(database: fixture.store, objects: fixture.objects).create(
        in: LocalBackupDirectory(url: directory), options: BackupCreateOptions(key: key, chatbotVersion: "test"))
    return try BackupArchive(at: URL(fileURLWithPath: report.path), key: key)
}
