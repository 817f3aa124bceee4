import ChatbotCore
import ChatbotTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("chatbot ask against a fake OpenAI-compatible server")
struct AskCommandTests {
    @Test("streams the answer to stdout and records the exchange")
    func streams() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.run("ask", "-m", "fake:m", "Say", "hello")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "Hello, world\n")
            let request = try #require(server.requests.first)
            #expect(request.path == "/v1/chat/completions")
            #expect(request.chatBody?.model == "m")
            #expect(request.chatMessages.last?.content == "Say hello")

            let messages = try await sandbox.latestMessages()
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
            #expect(messages.last?["content"] as? String == "Hello, world")
            #expect(messages.last?["status"] as? String == "complete")
            #expect(messages.last?["provider"] as? String == "fake")
        }
    }

    @Test("--json prints one object with the documented keys")
    func json() async throws {
        try await CLISandbox.withFake { sandbox, _ in
            let result = try await sandbox.run("ask", "-m", "fake:m", "--json", "hi")
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            for key in [
                "answer", "model", "provider", "usage", "cost", "conversation_id", "latency_ms", "cached", "status",
            ] {
                #expect(object.keys.contains(key), "missing \(key)")
            }
            #expect(object["answer"] as? String == "Hello, world")
            #expect(object["provider"] as? String == "fake")
            #expect(object["cached"] as? Bool == false)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 7)
            #expect(usage["completion_tokens"] as? Int == 3)
            #expect(usage["total_tokens"] as? Int == 10)
            #expect((object["conversation_id"] as? String)?.isEmpty == false)
        }
    }

    @Test("stdin and the arguments both reach the model")
    func stdinAndArguments() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.run(
                "ask", "-m", "fake:m", "--json", "Translate to French", stdin: .bytes(Data("hello\n".utf8)))
            #expect(result.exitCode == 0, "\(result)")
            let user = try #require(server.requests.first?.chatMessages.last)
            #expect(user.role == "user")
            #expect(user.content.contains("Translate to French"))
            #expect(user.content.contains("hello"))
            #expect(
                user.content.range(of: "Translate to French")!.lowerBound < user.content.range(of: "hello")!.lowerBound)
        }
    }

    @Test("-f attaches a file's text to the question")
    func attachesFile() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let path = try sandbox.writeFile("notes.txt", "the launch code is mauve-42\n")
            let result = try await sandbox.run("ask", "-m", "fake:m", "-f", path, "Summarise")
            #expect(result.exitCode == 0, "\(result)")
            let user = try #require(server.requests.first?.chatMessages.last?.content)
            #expect(user.contains("Summarise"))
            #expect(user.contains("notes.txt"))
            #expect(user.contains("mauve-42"))

            let missing = try await sandbox.run("ask", "-m", "fake:m", "-f", sandbox.root.path + "/nope.txt", "x")
            #expect(missing.exitCode == 64, "\(missing)")
            #expect(server.requests.count == 1)
        }
    }

    @Test("binary stdin is refused with exit 64 before anything is sent")
    func binaryStdin() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let bytes = Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00, 0xFF])
            let result = try await sandbox.run("ask", "-m", "fake:m", "what is this", stdin: .bytes(bytes))
            #expect(result.exitCode == 64, "\(result)")
            #expect(result.stderr.contains("binary"))
            #expect(result.stdout.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("the question is committed before the provider is called: a 401 keeps it, exit 1")
    func unauthorizedKeepsQuestion() async throws {
        try await CLISandbox.withFake(defaultBehaviour: .status(401, message: "invalid api key")) { sandbox, server in
            let result = try await sandbox.run("ask", "-m", "fake:m", "Is my question kept?")
            #expect(result.exitCode == 1, "\(result)")
            #expect(server.requests.count == 1)  // not retried
            #expect(result.stderr.contains("401") || result.stderr.lowercased().contains("api key"))

            let messages = try await sandbox.latestMessages()
            let user = try #require(messages.first { $0["role"] as? String == "user" })
            #expect(user["content"] as? String == "Is my question kept?")
            let assistant = try #require(messages.first { $0["role"] as? String == "assistant" })
            #expect(assistant["status"] as? String == "failed")
            #expect((assistant["error"] as? String)?.isEmpty == false)
        }
    }

    @Test("429 with Retry-After: 0 is retried and then answers")
    func retriesRateLimit() async throws {
        try await CLISandbox.withFake { sandbox, server in
            server.enqueue(.status(429, message: "slow down", retryAfter: "0"), .stream(["Second", " try"]))
            let result = try await sandbox.run("ask", "-m", "fake:m", "hi")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "Second try\n")
            #expect(server.requests.count == 2)
        }
    }

    @Test("500 is retried and then answers")
    func retriesServerError() async throws {
        try await CLISandbox.withFake { sandbox, server in
            server.enqueue(.status(500, message: "boom"), .stream(["Recovered"]))
            let result = try await sandbox.run("ask", "-m", "fake:m", "hi")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "Recovered\n")
            #expect(server.requests.count == 2)
        }
    }

    @Test("a reset mid-stream exits 75, prints the partial text and records it as failed")
    func resetMidStream() async throws {
        try await CLISandbox.withFake(defaultBehaviour: .resetMidStream(after: ["Partial", " answer"])) {
            sandbox, _ in
            let result = try await sandbox.run("ask", "-m", "fake:m", "tell me a story")
            #expect(result.exitCode == 75, "\(result)")
            #expect(result.stdout.contains("Partial answer"))
            #expect(!result.stderr.isEmpty)

            let messages = try await sandbox.latestMessages()
            let assistant = try #require(messages.last)
            #expect(assistant["role"] as? String == "assistant")
            #expect(assistant["status"] as? String == "failed")
            #expect(assistant["content"] as? String == "Partial answer")
        }
    }

    @Test("a closed primary falls back to the next model in the chain")
    func fallbackFromClosedPort() async throws {
        let closed = try await FaultInjectingServer.unusedBaseURL()
        try await CLISandbox.withFake { sandbox, server in
            // fake2 is the working server; fake points at a port where nothing listens.
            try sandbox.writeConfig(
                CLISandbox.fakeProviderYAML
                    + "  fake2: {base_url: \"http://127.0.0.1:9/v1\"}\nfallback: [\"fake2:m\"]\nretries: 0\n")
            let environment = [
                "CHATBOT_PROVIDERS_FAKE_BASE_URL": closed,
                "CHATBOT_PROVIDERS_FAKE2_BASE_URL": sandbox.baseEnvironment["CHATBOT_PROVIDERS_FAKE_BASE_URL"]!,
            ]
            let result = try await sandbox.run("ask", "-m", "fake:m", "--json", "hi", environment: environment)
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            #expect(object["provider"] as? String == "fake2")
            #expect(object["answer"] as? String == "Hello, world")
            let fallbacks = try #require(object["fallbacks"] as? [[String: Any]])
            #expect(fallbacks.first?["model"] as? String == "fake:m")
            #expect(server.requests.count == 1)

            let messages = try await sandbox.run("history", "show", "--json", environment: environment)
            let assistant = try #require((messages.jsonObject()["messages"] as? [[String: Any]])?.last)
            #expect(assistant["provider"] as? String == "fake2")
        }
    }

    @Test("a primary that always answers 500 falls back after its retries")
    func fallbackFromServerErrors() async throws {
        try await FaultInjectingServer.withRunning(defaultBehaviour: .status(500, message: "down")) {
            broken, brokenURL in
            try await CLISandbox.withFake { sandbox, working in
                try sandbox.writeConfig(
                    CLISandbox.fakeProviderYAML
                        + "  fake2: {base_url: \"http://127.0.0.1:9/v1\"}\nfallback: [\"fake2:m\"]\nretries: 1\n")
                let environment = [
                    "CHATBOT_PROVIDERS_FAKE_BASE_URL": brokenURL,
                    "CHATBOT_PROVIDERS_FAKE2_BASE_URL": sandbox.baseEnvironment["CHATBOT_PROVIDERS_FAKE_BASE_URL"]!,
                ]
                let result = try await sandbox.run("ask", "-m", "fake:m", "--json", "hi", environment: environment)
                #expect(result.exitCode == 0, "\(result)")
                let object = try result.jsonObject()
                #expect(object["provider"] as? String == "fake2")
                #expect((object["fallbacks"] as? [Any])?.isEmpty == false)
                #expect(broken.requests.count == 2)  // retries: 1
                #expect(working.requests.count == 1)
            }
        }
    }

    @Test("Ctrl-C mid-answer exits 130 and keeps the partial answer as interrupted")
    func interrupt() async throws {
        try await CLISandbox.withFake(defaultBehaviour: .stall(after: ["Once", " upon"])) { sandbox, _ in
            let running = try sandbox.start(["ask", "-m", "fake:m", "tell me a long story"])
            let sawText = try await running.waitForStdout { $0.contains("Once upon") }
            #expect(sawText, "no partial answer before the interrupt: \(running.stderr)")
            running.send(SIGINT)
            let result = await running.finish(timeout: .seconds(30))
            #expect(result.exitCode == 130, "\(result)")
            #expect(result.signal == nil)

            let messages = try await sandbox.latestMessages()
            let assistant = try #require(messages.last)
            #expect(assistant["role"] as? String == "assistant")
            #expect(assistant["status"] as? String == "interrupted")
            #expect(assistant["content"] as? String == "Once upon")
        }
    }

    @Test("--continue sends the earlier exchange")
    func continues() async throws {
        try await CLISandbox.withFake { sandbox, server in
            server.enqueue(.stream(["Paris", " it is."]), .stream(["Madrid."]))
            let first = try await sandbox.run("ask", "-m", "fake:m", "What is the capital of France?")
            #expect(first.exitCode == 0, "\(first)")
            let second = try await sandbox.run("ask", "-m", "fake:m", "-c", "And of Spain?")
            #expect(second.exitCode == 0, "\(second)")

            let sent = try #require(server.requests.last).chatMessages
            #expect(sent.map(\.role) == ["user", "assistant", "user"])
            #expect(sent.map(\.content) == ["What is the capital of France?", "Paris it is.", "And of Spain?"])

            let messages = try await sandbox.latestMessages()
            #expect(messages.count == 4)
            let list = try await sandbox.run("history", "list", "--json")
            #expect(try list.jsonArray().count == 1)
        }
    }

    @Test("`budget:` used up: exit 75 with one line naming it and its renewal, before the provider is asked")
    func budget() async throws {
        // The first answer spends at least 3 tokens.
        try await CLISandbox.withFake("budget: {tokens: 3, period: day}\n") { sandbox, server in
            let first = try await sandbox.run("ask", "-m", "fake:m", "hi")
            #expect(first.exitCode == 0, "\(first)")
            let second = try await sandbox.run("ask", "-m", "fake:m", "again")
            #expect(second.exitCode == 75, "\(second)")
            let lines = second.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(second.stderr)")
            let line = String(lines.first ?? "")
            #expect(
                line.hasPrefix("chatbot: the daily budget of 3 tokens for the command line is used up ("),
                "\(second.stderr)")
            #expect(line.contains(" spent); it renews at "), "\(line)")
            let renewal = try Date(String(line.suffix(20)), strategy: .iso8601)
            #expect(
                renewal == Budget.Period.day.end(of: Date())
                    || renewal == Budget.Period.day.end(of: Date().addingTimeInterval(-60)))
            #expect(second.stdout.isEmpty)
            #expect(server.requests.count == 1, "the refused ask reached the provider")
        }
    }

    @Test("`budget:` counts answers asked with --no-log too, though their text is not kept")
    func budgetWithoutLog() async throws {
        // "Hello, world" without the provider's counts: an estimate of 3 completion tokens and more.
        try await CLISandbox.withFake("budget: {tokens: 3, period: day}\n") { sandbox, server in
            let first = try await sandbox.run("ask", "-m", "fake:m", "--no-log", "hi")
            #expect(first.exitCode == 0, "\(first)")
            let second = try await sandbox.run("ask", "-m", "fake:m", "--no-log", "again")
            #expect(second.exitCode == 75, "\(second)")
            #expect(second.stderr.contains("budget of 3 tokens for the command line is used up"), "\(second.stderr)")
            #expect(server.requests.count == 1, "the refused ask reached the provider")
            let list = try await sandbox.run("history", "list", "--json")
            #expect(try list.jsonArray().isEmpty, "a --no-log answer left a conversation")
        }
    }

    @Test("--cache at temperature 0 answers a repeated question without calling the server")
    func responseCache() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let first = try await sandbox.run("ask", "-m", "fake:m", "--cache", "--temperature", "0", "--json", "hi")
            #expect(first.exitCode == 0, "\(first)")
            #expect(try first.jsonObject()["cached"] as? Bool == false)
            let second = try await sandbox.run("ask", "-m", "fake:m", "--cache", "--temperature", "0", "--json", "hi")
            #expect(second.exitCode == 0, "\(second)")
            let object = try second.jsonObject()
            #expect(object["cached"] as? Bool == true)
            #expect(object["answer"] as? String == "Hello, world")
            #expect(server.requests.count == 1)

            // Without --cache the server is asked again.
            let third = try await sandbox.run("ask", "-m", "fake:m", "--temperature", "0", "hi")
            #expect(third.exitCode == 0, "\(third)")
            #expect(server.requests.count == 2)
        }
    }

    @Test(
        "usage errors exit 64 without calling the server",
        arguments: [
            ["ask", "--temperature", "5", "-m", "fake:m", "hi"],
            ["ask", "-m", "nosuchprovider:x", "hi"],
            ["ask", "--max-tokens", "0", "-m", "fake:m", "hi"],
            ["ask", "-m", "fake:m"],
            ["ask", "--no-such-flag", "hi"],
        ]
    )
    func usageErrors(arguments: [String]) async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.start(arguments).finish()
            #expect(result.exitCode == 64, "\(result)")
            #expect(!result.stderr.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("an unknown provider names the known ones")
    func unknownProvider() async throws {
        try await CLISandbox.withFake { sandbox, _ in
            let result = try await sandbox.run("ask", "-m", "nosuchprovider:x", "hi")
            #expect(result.exitCode == 64, "\(result)")
            #expect(result.stderr.contains("nosuchprovider"))
            #expect(result.stderr.contains("fake"))
        }
    }
}
