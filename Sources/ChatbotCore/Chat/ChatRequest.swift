/// A provider-neutral chat completion request.
public struct ChatRequest: Sendable, Codable, Hashable {
    /// The model name as the provider knows it (not an alias).
    public var model: String
    /// The conversation so far, oldest first.
    public var messages: [ChatMessage]
    /// Sampling temperature; `nil` leaves the provider's default.
    public var temperature: Double?
    /// Upper bound on generated tokens; `nil` leaves the provider's default.
    public var maxTokens: Int?
    /// Random seed, passed through to providers that support it.
    public var seed: Int?

    /// Creates a request.
    public init(
        model: String,
        messages: [ChatMessage],
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        seed: Int? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
    }

    /// Whether the same request is expected to produce the same answer (temperature 0),
    /// which is what makes it eligible for the response cache.
    public var isDeterministic: Bool { temperature == 0 }
}
