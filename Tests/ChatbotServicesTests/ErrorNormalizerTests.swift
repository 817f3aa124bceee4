import ChatbotCore
import ChatbotProviders
import ChatbotS3
import ChatbotServices
import ChatbotTestSupport
import Foundation
import Logging
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ChatbotError.normalizing: any error to one a user can read")
struct ErrorNormalizerTests {
    /// An error no library knows, whose description holds something that must never be shown.
    struct LeakyError: Error, CustomStringConvertible {
        var description: String { "token=sk-secret at /internal/path line 42" }
    }

    @Test("a ChatbotError passes unchanged")
    func chatbotErrorUnchanged() {
        let error = ChatbotError(.conflict, "already there", hint: "pick another", reason: .lockHeld)
        #expect(ChatbotError.normalizing(error) == error)
    }

    @Test("a provider error maps through its own boundary: refused is unavailable with a flag-free hint")
    func providerError() {
        let endpoint = ProviderEndpoint(name: "local", baseURL: "http://127.0.0.1:9/v1")
        let error = ChatbotError.normalizing(ProviderError.connectionRefused(endpoint))
        #expect(error.kind == .unavailable)
        #expect(error.message.contains("local at http://127.0.0.1:9/v1 refused the connection"))
        #expect(error.hint?.contains("--") == false)
    }

    @Test("an S3 connection failure is unavailable, naming the bucket; 5xx is temporary")
    func s3Error() {
        let unreachable = S3Error(
            statusCode: 0, code: "ConnectionFailed", message: "connection refused", operation: "PUT bucket/key")
        let error = ChatbotError.normalizing(unreachable)
        #expect(error.kind == .unavailable)
        #expect(error.message == "cannot reach the object store for bucket 'bucket' (connection refused)")
        let failed = S3Error(statusCode: 503, code: "SlowDown", message: "", operation: "GET bucket/key")
        #expect(ChatbotError.normalizing(failed).kind == .temporary)
    }

    @Test("cancellation is an interruption")
    func cancellation() {
        let error = ChatbotError.normalizing(CancellationError())
        #expect(error.kind == .interrupted)
        #expect(error.kind.exitCode == 130)
    }

    @Test("a socket error that escaped a library is unavailable with a short reason, not NIO's text")
    func transportError() {
        let error = ChatbotError.normalizing(IOError(errnoCode: ECONNREFUSED, reason: "connect"))
        #expect(error.kind == .unavailable)
        #expect(error.message == "cannot reach a required service (connection refused)")
        #expect(!error.message.contains("errno"))
    }

    @Test("a missing file is not found and names the file")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        let thrown = try #require(throws: (any Error).self) { _ = try Data(contentsOf: path) }
        let error = ChatbotError.normalizing(thrown)
        #expect(error.kind == .notFound, "\(error)")
        #expect(error.message.contains("no such file"))
        #expect(!error.message.contains("Domain="))
    }

    @Test("an unknown error shows only its type; its description goes to the debug log")
    func unknownError() {
        let recorder = LogRecorder()
        let error = ChatbotError.normalizing(LeakyError(), logger: recorder.logger())
        #expect(error.kind == .runtime)
        #expect(error.message == "unexpected error (ChatbotServicesTests.ErrorNormalizerTests.LeakyError)")
        #expect(error.reason == .unexpectedError)
        #expect(!error.description.contains("sk-secret"))
        #expect(error.hint?.contains("--") == false)
        let logged = recorder.entries.filter { $0.level == .debug }
        #expect(logged.contains { $0.metadata["error"]?.contains("sk-secret") == true })
    }
}
