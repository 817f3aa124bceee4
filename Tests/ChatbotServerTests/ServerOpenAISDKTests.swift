import ChatbotAccounts
import ChatbotTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// The official OpenAI Python SDK (PyPI `openai`; Scripts/test installs it) against a live server.
@Suite(
    "chatbot serve: the official OpenAI SDK",
    .enabled(
        if: ServerFixture.llamaURL != nil && PythonOpenAI.isInstalled, "needs the llama-server and Python's openai"))
struct ServerOpenAISDKTests {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/openai_sdk_check.py")
            .path
    }

    @Test(
        "models, a completion, a stream with usage, embeddings; a bad key is AuthenticationError, a bad model BadRequestError"
    )
    func sdk() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("sdk")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            let port = try #require(fixture.client.port)
            var arguments = [
                "python3", Self.script, "--base-url", "http://127.0.0.1:\(port)/v1", "--key", key, "--model", "small",
            ]
            if ServerFixture.embeddingsURL != nil { arguments.append("--embeddings") }
            if ServerFixture.whisperURL != nil {
                arguments += ["--audio", try MediaFixtures.shared.path("speech.wav")]
            }
            let result = try await Self.runOffPool(arguments)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let seen = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                "stdout: \(result.stdout)")
            #expect((seen["models"] as? [String])?.contains("small") == true)
            let completion = try #require(seen["completion"] as? [String: Any])
            #expect((completion["content"] as? String)?.isEmpty == false)
            #expect(completion["total_tokens"] as? Int ?? 0 > 0)
            let stream = try #require(seen["stream"] as? [String: Any])
            #expect(stream["chunks"] as? Int ?? 0 > 0)
            #expect(stream["total_tokens"] as? Int ?? 0 > 0)
            if ServerFixture.embeddingsURL != nil {
                #expect(seen["embeddings"] as? [Int] == [384, 384])
            }
            if ServerFixture.whisperURL != nil {
                let heard = (seen["transcription"] as? String ?? "").lowercased()
                #expect(heard.contains("fox") && heard.contains("station"), "transcription: \(heard)")
                #expect((seen["srt"] as? String)?.contains(" --> ") == true, "srt: \(seen["srt"] ?? "")")
            }
            #expect(seen["bad_key"] as? String == "AuthenticationError")
            #expect(seen["bad_model"] as? String == "BadRequestError")
            // The key itself never reaches the output of a refusal.
            #expect(!result.stdout.contains(key))
        }
    }

    @Test("a rate-limited key: the SDK sees RateLimitError, and its own retry succeeds after Retry-After")
    func rateLimited() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("patient")
            // 120 a minute: 120 at once, then one every half second.
            let key = try await fixture.keys.create(
                owner: "patient", scopes: [.chat], requestsPerMinute: 120, by: fixture.admin
            ).secret
            let port = try #require(fixture.client.port)
            let script = URL(fileURLWithPath: Self.script).deletingLastPathComponent()
                .appendingPathComponent("openai_rate_limit_check.py").path
            let result = try await Self.runOffPool([
                "python3", script, "--base-url", "http://127.0.0.1:\(port)/v1", "--key", key,
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let seen = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                "stdout: \(result.stdout)")
            // The burst, plus the cells that came back while the loop ran (two a second).
            let refusedAfter = seen["refused_after"] as? Int ?? 0
            #expect(refusedAfter >= 120 && refusedAfter < 200, "\(seen)")
            #expect(seen["retry_after"] as? String == "1")
            #expect(seen["code"] as? String == "rate_limit_exceeded")
            #expect((seen["after_retry"] as? [String])?.contains("small") == true)
        }
    }

    /// Runs a child process to its end on a thread of its own: the server under test answers it on
    /// the cooperative pool, which a blocking wait there would starve (two threads here).
    static func runOffPool(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(arguments) })
            }.start()
        }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}

/// Whether `python3` can import the OpenAI SDK.
enum PythonOpenAI {
    static var isInstalled: Bool {
        (try? ServerOpenAISDKTests.run(["python3", "-c", "import openai"]).status) == 0
    }
}
