import ChatbotAccounts
import ChatbotStorage
import Foundation
import HummingbirdTesting
import Testing

/// The chatbot binary: `CHATBOT_BIN` (Scripts/test), else the debug build.
enum ChatbotBinary {
    static var path: String? {
        if let path = ProcessInfo.processInfo.environment["CHATBOT_BIN"],
            FileManager.default.isExecutableFile(atPath: path)
        {
            return path
        }
        let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/chatbot").path
        return FileManager.default.isExecutableFile(atPath: built) ? built : nil
    }
}

/// `chatbot ask --remote` (the built binary) against a live server.
@Suite("chatbot ask --remote", .enabled(if: ChatbotBinary.path != nil, "the chatbot binary is not built"))
struct RemoteAskTests {
    static func chatbot(_ arguments: [String], key: String?, config: String? = nil) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let binary = try #require(ChatbotBinary.path)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("chatbot-remote-\(UUID().uuidString)")
            .path
        if let config {
            try FileManager.default.createDirectory(atPath: "\(home)/config/chatbot", withIntermediateDirectories: true)
            try config.write(toFile: "\(home)/config/chatbot/config.yaml", atomically: true, encoding: .utf8)
        }
        var environment = ["HOME=\(home)", "XDG_CONFIG_HOME=\(home)/config", "XDG_DATA_HOME=\(home)/data"]
        if let key { environment.append("CHATBOT_API_KEY=\(key)") }
        defer { try? FileManager.default.removeItem(atPath: home) }
        return try await ServerOpenAISDKTests.runOffPool(["env", "-i"] + environment + [binary] + arguments)
    }

    @Test("an unreachable server exits 69, a missing key 64, a wrong key 64 with the server's reason")
    func refusals() async throws {
        try await ServerFixture.with { fixture in
            let port = try #require(fixture.client.port)
            let down = try await Self.chatbot(["ask", "--remote", "http://127.0.0.1:9", "hi"], key: "cbk_x_y")
            #expect(down.status == 69, "\(down.stderr)")
            #expect(down.stderr.contains("cannot reach the chatbot server at http://127.0.0.1:9"))
            let noKey = try await Self.chatbot(["ask", "--remote", "http://127.0.0.1:\(port)", "hi"], key: nil)
            #expect(noKey.status == 64)
            #expect(noKey.stderr.contains("CHATBOT_API_KEY"))
            let wrong = try await Self.chatbot(
                ["ask", "--remote", "http://127.0.0.1:\(port)", "hi"],
                key: "cbk_0123456789abcdef_" + String(repeating: "0", count: 64))
            #expect(wrong.status == 64, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("authentication required"))
            #expect(!wrong.stderr.contains(String(repeating: "0", count: 64)))
        }
    }

    @Test(
        "ask --remote streams the answer, --json prints the same keys as a local ask, -c continues on the server",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func asks() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("rem")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            let url = "http://127.0.0.1:\(try #require(fixture.client.port))"
            let first = try await Self.chatbot(
                ["ask", "--remote", url, "--max-tokens", "8", "--temperature", "0", "--json", "Say", "hello."], key: key
            )
            #expect(first.status == 0, "\(first.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            #expect((json["answer"] as? String)?.isEmpty == false)
            #expect(json["model"] as? String == "SmolLM2-135M-Instruct")
            let conversationID = try #require(json["conversation_id"] as? String)
            let second = try await Self.chatbot(
                ["ask", "--remote", url, "-c", "--max-tokens", "8", "Again."], key: key)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(!second.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            let messages = try await fixture.database.conversations(ownedBy: user.id).messages(
                conversationID: conversationID)
            #expect(messages.map(\.role.rawValue) == ["user", "assistant", "user", "assistant"])
            let local = try await Self.chatbot(["ask", "--remote", url, "--file", "/etc/hostname", "hi"], key: key)
            #expect(local.status == 64)
        }
    }

    @Test(
        "`remote:` in the config sends asks to the server; --collection answers from the server's collection with its sources",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func configuredRemoteWithCollection() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("cora")
            let key = try await fixture.keys.create(owner: user.name, by: fixture.admin).secret
            #expect(
                try await fixture.database.documents.createCollection(
                    "handbook", ownerID: user.id, visibility: .private))
            try await fixture.database.documents.replace(
                DocumentRecord(
                    collection: "handbook", source: "/srv/handbook.md", contentHash: String(repeating: "b", count: 64),
                    mediaType: "text/markdown", size: 80),
                chunks: [ChunkRecord(ordinal: 0, text: "The lighthouse lamp is checked every evening before sunset.")])
            let config = "remote: http://127.0.0.1:\(try #require(fixture.client.port))\n"
            let asked = try await Self.chatbot(
                [
                    "ask", "--json", "-C", "handbook", "--max-tokens", "8", "--temperature", "0",
                    "When is the lamp checked?",
                ],
                key: key, config: config)
            #expect(asked.status == 0, "\(asked.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as? [String: Any])
            let sources = json["sources"] as? [[String: Any]] ?? []
            #expect(sources.first?["citation"] as? String == "handbook.md", "\(asked.stdout)")
            let stored = try await fixture.database.conversations(ownedBy: user.id).listConversations(
                limit: 5, offset: 0)
            #expect(stored.count == 1)

            // Someone else's collection through the server: not found, nothing recorded.
            let other = try await fixture.addUser("otto")
            let otherKey = try await fixture.keys.create(owner: other.name, by: fixture.admin).secret
            let refused = try await Self.chatbot(["ask", "-C", "handbook", "hi"], key: otherKey, config: config)
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr.contains("there is no collection 'handbook'"))
            #expect(
                try await fixture.database.conversations(ownedBy: other.id).listConversations(limit: 5, offset: 0)
                    .isEmpty)

            // What only a local ask can do says how to get one.
            let file = try await Self.chatbot(["ask", "--file", "/etc/hostname", "hi"], key: key, config: config)
            #expect(file.status == 64)
            #expect(file.stderr.contains("--local"))
        }
    }
}
