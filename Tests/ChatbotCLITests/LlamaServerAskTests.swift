import Foundation
import Testing

/// `chatbot ask` against a real llama-server (SmolLM2-135M), as Scripts/test starts one.
@Suite("chatbot ask against a real llama-server", .enabled(if: CLISandbox.llamaURL != nil))
struct LlamaServerAskTests {
    /// Points the local provider at the test server, so nothing is auto-started.
    static var environment: [String: String] {
        ["CHATBOT_PROVIDERS_LOCAL_BASE_URL": CLISandbox.llamaURL ?? ""]
    }

    @Test("streams an answer", arguments: [[], ["--no-stream"]])
    func answers(extra: [String]) async throws {
        try await CLISandbox.with { sandbox in
            let arguments = ["ask", "--temperature", "0", "--max-tokens", "16"] + extra + ["Say hello in one word."]
            let result = try await sandbox.start(arguments, environment: Self.environment).finish(timeout: .seconds(90))
            #expect(result.exitCode == 0, "\(result)")
            #expect(!result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

            let messages = try await sandbox.latestMessages()
            let assistant = try #require(messages.last)
            #expect(assistant["provider"] as? String == "local")
            #expect(assistant["status"] as? String == "complete")
            #expect(
                (assistant["content"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
                    == result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test("--json prints answer, model, provider, usage, cost, conversation_id and latency_ms")
    func json() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "ask", "--json", "--temperature", "0", "--max-tokens", "16", "What is 2+2?",
                environment: Self.environment, timeout: .seconds(90))
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            for key in ["answer", "model", "provider", "usage", "cost", "conversation_id", "latency_ms"] {
                #expect(object.keys.contains(key), "missing \(key)")
            }
            #expect((object["answer"] as? String)?.isEmpty == false)
            #expect(object["provider"] as? String == "local")
            #expect((object["model"] as? String)?.isEmpty == false)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0)
            #expect((usage["completion_tokens"] as? Int ?? 0) > 0)
            #expect((usage["completion_tokens"] as? Int ?? 99) <= 16)
            #expect((object["latency_ms"] as? Int ?? -1) >= 0)
            #expect((object["conversation_id"] as? String)?.isEmpty == false)
        }
    }
}
