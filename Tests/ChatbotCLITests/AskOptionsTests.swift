import ChatbotCore
import ChatbotTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("chatbot ask: options, configuration and recording")
struct AskOptionsTests {
    @Test("the question is in the history while the answer is still streaming")
    func committedBeforeAnswer() async throws {
        try await CLISandbox.withFake(defaultBehaviour: .stall(after: ["Thinking"])) { sandbox, _ in
            let running = try sandbox.start(["ask", "-m", "fake:m", "Is this stored already?"])
            let streaming = try await running.waitForStdout { $0.contains("Thinking") }
            #expect(streaming, "\(running.stderr)")
            let messages = try await sandbox.latestMessages()
            #expect(messages.map { $0["role"] as? String } == ["user"])
            #expect(messages.first?["content"] as? String == "Is this stored already?")
            running.send(SIGINT)
            let result = await running.finish(timeout: .seconds(30))
            #expect(result.exitCode == 130, "\(result)")
        }
    }

    @Test("--no-log answers without touching the history")
    func noLog() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.run("ask", "-m", "fake:m", "--no-log", "--json", "secret question")
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            #expect(object["answer"] as? String == "Hello, world")
            #expect(object["conversation_id"] is NSNull)
            #expect(server.requests.count == 1)
            let search = try await sandbox.run("history", "search", "secret")
            #expect(search.exitCode == 0, "\(search)")
            #expect(search.stdout.isEmpty)
            let list = try await sandbox.run("history", "list", "--json")
            #expect(try list.jsonArray().isEmpty)
        }
    }

    @Test("--system is sent first and kept when the conversation continues")
    func systemPrompt() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let first = try await sandbox.run("ask", "-m", "fake:m", "-s", "Answer in haiku.", "Hi")
            #expect(first.exitCode == 0, "\(first)")
            #expect(server.requests.last?.chatMessages.map(\.role) == ["system", "user"])
            #expect(server.requests.last?.chatMessages.first?.content == "Answer in haiku.")

            let conversationID =
                try #require(
                    try await sandbox.run("history", "list", "--json").jsonArray().first as? [String: Any])["id"]
                as? String
            let second = try await sandbox.run(
                "ask", "-m", "fake:m", "--conversation", String(try #require(conversationID).prefix(8)), "Again")
            #expect(second.exitCode == 0, "\(second)")
            let sent = try #require(server.requests.last).chatMessages
            #expect(sent.map(\.role) == ["system", "user", "assistant", "user"])
            #expect(sent.first?.content == "Answer in haiku.")
            #expect(sent.last?.content == "Again")

            let unknown = try await sandbox.run("ask", "-m", "fake:m", "--conversation", "nope-nope", "x")
            #expect(unknown.exitCode == 1, "\(unknown)")
            #expect(server.requests.count == 2)
        }
    }

    @Test("model, alias, API key variable and headers from the config reach the server")
    func configuredProvider() async throws {
        let yaml = """
              corp:
                base_url: "http://127.0.0.1:9/v1"
                api_key_env: CORP_KEY
                default_model: corp-large
                headers: ["X-Team: research"]
            aliases: {quick: corp, fastest: quick}
            model: fastest

            """
        try await CLISandbox.withFake(yaml) { sandbox, server in
            let environment = [
                "CHATBOT_PROVIDERS_CORP_BASE_URL": try #require(
                    sandbox.baseEnvironment["CHATBOT_PROVIDERS_FAKE_BASE_URL"]),
                "CORP_KEY": "corp-secret-key",
            ]
            let result = try await sandbox.run("ask", "--json", "--max-tokens", "5", "hi", environment: environment)
            #expect(result.exitCode == 0, "\(result)")
            #expect(try result.jsonObject()["provider"] as? String == "corp")
            let request = try #require(server.requests.first)
            #expect(request.chatBody?.model == "corp-large")
            #expect(request.chatBody?.maxTokens == 5)
            #expect(request.header("Authorization") == "Bearer corp-secret-key")
            #expect(request.header("X-Team") == "research")
            #expect(!result.stdout.contains("corp-secret-key"))
        }
    }

    @Test("--no-stream prints the whole answer once")
    func noStream() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.run("ask", "-m", "fake:m", "--no-stream", "hi")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "Hello, world\n")
            #expect(server.requests.count == 1)
        }
    }
}
