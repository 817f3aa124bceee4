/// How to reach one provider: an OpenAI-compatible HTTP API.
public struct ProviderEndpoint: Sendable, Hashable {
    /// The configured name (`local`, `openai`, `hf`, …).
    public var name: String
    /// Base URL up to and including the API version, e.g. `https://api.openai.com/v1`.
    /// Paths such as `/chat/completions` are appended to it.
    public var baseURL: String
    /// The API key sent as a bearer token, if any. Never printed.
    public var apiKey: String?
    /// Extra headers sent with every request (name, value).
    public var headers: [String: String]
    /// The model used when a request names this provider without a model.
    public var defaultModel: String?
    /// Whether chatbot manages this server itself (the local stack) and may start it.
    public var isManagedLocal: Bool

    /// Creates an endpoint.
    public init(
        name: String,
        baseURL: String,
        apiKey: String? = nil,
        headers: [String: String] = [:],
        defaultModel: String? = nil,
        isManagedLocal: Bool = false
    ) {
        self.name = name
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.headers = headers
        self.defaultModel = defaultModel
        self.isManagedLocal = isManagedLocal
    }
}

/// The price of a model in USD per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    /// USD per million prompt tokens.
    public var inputPerMillion: Double
    /// USD per million completion tokens.
    public var outputPerMillion: Double

    /// Creates a price.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost in USD of the given usage.
    public func cost(of usage: ChatUsage) -> Double {
        (Double(usage.promptTokens) * inputPerMillion + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
    }
}
