import AsyncHTTPClient
import ChatbotCore
import ChatbotMedia
import ChatbotProviders
import ChatbotSpeech
import ChatbotTestSupport
import Foundation
import Logging
import Testing

/// The wire protocols against a local HTTP server that answers as the real services do,
/// including the failures (model loading, refused response format) they produce.
@Suite("Transcription protocols")
struct TranscriptionClientTests {
    private let wav = WAVEncoder.encode([Float](repeating: 0.1, count: 32_000), sampleRate: 16_000)

    private func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: ProviderTimeouts().httpClientConfiguration())
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test("Hugging Face: JSON with base64 audio, chunks become segments, 503 while loading is retried")
    func huggingFace() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(
                .status(503, body: #"{"error":"Model openai/whisper is currently loading","estimated_time":1.0}"#),
                .status(
                    200,
                    body:
                        #"{"text":" Hello world. Again.","chunks":[{"timestamp":[0.0,1.2],"text":" Hello world."},{"timestamp":[1.2,null],"text":" Again."}]}"#
                ))
            try await withClient { http in
                let endpoint = ProviderEndpoint(
                    name: "hf", baseURL: baseURL + "/models/openai/whisper", apiKey: "hf_secret")
                let client = HuggingFaceTranscriptionClient(endpoint: endpoint, httpClient: http)
                let transcript = try await WindowedTranscriber.send(
                    wav, transcriber: client, options: TranscriptionOptions(model: "openai/whisper", language: "en"),
                    retry: RetryPolicy(maxAttempts: 2, sleep: { _ in }))
                #expect(transcript.text == "Hello world. Again.")
                #expect(transcript.segments.map(\.text) == ["Hello world.", "Again."])
                #expect(transcript.segments.map(\.start) == [0, 1.2])
                #expect(transcript.segments.last?.end == 2.0)  // null end: the upload's length
            }
            let requests = server.requests
            #expect(requests.count == 2)
            let request = try #require(requests.last)
            #expect(request.path.hasSuffix("/models/openai/whisper"))
            #expect(request.header("Authorization") == "Bearer hf_secret")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            let inputs = try #require(body["inputs"] as? String)
            #expect(Data(base64Encoded: inputs) == wav)
            let parameters = try #require(body["parameters"] as? [String: Any])
            #expect(parameters["return_timestamps"] as? Bool == true)
        }
    }

    @Test("OpenAI: multipart upload; a server refusing verbose_json is asked for json")
    func openAIFallback() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(
                .status(422, body: #"{"detail":{"error":{"message":"Unsupported response_format: verbose_json"}}}"#),
                .status(200, body: #"{"text":"  plain   answer "}"#))
            try await withClient { http in
                let client = OpenAITranscriptionClient(
                    endpoint: ProviderEndpoint(name: "speech", baseURL: baseURL), httpClient: http)
                let transcript = try await client.transcribe(
                    audio: wav, options: TranscriptionOptions(model: "whisper-1", prompt: "Names: Ada"))
                #expect(transcript.text == "plain answer")
                #expect(transcript.segments == [TranscriptSegment(start: 0, end: 2, text: "plain answer")])
            }
            let requests = server.requests
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.path.hasSuffix("/audio/transcriptions") })
            let first = try #require(requests.first)
            #expect(first.header("Content-Type")?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(first.bodyText.contains("name=\"response_format\"\r\n\r\nverbose_json"))
            #expect(first.bodyText.contains("name=\"prompt\"\r\n\r\nNames: Ada"))
            #expect(first.bodyText.contains("filename=\"audio.wav\""))
            #expect(requests.last?.bodyText.contains("name=\"response_format\"\r\n\r\njson") == true)
        }
    }

    @Test("a permanent error is not retried and keeps the provider's message")
    func permanentError() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(401, message: "bad key"))
            try await withClient { http in
                let client = OpenAITranscriptionClient(
                    endpoint: ProviderEndpoint(name: "speech", baseURL: baseURL), httpClient: http)
                let error = try await #require(throws: ProviderError.self) {
                    _ = try await WindowedTranscriber.send(
                        wav, transcriber: client, options: TranscriptionOptions(model: "m"),
                        retry: RetryPolicy(maxAttempts: 3, sleep: { _ in }))
                }
                #expect(error.statusCode == 401)
                #expect(error.description.contains("bad key"))
            }
            #expect(server.requests.count == 1)
        }
    }
}
