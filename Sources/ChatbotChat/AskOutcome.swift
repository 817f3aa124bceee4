public import ChatbotCore

/// The result of one ask, as `ask --json` prints it.
public struct AskOutcome: Sendable, Codable, Hashable {
    /// The answer text (partial when interrupted or failed).
    public var answer: String
    /// The model that answered.
    public var model: String
    /// The provider that answered.
    public var provider: String
    /// Token usage, when the provider reported it.
    public var usage: ChatUsage?
    /// Cost in USD, when a price is configured for the model.
    public var cost: Double?
    /// The conversation the exchange was recorded in (`nil` with `--no-log`).
    public var conversationID: String?
    /// The stored assistant message (`nil` with `--no-log`).
    public var messageID: String?
    /// Milliseconds from sending the request to the last token.
    public var latencyMs: Int
    /// Whether the answer came from the response cache.
    public var cached: Bool
    /// `complete`, `interrupted` or `failed`.
    public var status: MessageStatus
    /// Models that failed before this one answered, with the reason.
    public var fallbacks: [FallbackNote]

    /// A model skipped by the fallback chain.
    public struct FallbackNote: Sendable, Codable, Hashable {
        /// `provider:model` that failed.
        public var model: String
        /// Why.
        public var reason: String

        /// Creates a note.
        public init(model: String, reason: String) {
            self.model = model
            self.reason = reason
        }
    }

    enum CodingKeys: String, CodingKey {
        case answer, model, provider, usage, cost, cached, status, fallbacks
        case conversationID = "conversation_id"
        case messageID = "message_id"
        case latencyMs = "latency_ms"
    }

    /// Creates an outcome.
    public init(
        answer: String, model: String, provider: String, usage: ChatUsage?, cost: Double?, conversationID: String?,
        messageID: String?, latencyMs: Int, cached: Bool, status: MessageStatus, fallbacks: [FallbackNote]
    ) {
        self.answer = answer
        self.model = model
        self.provider = provider
        self.usage = usage
        self.cost = cost
        self.conversationID = conversationID
        self.messageID = messageID
        self.latencyMs = latencyMs
        self.cached = cached
        self.status = status
        self.fallbacks = fallbacks
    }

    /// Encodes `usage` with `totalTokens` too, and `null` for absent optionals, so the shape is stable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(answer, forKey: .answer)
        try container.encode(model, forKey: .model)
        try container.encode(provider, forKey: .provider)
        try container.encode(usage.map(UsageJSON.init), forKey: .usage)
        try container.encode(cost, forKey: .cost)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(cached, forKey: .cached)
        try container.encode(status, forKey: .status)
        try container.encode(fallbacks, forKey: .fallbacks)
    }

    private struct UsageJSON: Encodable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int
        init(_ usage: ChatUsage) {
            promptTokens = usage.promptTokens
            completionTokens = usage.completionTokens
            totalTokens = usage.totalTokens
        }
    }
}
