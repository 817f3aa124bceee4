import ChatbotTestSupport
import Foundation
import Testing

@Suite("chatbot transcribe")
struct TranscribeCommandTests {
    @Test("--info --json describes container, streams, chapters and tags")
    func info() async throws {
        let fixtures = try MediaFixtures.shared
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run("transcribe", "--info", "--json", fixtures.path("subs-srt.mkv"))
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            #expect((object["container"] as? String)?.contains("matroska") == true)
            let streams = try #require(object["streams"] as? [[String: Any]])
            #expect(streams.compactMap { $0["kind"] as? String } == ["video", "audio", "subtitle"])
            #expect(streams[0]["width"] as? Int == 320)
            #expect(streams[1]["sample_rate"] as? Int == 22050)
            #expect(streams[2]["codec"] as? String == "subrip")
            #expect((object["chapters"] as? [Any])?.count == 2)
            #expect(object["best_audio_stream"] as? Int == 1)

            let text = try await sandbox.run("transcribe", "--info", fixtures.path("video.mp4"))
            #expect(text.exitCode == 0, "\(text)")
            #expect(text.stdout.contains("stream 0: video mpeg4"))
            #expect(text.stdout.contains("320x240"))
        }
    }

    @Test("--use-subtitles prints the embedded track as SRT without a speech server; stdin works")
    func subtitles() async throws {
        let fixtures = try MediaFixtures.shared
        try await CLISandbox.with { sandbox in
            // No server listens here: the subtitles must be used without calling it.
            let environment = ["CHATBOT_SPEECH_BASE_URL": "http://127.0.0.1:9/v1"]
            let result = try await sandbox.run(
                "transcribe", "--use-subtitles", "--format", "srt", fixtures.path("subs-movtext.mp4"),
                environment: environment)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.hasPrefix("1\n00:00:00,500 --> 00:00:03,000\nSubtitle line one about a fox.\n\n2\n"))
            let data = try Data(contentsOf: URL(fileURLWithPath: fixtures.path("subs-vtt.webm")))
            let piped = try await sandbox.run(
                "transcribe", "--use-subtitles", "--format", "vtt", "-", environment: environment, stdin: .bytes(data))
            #expect(piped.exitCode == 0, "\(piped)")
            #expect(piped.stdout.hasPrefix("WEBVTT\n\n"))
            #expect(piped.stdout.contains("Subtitle line two about the sea."))
        }
    }

    @Test(
        "refused and damaged media exit 1 with the file named",
        arguments: ["playlist.mp4", "concat.mp4", "noise.mp4", "truncated.mp4"])
    func badMedia(name: String) async throws {
        let fixtures = try MediaFixtures.shared
        try await CLISandbox.with { sandbox in
            let path = fixtures.path(name)
            let result = try await sandbox.run(
                "transcribe", path, environment: ["CHATBOT_SPEECH_BASE_URL": "http://127.0.0.1:9/v1"])
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.hasPrefix("chatbot: \(path)"), "\(result)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("an unreachable speech server exits 69")
    func unreachable() async throws {
        let fixtures = try MediaFixtures.shared
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "transcribe", fixtures.path("speech.wav"),
                environment: ["CHATBOT_SPEECH_BASE_URL": "http://127.0.0.1:9/v1"])
            #expect(result.exitCode == 69, "\(result)")
        }
    }

    @Test(
        "transcribes through faster-whisper, caches the transcript, --force sends again",
        .enabled(
            if: ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"] != nil,
            "CHATBOT_TEST_WHISPER_URL is not set"))
    func whisper() async throws {
        let fixtures = try MediaFixtures.shared
        let url = try #require(ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"])
        try await CLISandbox.with { sandbox in
            let path = try fixtures.longSpeech(copies: 3, gap: 1.5, name: "cli-long.wav")
            let output = sandbox.root.appendingPathComponent("out.json").path
            let first = try await sandbox.run(
                "transcribe", "--json", "--window-seconds", "12", "--language", "en", "-o", output, path,
                environment: ["CHATBOT_SPEECH_BASE_URL": url], timeout: .seconds(180))
            #expect(first.exitCode == 0, "\(first)")
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let segments = try #require(object["segments"] as? [[String: Any]])
            #expect(segments.count >= 3)
            let starts = segments.compactMap { $0["start"] as? Double }
            #expect(starts == starts.sorted())
            #expect(((object["text"] as? String) ?? "").lowercased().contains("train station"))

            // The second run comes from the cache; --force sends the windows again.
            let cached = try await sandbox.run(
                "transcribe", "--verbose", "--json", "--window-seconds", "12", "--language", "en", path,
                environment: ["CHATBOT_SPEECH_BASE_URL": url])
            #expect(cached.exitCode == 0, "\(cached)")
            #expect(cached.stderr.contains("transcript from cache"), "\(cached)")
            #expect(!cached.stderr.contains("sending window"))
            #expect(try cached.jsonObject()["text"] as? String == object["text"] as? String)
            let forced = try await sandbox.run(
                "transcribe", "--verbose", "--force", "--window-seconds", "12", "--language", "en", path,
                environment: ["CHATBOT_SPEECH_BASE_URL": url], timeout: .seconds(180))
            #expect(forced.exitCode == 0, "\(forced)")
            #expect(forced.stderr.contains("sending window"), "\(forced)")
            #expect(!forced.stderr.contains("transcript from cache"))
        }
    }
}
