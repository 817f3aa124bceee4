import AsyncHTTPClient
import ChatbotCore
import ChatbotS3
import Foundation
import Logging
import NIOCore
import Testing

@Suite("S3Client without a server")
struct S3ClientConnectionTests {
    static func unreachableClient(attempts: Int, httpClient: HTTPClient = .shared) throws -> S3Client {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let configuration = try S3Configuration(url: "s3://bucket/p?endpoint=http://127.0.0.1:9")
        return S3Client(
            configuration: configuration,
            credentials: S3Credentials(accessKeyID: "id", secretAccessKey: "secret"),
            httpClient: httpClient,
            retryPolicy: S3RetryPolicy(maxAttempts: attempts, initialDelay: .milliseconds(20)),
            logger: Logger(label: "chatbot.s3.tests"))
    }

    @Test("connection errors are retried, then reported as an unreachable store")
    func connectionRefused() async throws {
        // S3Client does its own retries, so the HTTP client must fail a refused connection at once
        // instead of retrying it until the request deadline (async-http-client's default).
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.timeout.connect = .seconds(2)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        do {
            try await checkConnectionRefused(try Self.unreachableClient(attempts: 3, httpClient: httpClient))
        } catch {
            try await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private func checkConnectionRefused(_ client: S3Client) async throws {
        let started = ContinuousClock.now
        let error = try await #require(throws: S3Error.self) { try await client.headObject("key") }
        #expect(error.statusCode == 0)
        #expect(error.code == "ConnectionFailed")
        #expect(ContinuousClock.now - started >= .milliseconds(30))  // two backoff waits of at least 10 ms

        let storeError = try await #require(throws: ChatbotError.self) {
            try await S3ObjectStore(client: client).exists(String(repeating: "a", count: 64))
        }
        #expect(storeError.kind == .unavailable)
    }

    @Test("missing credentials in the environment are a usage error with a hint")
    func missingCredentials() throws {
        let configuration = S3Configuration(bucket: "bucket")
        let error = try #require(throws: ChatbotError.self) {
            try S3Client(configuration: configuration, environment: [:], logger: Logger(label: "test"))
        }
        #expect(error.kind == .usage)
        #expect(error.hint?.contains("AWS_ACCESS_KEY_ID") == true)
    }

    @Test("invalid keys are refused before any request is made")
    func invalidKeysNeedNoServer() async throws {
        let store = S3ObjectStore(client: try Self.unreachableClient(attempts: 1))
        try await ObjectStoreConformance.rejectsInvalidKeys(store)
    }
}
