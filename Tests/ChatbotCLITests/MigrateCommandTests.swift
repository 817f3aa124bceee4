import ChatbotTestSupport
import Foundation
import Testing

@Suite("chatbot migrate")
struct MigrateCommandTests {
    @Test("status reports the schema applied on first use, as text and JSON")
    func status() async throws {
        try await CLISandbox.withFake { sandbox, _ in
            let fresh = try await sandbox.run("migrate", "status", "--json")
            #expect(fresh.exitCode == 0, "\(fresh)")
            #expect(try fresh.jsonObject()["current_version"] as? Int == 0)

            let ask = try await sandbox.run("ask", "-m", "fake:m", "hi")
            #expect(ask.exitCode == 0, "\(ask)")

            let text = try await sandbox.run("migrate", "status")
            #expect(text.exitCode == 0, "\(text)")
            #expect(text.stdout.contains("up to date"))
            #expect(text.stdout.contains("applied"))
            #expect(text.stdout.contains(sandbox.databasePath))

            let json = try await sandbox.run("migrate", "status", "--json")
            let object = try json.jsonObject()
            let latest = try #require(object["latest_version"] as? Int)
            #expect(latest >= 1)
            #expect(object["current_version"] as? Int == latest)
            #expect(object["pending"] as? Int == 0)
            let migrations = try #require(object["migrations"] as? [[String: Any]])
            #expect(migrations.first?["version"] as? Int == 1)
            #expect(migrations.allSatisfy { $0["state"] as? String == "applied" })
        }
    }

    @Test("down --to 0 reverts everything, up applies it again, and the history works afterwards")
    func downAndUp() async throws {
        try await CLISandbox.withFake { sandbox, _ in
            #expect(try await sandbox.run("ask", "-m", "fake:m", "hi").exitCode == 0)
            let down = try await sandbox.run("migrate", "down", "--to", "0")
            #expect(down.exitCode == 0, "\(down)")
            #expect(down.stderr.contains("reverted 1"))
            let afterDown = try await sandbox.run("migrate", "status", "--json")
            #expect(try afterDown.jsonObject()["current_version"] as? Int == 0)

            let up = try await sandbox.run("migrate", "up")
            #expect(up.exitCode == 0, "\(up)")
            #expect(up.stderr.contains("applied 1"))
            let again = try await sandbox.run("migrate", "up")
            #expect(again.exitCode == 0, "\(again)")
            #expect(again.stderr.contains("up to date"))

            let list = try await sandbox.run("history", "list", "--json")
            #expect(list.exitCode == 0, "\(list)")
            #expect(try list.jsonArray().isEmpty)
        }
    }

    @Test("a database newer than this binary is refused by ask and history with exit 1")
    func newerDatabase() async throws {
        try await CLISandbox.withFake { sandbox, server in
            #expect(try await sandbox.run("ask", "-m", "fake:m", "hi").exitCode == 0)
            try sandbox.sqlite(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)")

            let history = try await sandbox.run("history", "list")
            #expect(history.exitCode == 1, "\(history)")
            #expect(history.stderr.contains("999"))
            #expect(history.stderr.contains("newer") || history.stderr.contains("knows up to"))

            let ask = try await sandbox.run("ask", "-m", "fake:m", "hi again")
            #expect(ask.exitCode == 1, "\(ask)")
            #expect(ask.stderr.contains("999"))
            #expect(server.requests.count == 1)

            let status = try await sandbox.run("migrate", "status")
            #expect(status.exitCode == 0, "\(status)")
            #expect(status.stdout.contains("newer than this binary"))
        }
    }
}
