import AsyncHTTPClient
import ChatbotS3
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The S3 server the real-server tests use: `CHATBOT_TEST_S3_URL` (an `s3://bucket/prefix?endpoint=…`
/// URL, printed by `Scripts/start-moto`) with credentials from `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY`.
enum MotoServer {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["CHATBOT_TEST_S3_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isConfigured: Bool { url != nil }

    static var credentials: S3Credentials {
        S3Credentials(environment: environment) ?? S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")
    }

    /// A client on the configured bucket (created if needed) under a fresh prefix of its own.
    static func makeClient(
        credentials: S3Credentials = credentials,
        retryPolicy: S3RetryPolicy = S3RetryPolicy()
    ) async throws -> S3Client {
        var configuration = try S3Configuration(url: url ?? "", environment: environment)
        let base = S3Client(configuration: configuration, credentials: credentials, logger: logger)
        try await base.createBucket()
        configuration.prefix += (configuration.prefix.isEmpty ? "" : "/") + "test-" + UUID().uuidString.lowercased()
        return S3Client(
            configuration: configuration, credentials: credentials, retryPolicy: retryPolicy, logger: logger)
    }

    static let logger = Logger(label: "chatbot.s3.tests")

    /// Turns moto's signature checks off (`count` = a large number) or on (`0`); returns the previous value.
    @discardableResult
    static func setNoAuthActionCount(_ count: String, endpoint: URL) async throws -> String {
        var request = HTTPClientRequest(url: endpoint.absoluteString + "/moto-api/reset-auth")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain")
        request.body = .bytes(ByteBuffer(string: count))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return object?["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"] as? String ?? "inf"
    }

    /// Runs `body` with moto's signature checks off, restoring them afterwards (even on error).
    ///
    /// For the two request kinds moto cannot verify: query-string (presigned) authentication, which
    /// it does not implement, and query values holding an encoded `/` (e.g. `prefix=a%2Fb%2F`),
    /// which it decodes before recomputing the signature, so even botocore's own
    /// `aws s3api list-objects-v2 --prefix a/b/` gets SignatureDoesNotMatch from it.
    static func withoutSignatureChecks<T>(endpoint: URL, _ body: () async throws -> T) async throws -> T {
        let previous = try await setNoAuthActionCount("1000000000", endpoint: endpoint)
        let result: T
        do {
            result = try await body()
        } catch {
            try await setNoAuthActionCount(previous, endpoint: endpoint)
            throw error
        }
        try await setNoAuthActionCount(previous, endpoint: endpoint)
        return result
    }

    /// Runs the `aws` CLI against the server with the test credentials; returns stdout.
    static func aws(_ arguments: [String], input: Data? = nil, endpoint: URL) async throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["aws", "--endpoint-url", endpoint.absoluteString] + arguments
        var environment = self.environment
        environment["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
        environment["AWS_DEFAULT_REGION"] = environment["AWS_REGION"] ?? "us-east-1"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { try stdin.fileHandleForWriting.write(contentsOf: input) }
        try stdin.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AWSCLIFailure(status: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self))
        }
        return stdout
    }

    struct AWSCLIFailure: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "aws exited with \(status): \(stderr)" }
    }
}
