/// A named provider with known defaults, so a config can say `preset: openai` and nothing else.
public struct ProviderPreset: Sendable, Hashable {
    /// The preset's name, also the provider name it is available under without configuration.
    public var name: String
    /// The API base URL; `nil` when the user must give one (a TGI endpoint).
    public var baseURL: String?
    /// The environment variable the API key is read from by default.
    public var apiKeyEnvironmentVariable: String?
    /// The model used when none is named.
    public var defaultModel: String?
    /// One line for `config show` and the man page.
    public var summary: String

    /// Every built-in preset.
    public static let all: [ProviderPreset] = [
        ProviderPreset(
            name: "local", baseURL: nil, apiKeyEnvironmentVariable: nil,
            defaultModel: LocalStackSettings.defaultChatModel,
            summary: "the managed local llama-server (started on demand)"),
        ProviderPreset(
            name: "openai", baseURL: "https://api.openai.com/v1", apiKeyEnvironmentVariable: "OPENAI_API_KEY",
            defaultModel: "gpt-4o-mini", summary: "OpenAI"),
        ProviderPreset(
            name: "huggingface", baseURL: "https://router.huggingface.co/v1", apiKeyEnvironmentVariable: "HF_TOKEN",
            defaultModel: nil, summary: "Hugging Face inference router (OpenAI-compatible)"),
        ProviderPreset(
            name: "tgi", baseURL: nil, apiKeyEnvironmentVariable: "HF_TOKEN", defaultModel: "tgi",
            summary: "a Hugging Face Text Generation Inference endpoint (set base_url to https://HOST/v1)"),
        ProviderPreset(
            name: "ollama", baseURL: "http://127.0.0.1:11434/v1", apiKeyEnvironmentVariable: nil,
            defaultModel: nil, summary: "a local Ollama server"),
        ProviderPreset(
            name: "llamacpp", baseURL: "http://127.0.0.1:8080/v1", apiKeyEnvironmentVariable: nil,
            defaultModel: nil, summary: "a llama.cpp llama-server you run yourself"),
        ProviderPreset(
            name: "groq", baseURL: "https://api.groq.com/openai/v1", apiKeyEnvironmentVariable: "GROQ_API_KEY",
            defaultModel: nil, summary: "Groq"),
    ]

    /// The preset with this name.
    public static func named(_ name: String) -> ProviderPreset? {
        all.first { $0.name == name }
    }
}
