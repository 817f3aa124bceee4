import ChatbotAccounts
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
            #expect(seen["bad_key"] as? String == "AuthenticationError")
            #expect(seen["bad_model"] as? String == "BadRequestError")
            // The key itself never reaches the output of a refusal.
            #expect(!result.stdout.contains(key))
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
