/// What is asked of a speech provider for one request.
public struct TranscriptionOptions: Sendable, Hashable, Codable {
    /// The model name sent to the provider (`whisper-1`, `tiny.en`, a Hugging Face model id).
    public var model: String
    /// The spoken language as an ISO-639-1 code, when known (helps accuracy and speed).
    public var language: String?
    /// Text that primes the model: names, spelling, the previous part of the transcript.
    public var prompt: String?

    /// Creates options.
    public init(model: String, language: String? = nil, prompt: String? = nil) {
        self.model = model
        self.language = language
        self.prompt = prompt
    }
}
