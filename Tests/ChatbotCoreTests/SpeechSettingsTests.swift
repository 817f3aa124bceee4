import ChatbotCore
import Testing

@Suite("Speech settings")
struct SpeechSettingsTests {
    @Test("by default the managed local faster-whisper server, tiny.en, 28 s windows")
    func localDefault() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load()
            let speech = try settings.speechEndpoint()
            #expect(speech.endpoint.baseURL == "http://127.0.0.1:8413/v1")
            #expect(speech.endpoint.isManagedLocal)
            #expect(speech.wireProtocol == .openai)
            #expect(speech.model == "tiny.en")
            #expect(speech.defaultWindowSeconds == 28)
            #expect(settings.speech.parallelRequests == 2)
            #expect(settings.speech.uploadLimitBytes == 25_000_000)
        }
    }

    @Test("CHATBOT_SPEECH_* names a provider whose URL and key are reused")
    func namedProvider() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(environment: [
                "CHATBOT_SPEECH_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test",
                "CHATBOT_SPEECH_WINDOW_SECONDS": "120",
                "CHATBOT_SPEECH_PARALLEL": "4", "CHATBOT_SPEECH_LANGUAGE": "de",
            ])
            let speech = try settings.speechEndpoint()
            #expect(speech.endpoint.baseURL == "https://api.openai.com/v1")
            #expect(speech.endpoint.apiKey == "sk-test")
            #expect(!speech.endpoint.isManagedLocal)
            #expect(speech.model == "whisper-1")
            #expect(speech.defaultWindowSeconds == 120)
            #expect(settings.speech.parallelRequests == 4)
            #expect(settings.speech.language == "de")
        }
    }

    @Test("the huggingface preset speaks the inference API at the model's URL")
    func huggingFace() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: "speech:\n  provider: huggingface\n  model: openai/whisper-small\n",
                environment: ["HF_TOKEN": "hf_x"])
            let speech = try settings.speechEndpoint()
            #expect(speech.wireProtocol == .huggingface)
            #expect(speech.endpoint.baseURL == "https://router.huggingface.co/hf-inference/models/openai/whisper-small")
            #expect(speech.endpoint.apiKey == "hf_x")
            #expect(speech.defaultWindowSeconds == 600)
        }
    }

    @Test("an unknown protocol or provider is a usage error")
    func invalid() async throws {
        try await ConfigFixture.with { fixture in
            let error = try await #require(throws: ChatbotError.self) {
                _ = try await fixture.load(environment: ["CHATBOT_SPEECH_PROTOCOL": "grpc"])
            }
            #expect(error.kind == .usage)
            let settings = try await fixture.load(environment: ["CHATBOT_SPEECH_PROVIDER": "nowhere"])
            let unknown = try #require(throws: ChatbotError.self) { _ = try settings.speechEndpoint() }
            #expect(unknown.message.contains("nowhere"))
        }
    }
}
