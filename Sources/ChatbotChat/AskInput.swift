import ChatbotCore

/// Which conversation a question belongs to.
public enum ConversationTarget: Sendable, Hashable {
    /// Start a new conversation.
    case new
    /// Continue the most recently updated conversation.
    case latest
    /// Continue the conversation with this id or unique id prefix.
    case id(String)
}

/// One question to ask, with everything that shapes the answer.
public struct AskInput: Sendable {
    /// The user's message (prompt text, plus any piped or attached content).
    public var prompt: String
    /// A system prompt; replaces an earlier one when continuing a conversation.
    public var system: String?
    /// An alias, provider name or `provider:model`; `nil` uses the configured default.
    public var model: String?
    /// Which conversation to add to.
    public var conversation: ConversationTarget
    /// Sampling temperature.
    public var temperature: Double?
    /// Maximum tokens to generate.
    public var maxTokens: Int?
    /// Answer deterministic requests (temperature 0) from the response cache, and store new answers there.
    public var useCache: Bool
    /// Record the exchange in the history.
    public var log: Bool
    /// When set (and logging), the answer is recorded under this id as `streaming` before the
    /// provider is called, and its partial text is saved with a heartbeat every
    /// ``saveInterval``: the server's answers outlive their connection and can be resumed from
    /// the database by any process. A save that finds the answer stopped from elsewhere
    /// interrupts it.
    public var answerID: String?
    /// How often a recorded answer's partial text is saved.
    public var saveInterval: Duration = .milliseconds(300)

    /// Creates an input.
    public init(
        prompt: String,
        system: String? = nil,
        model: String? = nil,
        conversation: ConversationTarget = .new,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        useCache: Bool = false,
        log: Bool = true
    ) {
        self.prompt = prompt
        self.system = system
        self.model = model
        self.conversation = conversation
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.useCache = useCache
        self.log = log
    }
}
