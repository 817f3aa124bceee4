import AsyncHTTPClient
import ChatbotCore
import ChatbotMedia
import ChatbotProviders
import ChatbotSpeech
import ChatbotTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The server under test, from the environment.
enum WhisperServer {
    static let baseURL = ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
}

/// Against the real faster-whisper server with Whisper tiny.en (Scripts/start-test-whisper):
/// `CHATBOT_TEST_WHISPER_URL=http://127.0.0.1:PORT/v1`.
@Suite(
    "Transcription with faster-whisper",
    .enabled(
        if: WhisperServer.baseURL != nil, "CHATBOT_TEST_WHISPER_URL is not set (eval \"$(Scripts/start-test-whisper)\")"
    ),
    .serialized)
struct WhisperServerTests {
    /// First measured with tiny.en on these espeak-ng fixtures: 0.17 (WAV, FLAC, M4A, MP4, MOV),
    /// 0.21 (MKV, WebM), 0.28 (MP3, Opus); 0.19 for the five-copy file in 14 s windows. It hears
    /// "jumped", "fell seashell", "hide"; the bound leaves room for codec differences only.
    static let maxWordErrorRate = 0.35

    private func withTranscriber<T>(
        windowSeconds: Double = 600, parallel: Int = 2, _ body: (WindowedTranscriber) async throws -> T
    ) async throws -> T {
        let url = try #require(WhisperServer.baseURL)
        let timeouts = ProviderTimeouts(request: .seconds(300))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: timeouts.httpClientConfiguration())
        let client = OpenAITranscriptionClient(
            endpoint: ProviderEndpoint(name: "whisper", baseURL: url), httpClient: http, timeouts: timeouts)
        let transcriber = WindowedTranscriber(
            transcriber: client, options: TranscriptionOptions(model: "tiny.en", language: "en"),
            maxWindowSeconds: windowSeconds, parallelRequests: parallel, logger: Logger(label: "test"))
        do {
            let result = try await body(transcriber)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test(
        "every container is transcribed close to the script",
        arguments: [
            "speech.wav", "speech.mp3", "speech.m4a", "speech.flac", "speech.ogg", "video.mp4", "video.mkv",
            "video.webm", "video.mov",
        ])
    func wordErrorRate(name: String) async throws {
        let fixtures = try MediaFixtures.shared
        let path = fixtures.path(name)
        let duration = try #require(try MediaProbe.info(of: .file(path)).durationSeconds)
        let transcript = try await withTranscriber { try await $0.transcribe(.file(path)) }
        let rate = TranscriptChecks.wordErrorRate(reference: MediaFixtures.script, hypothesis: transcript.text)
        print("WER \(name): \(rate) — \(transcript.text)")
        #expect(rate <= Self.maxWordErrorRate, "WER \(rate): \(transcript.text)")
        #expect(!transcript.segments.isEmpty)
        TranscriptChecks.expectMonotonic(transcript.segments, within: duration)
        let srt = try TranscriptChecks.parseSRT(TranscriptFormat.srt.render(transcript))
        let vtt = try TranscriptChecks.parseVTT(TranscriptFormat.vtt.render(transcript))
        #expect(srt.count == transcript.segments.count)
        #expect(vtt.count == transcript.segments.count)
    }

    @Test("a long file cut into many small windows comes back as one continuous transcript")
    func longFile() async throws {
        let fixtures = try MediaFixtures.shared
        let copies = 5
        let path = try fixtures.longSpeech(copies: copies, gap: 1.5, name: "long.wav")
        let duration = try #require(try MediaProbe.info(of: .file(path)).durationSeconds)
        let windows = Mutex(0)
        let transcript = try await withTranscriber(windowSeconds: 14, parallel: 2) { transcriber in
            try await transcriber.transcribe(.file(path)) { progress in
                windows.withLock { $0 = max($0, progress.windowsSent) }
            }
        }
        let sent = windows.withLock { $0 }
        #expect(sent >= 4, "only \(sent) windows")
        let reference = Array(repeating: MediaFixtures.script, count: copies).joined(separator: " ")
        let rate = TranscriptChecks.wordErrorRate(reference: reference, hypothesis: transcript.text)
        print("WER long (\(sent) windows): \(rate)")
        #expect(rate <= Self.maxWordErrorRate, "WER \(rate): \(transcript.text)")
        TranscriptChecks.expectMonotonic(transcript.segments, within: duration)
        // The speech runs to the end: the last segment is in the last copy.
        let last = try #require(transcript.segments.last)
        #expect(last.end > duration - 12)
        // Each copy's last words appear once per copy, in order.
        let words = TranscriptChecks.words(transcript.text)
        #expect(words.filter { $0 == "morning" }.count == copies)
        #expect(words.filter { $0 == "fox" }.count == copies)
    }
}
