import ChatbotTestSupport
import Foundation
import Testing

/// `chatbot` against a real PostgreSQL (the servers `Scripts/test` starts), through the binary:
/// only `migrate` migrates it, everything else refuses a pending schema with exit 69.
@Suite("chatbot on PostgreSQL", .enabled(if: !PostgresCLIServer.all.isEmpty, "needs CHATBOT_TEST_POSTGRES*_URL"))
struct PostgresCLITests {
    @Test(
        "pending schema exits 69 until `migrate up`; then ask and history work; down refuses again",
        arguments: PostgresCLIServer.all)
    func migrateLifecycle(server: PostgresCLIServer) async throws {
        try await server.withDatabase { url in
            try await CLISandbox.withFake { sandbox, _ in
                let environment = ["CHATBOT_DATABASE_URL": url]
                let refused = try await sandbox.run("history", "list", environment: environment)
                #expect(refused.exitCode == 69, "\(refused)")
                #expect(refused.stderr.contains("the database schema is at version 0, this chatbot needs "))
                #expect(refused.stderr.contains("chatbot migrate up"))

                let dryRun = try await sandbox.run("migrate", "up", "--dry-run", environment: environment)
                #expect(dryRun.exitCode == 0, "\(dryRun)")
                #expect(dryRun.stdout.contains("-- up 1 initial_schema"))
                #expect(dryRun.stdout.contains("TSVECTOR GENERATED ALWAYS"))
                #expect(dryRun.stdout.contains("-- up 2 embeddings"))
                let status = try await sandbox.run("migrate", "status", "--json", environment: environment)
                let object = try status.jsonObject()
                #expect(object["backend"] as? String == "postgres")
                #expect(object["current_version"] as? Int == 0)

                let up = try await sandbox.run("migrate", "up", environment: environment)
                #expect(up.exitCode == 0, "\(up)")
                #expect(up.stderr.contains("applied 1 initial_schema"))
                #expect(up.stderr.contains("applied 2 embeddings"))
                #expect(up.stderr.contains("pgvector not available") == !server.hasPgvector, "\(up)")

                let ask = try await sandbox.run("ask", "-m", "fake:m", "hello postgres", environment: environment)
                #expect(ask.exitCode == 0, "\(ask)")
                let search = try await sandbox.run("history", "search", "postgres", environment: environment)
                #expect(search.exitCode == 0, "\(search)")
                #expect(search.stdout.contains("[postgres]"), "\(search)")
                #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))

                let down = try await sandbox.run("migrate", "down", "--to", "0", environment: environment)
                #expect(down.exitCode == 0, "\(down)")
                #expect(try await sandbox.run("history", "list", environment: environment).exitCode == 69)
            }
        }
    }

    @Test("ingest, search, ask --collection and collections delete on PostgreSQL", arguments: PostgresCLIServer.all)
    func ingestAndSearch(server: PostgresCLIServer) async throws {
        try await server.withDatabase { url in
            try await CLISandbox.withFake(defaultBehaviour: .stream(["Descale monthly [1]."])) { sandbox, server in
                var environment = ["CHATBOT_DATABASE_URL": url, "CHATBOT_EMBEDDINGS_PROVIDER": "none"]
                if let embeddings = ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"] {
                    environment = ["CHATBOT_DATABASE_URL": url, "CHATBOT_EMBEDDINGS_BASE_URL": embeddings]
                }
                #expect(try await sandbox.run("migrate", "up", environment: environment).exitCode == 0)
                let folder = try IngestCommandTests.writeDocs(sandbox)
                let first = try await sandbox.run("ingest", "--json", folder, environment: environment)
                #expect(first.exitCode == 0, "\(first)")
                #expect(try first.jsonObject()["added"] as? Int == 2)
                let second = try await sandbox.run("ingest", "--json", folder, environment: environment)
                #expect(try second.jsonObject()["unchanged"] as? Int == 2, "\(second)")

                let search = try await sandbox.run("search", "--json", "descale the kettle", environment: environment)
                #expect(search.exitCode == 0, "\(search)")
                let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
                #expect((results.first?["source"] as? String)?.hasSuffix("kettle.md") == true, "\(results)")
                let expectedMode = environment["CHATBOT_EMBEDDINGS_BASE_URL"] == nil ? "full_text" : "hybrid"
                #expect(try search.jsonObject()["mode"] as? String == expectedMode)

                let ask = try await sandbox.run(
                    "ask", "-m", "fake:m", "-C", "default", "descale", environment: environment)
                #expect(ask.exitCode == 0, "\(ask)")
                #expect(ask.stdout.contains("Sources:\n[1] kettle.md"), "\(ask)")
                #expect(server.requests.last?.chatMessages.last?.content.contains("white vinegar") == true)

                let deleted = try await sandbox.run("collections", "delete", "default", environment: environment)
                #expect(deleted.exitCode == 0, "\(deleted)")
                let list = try await sandbox.run("collections", "list", "--json", environment: environment)
                #expect((try list.jsonArray()).isEmpty, "\(list)")
            }
        }
    }

    @Test("two `migrate up` processes at once both succeed, applying the schema once", arguments: PostgresCLIServer.all)
    func concurrentMigrate(server: PostgresCLIServer) async throws {
        try await server.withDatabase { url in
            try await CLISandbox.with { sandbox in
                let environment = ["CHATBOT_DATABASE_URL": url]
                let first = try sandbox.start(["migrate", "up"], environment: environment)
                let second = try sandbox.start(["migrate", "up"], environment: environment)
                let results = [await first.finish(), await second.finish()]
                #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results)")
                let applied = results.map { $0.stderr.contains("applied 1 initial_schema") ? 1 : 0 }
                #expect(applied.reduce(0, +) == 1, "\(applied) \(results.map(\.stderr))")
                let status = try await sandbox.run("migrate", "status", "--json", environment: environment)
                #expect(try status.jsonObject()["pending"] as? Int == 0)
            }
        }
    }
}

/// A PostgreSQL server for CLI tests; databases are made and dropped with `psql`.
struct PostgresCLIServer: Sendable, CustomStringConvertible {
    let name: String
    let url: String
    let hasPgvector: Bool

    var description: String { name }

    static let all: [PostgresCLIServer] = [
        ("postgres+pgvector", "CHATBOT_TEST_POSTGRES_URL", true),
        ("postgres15", "CHATBOT_TEST_POSTGRES15_URL", false),
    ].compactMap { name, variable, pgvector in
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { return nil }
        return PostgresCLIServer(name: name, url: url, hasPgvector: pgvector)
    }

    /// `url` with its database replaced.
    func url(database: String) throws -> String {
        guard var components = URLComponents(string: url) else { throw CLITestError("bad URL \(url)") }
        components.path = "/" + database
        guard let result = components.string else { throw CLITestError("bad URL \(url)") }
        return result
    }

    /// Creates a database, runs `body` with its URL, and drops it.
    func withDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let name = "chatbot_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql("CREATE DATABASE \(name)")
        do {
            let result = try await body(try url(database: name))
            try await psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return result
        } catch {
            try? await psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs `psql -c sql` without blocking a concurrency thread (there are only as many as cores).
    private func psql(_ sql: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", try url(database: "postgres"), "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw CLITestError("psql failed: \(sql)") }
    }
}
