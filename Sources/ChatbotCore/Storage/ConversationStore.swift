public import Foundation

/// Persistence of conversations, messages, usage accounting and the response cache.
///
/// Implemented over SQLKit for SQLite (and PostgreSQL), so callers never see a dialect.
public protocol ConversationStore: Sendable {
    /// Creates and stores a new conversation.
    func createConversation(title: String) async throws -> Conversation
    /// Creates a conversation holding `messages`, oldest first, in one transaction: it is stored
    /// with them or not at all. Each message's `conversationID` is replaced by the new id, and the
    /// conversation's `updatedAt` is its latest message's time when that is later than now.
    /// (`chatbot ask` records a new conversation and its question with one commit.)
    func createConversation(title: String, startingWith messages: [MessageRecord]) async throws -> Conversation
    /// The conversation with this id, or with this unique id prefix; `nil` when none matches.
    /// A prefix matching several conversations is a usage error.
    func conversation(matching idOrPrefix: String) async throws -> Conversation?
    /// The most recently updated conversation.
    func latestConversation() async throws -> Conversation?
    /// Conversations, most recently updated first.
    func listConversations(limit: Int, offset: Int) async throws -> [Conversation]
    /// Deletes a conversation and its messages; returns whether it existed.
    func deleteConversation(id: String) async throws -> Bool

    /// Stores a message (and bumps the conversation's `updatedAt`) in one transaction.
    func appendMessage(_ message: MessageRecord) async throws
    /// Replaces a stored message's content, accounting and status (used while and after streaming).
    func updateMessage(_ message: MessageRecord) async throws
    /// The messages of a conversation, oldest first.
    func messages(conversationID: String) async throws -> [MessageRecord]
    /// The message with this id, `nil` when there is none (for this store's owner).
    func message(id: String) async throws -> MessageRecord?
    /// Saves the partial text of an answer being streamed and beats its heartbeat; `false` when
    /// the message is no longer `streaming` (stopped from elsewhere) or gone.
    func saveStreamingText(messageID: String, content: String, at: Date) async throws -> Bool
    /// Marks an answer being streamed as interrupted with `reason` (a cancel from any process);
    /// `false` when it was not streaming.
    func stopStreaming(messageID: String, reason: String) async throws -> Bool
    /// Marks answers left `streaming` whose last heartbeat is before `before` as interrupted with
    /// `reason`, keeping their text (their process died); returns how many.
    func interruptAbandonedAnswers(heartbeatBefore before: Date, reason: String) async throws -> Int
    /// Full-text search over message content, best match first.
    func searchMessages(_ query: String, limit: Int) async throws -> [MessageSearchHit]
    /// Token and cost totals per provider and model for the answers of `[from, to)`: assistant
    /// messages and ``UsageRecord``s.
    func usageTotals(from: Date?, to: Date?) async throws -> [UsageTotal]
    /// The same answers totalled per user (a message counts for its conversation's owner) or per
    /// API key (messages have none: their group is `nil`), largest cost first.
    func usageTotals(from: Date?, to: Date?, by grouping: UsageGrouping) async throws -> [UsageGroupTotal]
    /// Records answers that leave no message behind (`/v1/chat/completions`), in one transaction.
    func recordUsage(_ records: [UsageRecord]) async throws
    /// What one user (every answer in their conversations and on `/v1`, whatever the credential)
    /// or one API key (the answers asked with it) has spent since `since`: tokens and cost.
    /// Answers cut before the provider counted them count an estimate of their text's tokens.
    func spending(by grouping: UsageGrouping, id: String, since: Date) async throws -> BudgetSpending

    /// A cached answer for this request key, if any.
    func cachedResponse(key: String) async throws -> CachedResponse?
    /// Stores an answer in the response cache (replacing an older one for the key).
    func storeCachedResponse(_ response: CachedResponse) async throws
}

/// An answer stored in the exact-match response cache.
public struct CachedResponse: Sendable, Hashable, Codable {
    /// SHA-256 of the canonical request (provider, model, messages, parameters).
    public var key: String
    /// The provider that answered.
    public var provider: String
    /// The model that answered.
    public var model: String
    /// The answer text.
    public var content: String
    /// Usage of the original request.
    public var usage: ChatUsage?
    /// When it was stored.
    public var createdAt: Date

    /// Creates a cache entry.
    public init(key: String, provider: String, model: String, content: String, usage: ChatUsage?, createdAt: Date) {
        self.key = key
        self.provider = provider
        self.model = model
        self.content = content
        self.usage = usage
        self.createdAt = createdAt
    }
}
