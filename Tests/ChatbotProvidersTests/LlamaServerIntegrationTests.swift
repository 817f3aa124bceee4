import ChatbotCore
import ChatbotProviders
import Foundation
import Testing

/// Where the real llama-server listens: `CHATBOT_TEST_LLAMA_URL` (CI sets it), e.g.
/// `http://127.0.0.1:8080/v1`.
enum LlamaServerEnvironment {
    static var baseURL: String? {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_LLAMA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Runs against a real llama-server when `CHATBOT_TEST_LLAMA_URL` is set; skipped otherwise.
@Suite("llama-server integration", .enabled(if: LlamaServerEnvironment.baseURL != nil))
struct LlamaServerIntegrationTests {
    @Test("streams a short deterministic answer with usage from SmolLM2-135M-Instruct")
    func streamsFromLlamaServer() async throws {
        let baseURL = try #require(LlamaServerEnvironment.baseURL)
        let endpoint = ProviderEndpoint(name: "local", baseURL: baseURL)
        let request = ChatRequest(
            model: "SmolLM2-135M-Instruct",
            messages: [ChatMessage(role: .user, content: "What is the capital of France? Answer in one word.")],
            temperature: 0,
            maxTokens: 16
        )
        let timeouts = ProviderTimeouts(connect: .seconds(10), idle: .seconds(120))
        let outcome = try await ProviderTestSupport.withClient(timeouts: timeouts) { client in
            await ProviderTestSupport.collect(client.streamChat(request, endpoint: endpoint))
        }
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(!outcome.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let usage = outcome.events.compactMap { event -> ChatUsage? in
            if case .usage(let usage) = event { return usage }
            return nil
        }
        let reported = try #require(usage.last)
        #expect(reported.promptTokens > 0)
        #expect(reported.completionTokens > 0 && reported.completionTokens <= 16)
        #expect(outcome.events.last.map { if case .finished = $0 { true } else { false } } == true)
    }
}
