import Foundation
import Testing

/// `--database-url` / `CHATBOT_DATABASE_URL` without a server.
@Suite("--database-url")
struct DatabaseURLOptionTests {
    @Test("the --database-url password never shows in config show or migrate status")
    func passwordRedacted() async throws {
        try await CLISandbox.with { sandbox in
            let url = "postgres://bot:hunter2-secret@127.0.0.1:1/chatbot?sslmode=disable"
            let shown = try await sandbox.run("config", "show", "--database-url", url)
            #expect(shown.exitCode == 0, "\(shown)")
            #expect(shown.stdout.contains("database_url"))
            #expect(!shown.stdout.contains("hunter2-secret"))
            let status = try await sandbox.run("migrate", "status", "--database-url", url)
            #expect(status.exitCode == 69, "\(status)")
            #expect(!(status.stdout + status.stderr).contains("hunter2-secret"))
        }
    }

    @Test("an unreachable server exits 69 with a hint; a malformed URL exits 64")
    func unreachableAndMalformed() async throws {
        try await CLISandbox.with { sandbox in
            let refused = try await sandbox.run(
                "history", "list", environment: ["CHATBOT_DATABASE_URL": "postgres://bot@127.0.0.1:1/x?sslmode=disable"]
            )
            #expect(refused.exitCode == 69, "\(refused)")
            #expect(refused.stderr.contains("cannot reach the PostgreSQL server"))
            #expect(refused.stderr.contains("hint:"))
            #expect(!refused.stderr.contains("AsyncKit"), "pool logs only with -v")
            let malformed = try await sandbox.run("history", "list", "--database-url", "mysql://h/db")
            #expect(malformed.exitCode == 64, "\(malformed)")
        }
    }
}
