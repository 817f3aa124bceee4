public import Foundation

/// A conversation: an ordered list of messages.
public struct Conversation: Sendable, Hashable, Codable {
    /// Stable identifier (a lowercase UUID).
    public var id: String
    /// A short title, taken from the first user message.
    public var title: String
    /// When the conversation started.
    public var createdAt: Date
    /// When the last message was added.
    public var updatedAt: Date

    /// Creates a conversation record.
    public init(id: String, title: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// How a stored message came to its end.
public enum MessageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Written completely (every user and system message; an assistant answer that finished).
    case complete
    /// An assistant answer still being streamed.
    case streaming
    /// The user stopped the answer (Ctrl-C); the partial text is kept.
    case interrupted
    /// The provider failed mid-answer; the partial text and the reason are kept.
    case failed
}

/// One stored message with its accounting.
public struct MessageRecord: Sendable, Hashable, Codable {
    /// Stable identifier (a lowercase UUID).
    public var id: String
    /// The conversation it belongs to.
    public var conversationID: String
    /// Who wrote it.
    public var role: ChatRole
    /// The text (partial for interrupted or failed answers).
    public var content: String
    /// The model that answered (assistant messages).
    public var model: String?
    /// The provider that answered (assistant messages).
    public var provider: String?
    /// Prompt tokens, when the provider reported usage.
    public var promptTokens: Int?
    /// Completion tokens, when the provider reported usage.
    public var completionTokens: Int?
    /// Cost in USD, when a price is configured for the model.
    public var cost: Double?
    /// Wall time from request to last token, in milliseconds.
    public var latencyMs: Int?
    /// How the message ended.
    public var status: MessageStatus
    /// Why it failed, for failed messages.
    public var error: String?
    /// Whether the answer came from the response cache.
    public var cached: Bool
    /// When it was created.
    public var createdAt: Date

    /// Creates a message record.
    public init(
        id: String,
        conversationID: String,
        role: ChatRole,
        content: String,
        model: String? = nil,
        provider: String? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        cost: Double? = nil,
        latencyMs: Int? = nil,
        status: MessageStatus = .complete,
        error: String? = nil,
        cached: Bool = false,
        createdAt: Date
    ) {
        self.id = id
        self.conversationID = conversationID
        self.role = role
        self.content = content
        self.model = model
        self.provider = provider
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.latencyMs = latencyMs
        self.status = status
        self.error = error
        self.cached = cached
        self.createdAt = createdAt
    }
}

/// Token and cost totals for one model over a period.
public struct UsageTotal: Sendable, Hashable, Codable {
    /// The provider.
    public var provider: String
    /// The model.
    public var model: String
    /// Number of assistant messages.
    public var messages: Int
    /// Sum of prompt tokens.
    public var promptTokens: Int
    /// Sum of completion tokens.
    public var completionTokens: Int
    /// Sum of costs in USD (messages without a price count as zero).
    public var cost: Double

    /// Creates a total.
    public init(provider: String, model: String, messages: Int, promptTokens: Int, completionTokens: Int, cost: Double)
    {
        self.provider = provider
        self.model = model
        self.messages = messages
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}

/// What ``ConversationStore/usageTotals(from:to:by:)`` groups answers by.
public enum UsageGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    /// The user who asked.
    case user
    /// The API key the answer was asked with.
    case key
}

/// Token and cost totals of one user or one API key over a period.
public struct UsageGroupTotal: Sendable, Hashable, Codable {
    /// The user or key id; `nil` for answers without one (asks have no key).
    public var id: String?
    /// Number of answers.
    public var answers: Int
    /// Sum of prompt tokens.
    public var promptTokens: Int
    /// Sum of completion tokens.
    public var completionTokens: Int
    /// Sum of costs in USD (answers without a price count as zero).
    public var cost: Double

    /// Creates a total.
    public init(id: String?, answers: Int, promptTokens: Int, completionTokens: Int, cost: Double) {
        self.id = id
        self.answers = answers
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}

/// One answer that leaves no message behind (the stateless `/v1/chat/completions`), with who
/// asked and what it used.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// When the answer ended.
    public var at: Date
    /// The user who asked, when known.
    public var userID: String?
    /// The API key it was asked with, when any.
    public var apiKeyID: String?
    /// Where it was asked, e.g. `v1.chat.completions`.
    public var source: String
    /// The provider that answered.
    public var provider: String
    /// The model that answered.
    public var model: String
    /// Prompt tokens (0 when the provider reported none).
    public var promptTokens: Int
    /// Completion tokens (0 when the provider reported none).
    public var completionTokens: Int
    /// Cost in USD from the configured prices; `nil` without a price.
    public var cost: Double?
    /// `completed`, `failed` or `interrupted`: a failed or cut answer counts with what it used.
    public var status: String

    /// Creates a record.
    public init(
        at: Date, userID: String?, apiKeyID: String?, source: String, provider: String, model: String,
        promptTokens: Int, completionTokens: Int, cost: Double?, status: String
    ) {
        self.at = at
        self.userID = userID
        self.apiKeyID = apiKeyID
        self.source = source
        self.provider = provider
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.status = status
    }
}

/// A message found by full-text search, with a highlighted excerpt.
public struct MessageSearchHit: Sendable, Hashable, Codable {
    /// The message.
    public var message: MessageRecord
    /// A short excerpt around the match, with matches wrapped in `[` `]`.
    public var snippet: String

    /// Creates a hit.
    public init(message: MessageRecord, snippet: String) {
        self.message = message
        self.snippet = snippet
    }
}
