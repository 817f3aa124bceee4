public import AsyncHTTPClient
public import ChatbotCore
public import Foundation

/// A ``SpeechTranscriber`` for Hugging Face's inference API (automatic-speech-recognition task):
/// the audio goes base64-encoded in `{"inputs", "parameters": {"return_timestamps": true}}` to the
/// model URL; the answer is `{"text", "chunks": [{"timestamp": [start, end], "text"}]}`.
///
/// A 503 while the model loads is a temporary failure, retried by the windowed transcriber.
public struct HuggingFaceTranscriptionClient: SpeechTranscriber {
    /// Where requests go: `baseURL` is the model URL itself.
    public let endpoint: ProviderEndpoint
    /// The largest upload the service accepts, in bytes.
    public let uploadLimitBytes: Int
    private let http: ProviderPost

    /// Creates a client; `httpClient` is owned by the caller.
    public init(
        endpoint: ProviderEndpoint, httpClient: HTTPClient, timeouts: ProviderTimeouts = ProviderTimeouts(),
        uploadLimitBytes: Int = 10_000_000
    ) {
        self.endpoint = endpoint
        self.uploadLimitBytes = uploadLimitBytes
        self.http = ProviderPost(httpClient: httpClient, timeouts: timeouts)
    }

    /// Transcribes one WAV upload.
    public func transcribe(audio: Data, options: TranscriptionOptions) async throws -> Transcript {
        var parameters: [String: Any] = ["return_timestamps": true]
        var generate: [String: Any] = [:]
        if let language = options.language { generate["language"] = language }
        if !generate.isEmpty { parameters["generate_kwargs"] = generate }
        let payload: [String: Any] = ["inputs": audio.base64EncodedString(), "parameters": parameters]
        let body = try JSONSerialization.data(withJSONObject: payload)
        let response = try await http.post(
            url: endpoint.baseURL, body: body, contentType: "application/json", endpoint: endpoint)
        return try TranscriptionResponse.decodeHuggingFace(
            response.body, uploadSeconds: OpenAITranscriptionClient.wavSeconds(audio), endpoint: endpoint)
    }
}
