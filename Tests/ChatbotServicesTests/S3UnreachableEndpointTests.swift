import ChatbotBackupS3
import ChatbotCore
import ChatbotS3
import ChatbotTestSupport
import Foundation
import Logging
import Testing

/// Regression: `chatbot backup create --to 's3://…?endpoint=http://127.0.0.1:9'` waited six minutes
/// in silence (the HTTP client retried the refused connection until its request deadline), then
/// exited 1 with NIO's error text. Now the S3 client's own retry budget applies, each retry is
/// logged as a warning, and the failure is `.unavailable` (exit 69) with a one-line message.
@Suite("S3 against an endpoint where nothing listens")
struct S3UnreachableEndpointTests {
    /// `http://127.0.0.1:<port>` on a port that was free a moment ago.
    static func closedEndpoint() async throws -> String {
        let base = try await FaultInjectingServer.unusedBaseURL()
        return String(base.dropLast("/v1".count))
    }

    /// A client with the default HTTP client and the default retry policy, as the CLI builds it.
    static func client(endpoint: String, logger: Logger) throws -> S3Client {
        try S3Client(
            configuration: S3Configuration(url: "s3://nobucket/b?endpoint=\(endpoint)&region=us-east-1"),
            credentials: S3Credentials(accessKeyID: "x", secretAccessKey: "y"), logger: logger)
    }

    @Test("the client gives up after its retry budget with a short reason, warning before each retry")
    func clientReportsRefusal() async throws {
        let endpoint = try await Self.closedEndpoint()
        let recorder = LogRecorder()
        let client = try Self.client(endpoint: endpoint, logger: recorder.logger(level: .warning))
        let error = try await #require(throws: S3Error.self) { try await client.headObject("key") }
        #expect(error.statusCode == 0)
        #expect(error.code == "ConnectionFailed")
        #expect(error.message == "connection refused")
        let warnings = recorder.entries.filter { $0.level == .warning && $0.message.contains("retrying") }
        #expect(warnings.count == client.retryPolicy.maxAttempts - 1)
        #expect(warnings.first?.metadata["reason"] == "connection refused")
    }

    @Test("the object store reports the endpoint it cannot reach, as unavailable")
    func objectStoreIsUnavailable() async throws {
        let endpoint = try await Self.closedEndpoint()
        let client = try Self.client(endpoint: endpoint, logger: Logger(label: "chatbot.tests"))
        let error = try await #require(throws: ChatbotError.self) {
            try await S3ObjectStore(client: client).exists(String(repeating: "a", count: 64))
        }
        #expect(error.kind == .unavailable)
        #expect(error.message == "cannot reach the object store at \(endpoint) (connection refused)")
    }

    @Test("taking the backup lock maps the failure too: unavailable, exit 69, one line naming the endpoint")
    func backupLockIsUnavailable() async throws {
        let endpoint = try await Self.closedEndpoint()
        let lockDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-s3-lock-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: lockDirectory) }
        let destination = S3BackupDestination(
            client: try Self.client(endpoint: endpoint, logger: Logger(label: "chatbot.tests")),
            lockDirectory: lockDirectory)
        let error = try await #require(throws: ChatbotError.self) { _ = try await destination.lock() }
        #expect(error.kind == .unavailable)
        #expect(error.kind.exitCode == 69)
        #expect(error.message == "cannot reach the object store at \(endpoint) (connection refused)")
        #expect(!error.message.contains("\n"))
    }
}
