import ChatbotCore
import ChatbotProviders
import Testing

@Suite("ProviderError")
struct ProviderErrorTests {
    private let endpoint = ProviderEndpoint(name: "llama-server", baseURL: "http://127.0.0.1:8080/v1")

    @Test("retryable: connection problems, timeouts, 429 and 5xx; not other 4xx, bad data or cancellation")
    func retryability() {
        #expect(ProviderError.connectionRefused(endpoint).isRetryable)
        #expect(ProviderError.connectionFailed(endpoint, detail: "dns").isRetryable)
        #expect(ProviderError.connectionLost(endpoint).isRetryable)
        #expect(ProviderError.connectTimeout(endpoint, after: .seconds(10)).isRetryable)
        #expect(ProviderError.idleTimeout(endpoint, after: .seconds(60)).isRetryable)
        #expect(ProviderError.requestTimeout(endpoint, after: .seconds(60)).isRetryable)
        for status in [429, 500, 502, 503, 504] {
            #expect(ProviderError.httpStatus(endpoint, status: status, message: nil).isRetryable, "\(status)")
        }
        for status in [400, 401, 403, 404, 422] {
            #expect(!ProviderError.httpStatus(endpoint, status: status, message: nil).isRetryable, "\(status)")
        }
        #expect(!ProviderError.malformedResponse(endpoint, detail: "x").isRetryable)
        #expect(!ProviderError.streamError(endpoint, message: "x").isRetryable)
        #expect(!ProviderError.invalidEndpoint(endpoint, detail: "x").isRetryable)
        #expect(!ProviderError.cancelled(endpoint).isRetryable)
    }

    @Test("429 is its own kind and keeps its Retry-After")
    func rateLimited() {
        let error = ProviderError.httpStatus(endpoint, status: 429, message: "slow down", retryAfter: .seconds(3))
        #expect(error.kind == .rateLimited)
        #expect(error.statusCode == 429)
        #expect(error.retryAfter == .seconds(3))
        #expect(
            error.description
                == "llama-server at http://127.0.0.1:8080/v1 answered 429 (rate limited): slow down; retry after 3 s")
    }

    @Test("the description names the provider, its URL, the status and the provider's message")
    func description() {
        let error = ProviderError.httpStatus(endpoint, status: 500, message: "model failed to load")
        #expect(error.description == "llama-server at http://127.0.0.1:8080/v1 answered 500: model failed to load")
        #expect(
            ProviderError.idleTimeout(endpoint, after: .milliseconds(300)).description.hasSuffix(
                "sent nothing for 300 ms"))
        #expect(!error.description.contains("\n"))
    }

    @Test("maps to the documented exit codes")
    func exitCodes() {
        #expect(ProviderError.connectionRefused(endpoint).chatbotError.kind.exitCode == 69)
        #expect(ProviderError.httpStatus(endpoint, status: 429, message: nil).chatbotError.kind.exitCode == 75)
        #expect(ProviderError.httpStatus(endpoint, status: 503, message: nil).chatbotError.kind.exitCode == 75)
        #expect(ProviderError.idleTimeout(endpoint, after: .seconds(1)).chatbotError.kind.exitCode == 75)
        #expect(ProviderError.httpStatus(endpoint, status: 401, message: nil).chatbotError.kind.exitCode == 1)
        #expect(
            ProviderError.httpStatus(endpoint, status: 401, message: nil).chatbotError.hint?.contains("API key") == true
        )
        #expect(ProviderError.malformedResponse(endpoint, detail: "x").chatbotError.kind.exitCode == 1)
        #expect(ProviderError.invalidEndpoint(endpoint, detail: "x").chatbotError.kind.exitCode == 64)
        #expect(ProviderError.cancelled(endpoint).chatbotError.kind.exitCode == 130)
    }
}
