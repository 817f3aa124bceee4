public import AsyncHTTPClient
public import ChatbotCore
public import Foundation

/// A ``SpeechTranscriber`` for OpenAI-compatible `POST /audio/transcriptions` servers: OpenAI,
/// Groq, faster-whisper servers.
///
/// It asks for `verbose_json` (segments with start and end); a server that refuses that format
/// (400/422 naming `response_format`) is asked again for `json`, which yields one segment
/// spanning the upload. A plain-text answer is accepted too. The client does not retry: the
/// windowed transcriber does, with a ``RetryPolicy``.
public struct OpenAITranscriptionClient: SpeechTranscriber {
    /// Where requests go; `baseURL` ends before `/audio/transcriptions`.
    public let endpoint: ProviderEndpoint
    /// The largest upload the service accepts, in bytes.
    public let uploadLimitBytes: Int
    private let http: ProviderPost

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - httpClient: Owned by the caller; build it with `timeouts.httpClientConfiguration()`.
    ///   - timeouts: `request` bounds one upload and its answer (default 600 s).
    public init(
        endpoint: ProviderEndpoint, httpClient: HTTPClient, timeouts: ProviderTimeouts = ProviderTimeouts(),
        uploadLimitBytes: Int = 25_000_000
    ) {
        self.endpoint = endpoint
        self.uploadLimitBytes = uploadLimitBytes
        self.http = ProviderPost(httpClient: httpClient, timeouts: timeouts)
    }

    /// Transcribes one WAV upload.
    public func transcribe(audio: Data, options: TranscriptionOptions) async throws -> Transcript {
        do {
            return try await send(audio, options: options, format: "verbose_json")
        } catch let error as ProviderError
            where (error.statusCode == 400 || error.statusCode == 422)
            && (error.providerMessage ?? "").contains("response_format")
        {
            return try await send(audio, options: options, format: "json")
        }
    }

    private func send(_ audio: Data, options: TranscriptionOptions, format: String) async throws -> Transcript {
        var form = MultipartFormData()
        form.addFile("file", filename: "audio.wav", contentType: "audio/wav", data: audio)
        form.addField("model", options.model)
        form.addField("response_format", format)
        if format == "verbose_json" { form.addField("timestamp_granularities[]", "segment") }
        if let language = options.language { form.addField("language", language) }
        if let prompt = options.prompt { form.addField("prompt", prompt) }
        let body = form.finish()
        let response = try await http.post(
            url: endpoint.baseURL + "/audio/transcriptions", body: body, contentType: form.contentType,
            endpoint: endpoint)
        return try TranscriptionResponse.decodeOpenAI(
            response.body, contentType: response.contentType, uploadSeconds: Self.wavSeconds(audio), endpoint: endpoint)
    }

    /// The duration of a 16-bit WAV upload (from its header), used when the answer has no times.
    static func wavSeconds(_ wav: Data) -> Double? {
        guard wav.count >= 44 else { return nil }
        func uint32(_ offset: Int) -> UInt32 {
            wav.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        let byteRate = uint32(28)
        guard byteRate > 0 else { return nil }
        return Double(wav.count - 44) / Double(byteRate)
    }
}
