import ChatbotCore
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Logging
import Testing

@Suite("chatbot history")
struct HistoryCommandTests {
    @Test("list, show, search and export see both of two asks")
    func listShowSearchExport() async throws {
        try await CLISandbox.withFake { sandbox, server in
            server.enqueue(.stream(["Answer", " one"]), .stream(["Answer", " two"]))
            for question in ["Where do pelicans nest?", "How tall is a giraffe?"] {
                let result = try await sandbox.run("ask", "-m", "fake:m", question)
                #expect(result.exitCode == 0, "\(result)")
            }

            let list = try await sandbox.run("history", "list")
            #expect(list.exitCode == 0, "\(list)")
            #expect(list.stdout.contains("Where do pelicans nest?"))
            #expect(list.stdout.contains("How tall is a giraffe?"))
            let listed = try await sandbox.run("history", "list", "--json")
            let conversations = try #require(try listed.jsonArray() as? [[String: Any]])
            #expect(conversations.count == 2)
            #expect(conversations.first?["title"] as? String == "How tall is a giraffe?")  // most recent first

            let show = try await sandbox.run("history", "show")
            #expect(show.exitCode == 0, "\(show)")
            #expect(show.stdout.contains("[user]"))
            #expect(show.stdout.contains("How tall is a giraffe?"))
            #expect(show.stdout.contains("[assistant fake:"))
            #expect(show.stdout.contains("Answer two"))

            let olderID = try #require(conversations.last?["id"] as? String)
            let showOlder = try await sandbox.run("history", "show", String(olderID.prefix(8)))
            #expect(showOlder.exitCode == 0, "\(showOlder)")
            #expect(showOlder.stdout.contains("Where do pelicans nest?"))
            #expect(showOlder.stdout.contains("Answer one"))

            let search = try await sandbox.run("history", "search", "pelicans")
            #expect(search.exitCode == 0, "\(search)")
            #expect(search.stdout.contains("pelicans"))
            #expect(!search.stdout.contains("giraffe"))
            let searchJSON = try await sandbox.run("history", "search", "--json", "giraffe")
            #expect(try searchJSON.jsonArray().count == 1)

            let export = try await sandbox.run("history", "export")
            #expect(export.exitCode == 0, "\(export)")
            let exported = try #require(try export.jsonArray() as? [[String: Any]])
            #expect(exported.count == 2)
            let contents = exported.flatMap { ($0["messages"] as? [[String: Any]]) ?? [] }.compactMap {
                $0["content"] as? String
            }
            #expect(Set(contents) == ["Where do pelicans nest?", "Answer one", "How tall is a giraffe?", "Answer two"])
        }
    }

    @Test("show of an unknown id exits 1; an empty history says so")
    func notFound() async throws {
        try await CLISandbox.withFake { sandbox, _ in
            let empty = try await sandbox.run("history", "show")
            #expect(empty.exitCode == 1, "\(empty)")
            #expect(empty.stderr.contains("no conversations"))
            let ask = try await sandbox.run("ask", "-m", "fake:m", "hi")
            #expect(ask.exitCode == 0, "\(ask)")
            let unknown = try await sandbox.run("history", "show", "zzzz-not-an-id")
            #expect(unknown.exitCode == 1, "\(unknown)")
            #expect(unknown.stderr.contains("zzzz-not-an-id"))
        }
    }

    @Test("usage totals tokens per model and prices them from the config")
    func usage() async throws {
        let prices = """
            prices:
              "fake:m": {input: 1.0, output: 2.0}

            """
        try await CLISandbox.withFake(prices) { sandbox, server in
            server.enqueue(
                .stream(["a"], usage: .init(promptTokens: 100, completionTokens: 10)),
                .stream(["b"], usage: .init(promptTokens: 200, completionTokens: 20)))
            for question in ["first", "second"] {
                let result = try await sandbox.run("ask", "-m", "fake:m", "--json", question)
                #expect(result.exitCode == 0, "\(result)")
            }
            let result = try await sandbox.run("history", "usage", "--json")
            #expect(result.exitCode == 0, "\(result)")
            let models = try #require(try result.jsonObject()["models"] as? [[String: Any]])
            #expect(models.count == 1)
            let total = try #require(models.first)
            #expect(total["provider"] as? String == "fake")
            #expect(total["messages"] as? Int == 2)
            #expect(total["prompt_tokens"] as? Int == 300)
            #expect(total["completion_tokens"] as? Int == 30)
            let cost = try #require(total["cost"] as? Double)
            #expect(abs(cost - (300 * 1.0 + 30 * 2.0) / 1_000_000) < 1e-12)

            let table = try await sandbox.run("history", "usage")
            #expect(table.exitCode == 0, "\(table)")
            #expect(table.stdout.contains("0.000360"))

            // An answer of the server's /v1 with a key, beside the two asks: per key, the asks are
            // keyless; per user, all three are the command line's user's.
            let key = try await sandbox.run("keys", "create", "--user", "local", "--name", "cron", "--json")
            #expect(key.exitCode == 0, "\(key)")
            let keyID = try #require(try key.jsonObject()["id"] as? String)
            let store = try await SQLiteDatabaseStore.open(
                at: URL(fileURLWithPath: sandbox.databasePath), logger: Logger(label: "test"))
            try await store.conversations.recordUsage([
                UsageRecord(
                    at: Date(), userID: "00000000-0000-0000-0000-000000000000", apiKeyID: keyID,
                    source: "v1.chat.completions", provider: "fake", model: "m", promptTokens: 1_000,
                    completionTokens: 100, cost: 0.5, status: "completed")
            ])
            try await store.close()

            let byKey = try await sandbox.run("history", "usage", "--by", "key", "--json")
            #expect(byKey.exitCode == 0, "\(byKey)")
            let keyGroups = try #require(try byKey.jsonObject()["groups"] as? [[String: Any]])
            #expect(keyGroups.count == 2, "\(keyGroups)")
            let withKey = try #require(keyGroups.first { $0["id"] as? String == keyID })
            #expect(withKey["answers"] as? Int == 1)
            #expect((withKey["name"] as? String)?.hasSuffix("local/cron") == true)
            #expect(keyGroups.first { $0["id"] == nil }?["answers"] as? Int == 2)
            #expect(keyGroups.first { $0["id"] == nil }?["name"] as? String == "(none)")

            let byUser = try await sandbox.run("history", "usage", "--by", "user")
            #expect(byUser.exitCode == 0, "\(byUser)")
            let row = try #require(byUser.stdout.split(separator: "\n").first { $0.hasPrefix("local ") })
            #expect(row.split(separator: " ", omittingEmptySubsequences: true)[1] == "3", "\(byUser.stdout)")
            #expect(byUser.stdout.contains("0.500360"))
        }
    }
}
