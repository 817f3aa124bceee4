/// How `chatbot transcribe` reaches a speech-to-text service (`speech.*` keys, `CHATBOT_SPEECH_*`).
public struct SpeechSettings: Sendable, Hashable {
    /// The wire protocol of a speech service.
    public enum WireProtocol: String, Sendable, Hashable, CaseIterable {
        /// OpenAI-compatible multipart `POST /audio/transcriptions` (OpenAI, Groq, faster-whisper servers).
        case openai
        /// Hugging Face's inference API: the audio posted to a model URL, `{"text", "chunks"}` back.
        case huggingface
    }

    /// `local` (the managed faster-whisper server) or the name of a configured provider.
    public var provider: String
    /// The protocol; `nil` picks `huggingface` for the huggingface preset, `openai` otherwise.
    public var wireProtocol: WireProtocol?
    /// The model; `nil` for the provider's usual speech model.
    public var model: String?
    /// A base URL that replaces the provider's (OpenAI protocol: up to `/v1`; Hugging Face: the model URL).
    public var baseURL: String?
    /// The longest window sent in one request, in seconds; `nil` for the endpoint's default
    /// (``SpeechEndpoint/defaultWindowSeconds``).
    public var windowSeconds: Double?
    /// The provider's upload limit in bytes (25 MB for OpenAI).
    public var uploadLimitBytes: Int
    /// How many windows are sent at once.
    public var parallelRequests: Int
    /// The default spoken language (ISO-639-1), when set.
    public var language: String?

    /// Creates settings; the defaults use the managed local server, the endpoint's window, 25 MB, 2 at once.
    public init(
        provider: String = "local",
        wireProtocol: WireProtocol? = nil,
        model: String? = nil,
        baseURL: String? = nil,
        windowSeconds: Double? = nil,
        uploadLimitBytes: Int = 25 * 1_000_000,
        parallelRequests: Int = 2,
        language: String? = nil
    ) {
        self.provider = provider
        self.wireProtocol = wireProtocol
        self.model = model
        self.baseURL = baseURL
        self.windowSeconds = windowSeconds
        self.uploadLimitBytes = uploadLimitBytes
        self.parallelRequests = parallelRequests
        self.language = language
    }
}

/// Where speech requests go, resolved from ``SpeechSettings`` and the providers.
public struct SpeechEndpoint: Sendable, Hashable {
    /// The provider's name and base URL (with its key and headers).
    public var endpoint: ProviderEndpoint
    /// The wire protocol.
    public var wireProtocol: SpeechSettings.WireProtocol
    /// The model sent with each request.
    public var model: String
    /// The window length used when `speech.window_seconds` is not set: 28 s for the local
    /// faster-whisper server (it mis-transcribes single uploads longer than Whisper's 30 s
    /// context), 600 s for hosted services.
    public var defaultWindowSeconds: Double

    /// Creates an endpoint.
    public init(
        endpoint: ProviderEndpoint, wireProtocol: SpeechSettings.WireProtocol, model: String,
        defaultWindowSeconds: Double = 600
    ) {
        self.endpoint = endpoint
        self.wireProtocol = wireProtocol
        self.model = model
        self.defaultWindowSeconds = defaultWindowSeconds
    }
}

extension ChatbotSettings {
    /// The speech service to call: the managed local faster-whisper server for `local` (marked
    /// managed, so the caller may start it), otherwise the named provider's URL, key and headers.
    public func speechEndpoint() throws -> SpeechEndpoint {
        var resolved = try resolveSpeechEndpoint()
        if let window = speech.windowSeconds { resolved.defaultWindowSeconds = window }
        return resolved
    }

    private func resolveSpeechEndpoint() throws -> SpeechEndpoint {
        let name = speech.provider
        if name == "local" {
            let base = speech.baseURL ?? "http://127.0.0.1:\(local.speechPort)/v1"
            return SpeechEndpoint(
                endpoint: ProviderEndpoint(
                    name: "local-speech", baseURL: trimmed(base), isManagedLocal: speech.baseURL == nil),
                wireProtocol: speech.wireProtocol ?? .openai,
                model: speech.model ?? "tiny.en", defaultWindowSeconds: 28)
        }
        guard let provider = providers[name] else {
            throw ChatbotError(
                .usage, "unknown speech provider '\(name)'",
                hint: "set speech.provider to local or one of: \(providers.keys.sorted().joined(separator: ", "))")
        }
        let wireProtocol = speech.wireProtocol ?? (provider.preset == "huggingface" ? .huggingface : .openai)
        let model = speech.model ?? Self.defaultSpeechModel(preset: provider.preset, wireProtocol: wireProtocol)
        var base = speech.baseURL
        if base == nil {
            if wireProtocol == .huggingface {
                base = "https://router.huggingface.co/hf-inference/models/\(model)"
            } else {
                base = provider.baseURL
            }
        }
        guard let base else {
            throw ChatbotError(
                .usage, "speech provider '\(name)' has no base URL",
                hint: "set speech.base_url or providers.\(name).base_url in \(configFile)")
        }
        return SpeechEndpoint(
            endpoint: ProviderEndpoint(
                name: name, baseURL: trimmed(base), apiKey: provider.apiKey, headers: provider.headers),
            wireProtocol: wireProtocol, model: model)
    }

    /// `url` without one trailing slash (paths such as `/embeddings` are appended to base URLs).
    func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private static func defaultSpeechModel(preset: String?, wireProtocol: SpeechSettings.WireProtocol) -> String {
        if wireProtocol == .huggingface { return "openai/whisper-large-v3" }
        switch preset {
        case "groq": return "whisper-large-v3"
        case "openai": return "whisper-1"
        default: return "whisper-1"
        }
    }
}
