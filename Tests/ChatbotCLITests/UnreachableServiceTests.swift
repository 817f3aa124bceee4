import ChatbotTestSupport
import Foundation
import Testing

/// Outside services on a port where nothing listens: each fails at once (or after a short,
/// announced retry budget) with exit 69 and one line naming the service and the reason.
///
/// Regression: `backup create --to s3://…` against such an endpoint printed nothing for six
/// minutes, then exited 1 with NIO's error text.
@Suite("chatbot against outside services that refuse the connection")
struct UnreachableServiceTests {
    /// `http://127.0.0.1:<port>` on a port that was free a moment ago.
    static func closedEndpoint() async throws -> String {
        let base = try await FaultInjectingServer.unusedBaseURL()
        return String(base.dropLast("/v1".count))
    }

    @Test("exits 69 within the retry budget with one line naming the endpoint, after saying it retries")
    func refusedEndpoint() async throws {
        let endpoint = try await Self.closedEndpoint()
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "backup", "create", "--to", "s3://nobucket/b?endpoint=\(endpoint)&region=us-east-1",
                environment: ["AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"],
                timeout: .seconds(60))
            #expect(!result.timedOut, "\(result)")
            #expect(result.exitCode == 69, "\(result)")
            #expect(
                result.stderr.contains("chatbot: cannot reach the object store at \(endpoint) (connection refused)\n"),
                "\(result)")
            #expect(result.stderr.contains("retrying"), "\(result)")
            #expect(!result.stderr.contains("errno"), "\(result)")
        }
    }

    @Test("PostgreSQL: exit 69 with the short reason, not NIO's list of connection attempts")
    func refusedPostgres() async throws {
        let endpoint = try await Self.closedEndpoint()
        let port = try #require(URL(string: endpoint)?.port)
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "history", "list", "--database-url", "postgres://chatbot@127.0.0.1:\(port)/chatbot?sslmode=disable")
            #expect(result.exitCode == 69, "\(result)")
            #expect(
                result.stderr.contains("chatbot: cannot reach the PostgreSQL server (connection refused)\n"),
                "\(result)")
            #expect(!result.stderr.contains("errno"), "\(result)")
        }
    }

    @Test("web: a refused page is reported as refused (exit 69), not as a timeout after a silent wait")
    func refusedWebPage() async throws {
        let endpoint = try await Self.closedEndpoint()
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run("scrape", "--allow-private", "\(endpoint)/page", timeout: .seconds(60))
            #expect(!result.timedOut, "\(result)")
            #expect(result.exitCode == 69, "\(result)")
            #expect(result.stderr.contains("connection refused"), "\(result)")
            #expect(!result.stderr.contains("timed out"), "\(result)")
        }
    }
}
