import ChatbotCore
import ChatbotProviders
import Testing

@Suite("ResponseCacheKey")
struct ResponseCacheKeyTests {
    private let endpoint = ProviderEndpoint(name: "local", baseURL: "http://127.0.0.1:8080/v1", apiKey: "sk-1")
    private let request = ChatRequest(
        model: "SmolLM2-135M-Instruct",
        messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")],
        temperature: 0,
        maxTokens: 16
    )

    @Test("is a stable SHA-256 of the canonical encoding (changing it invalidates stored caches)")
    func stable() {
        let key = ResponseCacheKey(request: request, endpoint: endpoint)
        #expect(key.hex == "a2c68ad1177e38349f4650053243683f63bf3115e634d151aa62cdc11086401d")
        #expect(key == ResponseCacheKey(request: request, endpoint: endpoint))
    }

    @Test("ignores the API key and trailing slashes of the base URL")
    func ignored() {
        var other = endpoint
        other.apiKey = "sk-2"
        other.baseURL += "/"
        #expect(
            ResponseCacheKey(request: request, endpoint: other)
                == ResponseCacheKey(request: request, endpoint: endpoint))
    }

    @Test("every field that decides the answer changes the key")
    func sensitivity() {
        let base = ResponseCacheKey(request: request, endpoint: endpoint)
        var variants: [(String, ChatRequest, ProviderEndpoint)] = []
        func vary(_ label: String, _ change: (inout ChatRequest, inout ProviderEndpoint) -> Void) {
            var request = request
            var endpoint = endpoint
            change(&request, &endpoint)
            variants.append((label, request, endpoint))
        }
        vary("provider") { $1.name = "ollama" }
        vary("base URL") { $1.baseURL = "http://127.0.0.1:8081/v1" }
        vary("model") { r, _ in r.model = "other" }
        vary("content") { r, _ in r.messages[1].content = "Hi!" }
        vary("role") { r, _ in r.messages[0].role = .user }
        vary("message count") { r, _ in r.messages.append(ChatMessage(role: .user, content: "")) }
        vary("temperature") { r, _ in r.temperature = 0.7 }
        vary("no temperature") { r, _ in r.temperature = nil }
        vary("max tokens") { r, _ in r.maxTokens = 17 }
        vary("seed") { r, _ in r.seed = 1 }
        vary("content boundary") { r, _ in
            r.messages = [ChatMessage(role: .system, content: "Be brief.H"), ChatMessage(role: .user, content: "i")]
        }
        var seen: Set<String> = [base.hex]
        for (label, request, endpoint) in variants {
            let key = ResponseCacheKey(request: request, endpoint: endpoint)
            #expect(!seen.contains(key.hex), "\(label) did not change the key")
            seen.insert(key.hex)
        }
    }
}
