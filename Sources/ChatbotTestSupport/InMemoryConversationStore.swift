public import ChatbotCore
public import Foundation
import Synchronization

/// ``ConversationStore`` in memory, for tests of routes and services that need no files.
///
/// It keeps the SQL stores' rules: times to the millisecond, a message only in an existing
/// conversation and only once per id (`.notFound` / `.conflict`), ambiguous id prefixes as usage
/// errors, conversations newest first, messages oldest first in insertion order. Each call is
/// atomic (one lock).
///
/// Search is simpler than full-text search: every word of the query (runs of letters and digits)
/// must occur in the message as a case-insensitive substring (so "fox" finds "foxes", but there is
/// no stemming beyond that); hits rank by how often the words occur per word of the message, and the
/// snippet is the whole message with the matches in `[` `]`.
public final class InMemoryConversationStore: ConversationStore {
    private struct State {
        var conversations: [String: Conversation] = [:]
        /// Messages with the order they were appended in.
        var messages: [String: (seq: Int, record: MessageRecord)] = [:]
        var nextSeq = 0
        var cache: [String: CachedResponse] = [:]
        var heartbeats: [String: Date] = [:]
        var usage: [UsageRecord] = []
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// Creates a conversation with a new lowercase UUID and the current time (to the millisecond).
    public func createConversation(title: String) async throws -> Conversation {
        let now = InMemoryTimestamp.truncated(Date())
        let conversation = Conversation(
            id: UUID().uuidString.lowercased(), title: title, createdAt: now, updatedAt: now)
        state.withLock { $0.conversations[conversation.id] = conversation }
        return conversation
    }

    /// Creates a conversation holding `messages`, all at once (as one transaction would).
    public func createConversation(title: String, startingWith messages: [MessageRecord]) async throws
        -> Conversation
    {
        let now = InMemoryTimestamp.truncated(Date())
        let stored = messages.map { message in
            var message = message
            message.createdAt = InMemoryTimestamp.truncated(message.createdAt)
            return message
        }
        let conversation = Conversation(
            id: UUID().uuidString.lowercased(), title: title, createdAt: now,
            updatedAt: max(now, stored.map(\.createdAt).max() ?? now))
        try state.withLock { state in
            for message in stored where state.messages[message.id] != nil {
                throw ChatbotError(.conflict, "a record with this id is already stored (message \(message.id))")
            }
            state.conversations[conversation.id] = conversation
            for var message in stored {
                message.conversationID = conversation.id
                state.messages[message.id] = (state.nextSeq, message)
                state.nextSeq += 1
            }
        }
        return conversation
    }

    /// The conversation with this id or unique id prefix (case-insensitive); `nil` when none
    /// matches or the text is empty.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) when the prefix matches several conversations.
    public func conversation(matching idOrPrefix: String) async throws -> Conversation? {
        let needle = idOrPrefix.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { return nil }
        let found = state.withLock { state -> [Conversation] in
            if let exact = state.conversations[needle] { return [exact] }
            return Array(state.conversations.values.filter { $0.id.hasPrefix(needle) }.prefix(2))
        }
        guard found.count <= 1 else {
            throw ChatbotError(
                .usage, "'\(idOrPrefix)' matches more than one conversation",
                hint: "type more characters of the conversation id")
        }
        return found.first
    }

    /// The most recently updated conversation.
    public func latestConversation() async throws -> Conversation? {
        try await listConversations(limit: 1, offset: 0).first
    }

    /// Conversations, most recently updated first (ties: most recently created first, then by id).
    public func listConversations(limit: Int, offset: Int) async throws -> [Conversation] {
        let all = state.withLock { Array($0.conversations.values) }
        return
            all
            .sorted {
                ($0.updatedAt, $0.createdAt, $1.id) > ($1.updatedAt, $1.createdAt, $0.id)
            }
            .dropFirst(max(0, offset)).prefix(max(0, limit)).map { $0 }
    }

    /// Deletes a conversation and its messages; returns whether it existed.
    public func deleteConversation(id: String) async throws -> Bool {
        state.withLock { state in
            guard state.conversations.removeValue(forKey: id) != nil else { return false }
            state.messages = state.messages.filter { $0.value.record.conversationID != id }
            return true
        }
    }

    /// Stores a message and moves the conversation's `updatedAt` forward to the message's time.
    ///
    /// - Throws: ``ChatbotError`` (`.notFound`) when the conversation does not exist,
    ///   (`.conflict`) when a message with this id is already stored.
    public func appendMessage(_ message: MessageRecord) async throws {
        var stored = message
        stored.createdAt = InMemoryTimestamp.truncated(message.createdAt)
        try state.withLock { state in
            guard var conversation = state.conversations[message.conversationID] else {
                throw ChatbotError(.notFound, "conversation \(message.conversationID) does not exist")
            }
            guard state.messages[message.id] == nil else {
                throw ChatbotError(.conflict, "a record with this id is already stored (message \(message.id))")
            }
            conversation.updatedAt = max(conversation.updatedAt, stored.createdAt)
            state.conversations[conversation.id] = conversation
            state.messages[stored.id] = (state.nextSeq, stored)
            state.nextSeq += 1
        }
    }

    /// Replaces a stored message's content, model, accounting, status and error (its id,
    /// conversation, role and creation time stay).
    ///
    /// - Throws: ``ChatbotError`` (`.notFound`) when no message has this id.
    public func updateMessage(_ message: MessageRecord) async throws {
        try state.withLock { state in
            guard let old = state.messages[message.id] else {
                throw ChatbotError(.notFound, "message \(message.id) does not exist")
            }
            var updated = message
            updated.conversationID = old.record.conversationID
            updated.role = old.record.role
            updated.createdAt = old.record.createdAt
            state.messages[message.id] = (old.seq, updated)
        }
    }

    /// The message with this id.
    public func message(id: String) async throws -> MessageRecord? {
        state.withLock { $0.messages[id]?.record }
    }

    /// Saves a streaming answer's text and heartbeat while it is still `streaming`.
    public func saveStreamingText(messageID: String, content: String, at date: Date) async throws -> Bool {
        state.withLock { state in
            guard var entry = state.messages[messageID], entry.record.status == .streaming else { return false }
            entry.record.content = content
            state.messages[messageID] = entry
            state.heartbeats[messageID] = date
            return true
        }
    }

    /// Marks a streaming answer interrupted.
    public func stopStreaming(messageID: String, reason: String) async throws -> Bool {
        state.withLock { state in
            guard var entry = state.messages[messageID], entry.record.status == .streaming else { return false }
            entry.record.status = .interrupted
            entry.record.error = reason
            state.messages[messageID] = entry
            return true
        }
    }

    /// Marks answers whose heartbeat stopped as interrupted.
    public func interruptAbandonedAnswers(heartbeatBefore before: Date, reason: String) async throws -> Int {
        state.withLock { state in
            var count = 0
            for (id, entry) in state.messages where entry.record.status == .streaming {
                guard (state.heartbeats[id] ?? entry.record.createdAt) < before else { continue }
                var record = entry.record
                record.status = .interrupted
                record.error = reason
                state.messages[id] = (entry.seq, record)
                count += 1
            }
            return count
        }
    }

    /// The messages of a conversation, oldest first; messages with the same time in the order
    /// they were appended.
    public func messages(conversationID: String) async throws -> [MessageRecord] {
        state.withLock { state in
            state.messages.values.filter { $0.record.conversationID == conversationID }
                .sorted { ($0.record.createdAt, $0.seq) < ($1.record.createdAt, $1.seq) }
                .map(\.record)
        }
    }

    /// Messages holding every word of `query` as a case-insensitive substring, most occurrences per
    /// word first (ties in the order appended), with the matches in the snippet in `[` `]`. A query
    /// without letters or digits finds nothing.
    public func searchMessages(_ query: String, limit: Int) async throws -> [MessageSearchHit] {
        let terms = Array(Set(InMemoryTextSearch.words(query)))
        guard limit > 0, !terms.isEmpty else { return [] }
        let all = state.withLock { Array($0.messages.values) }
        var scored: [(score: Double, seq: Int, hit: MessageSearchHit)] = []
        for (seq, message) in all {
            let content = message.content
            guard terms.allSatisfy({ content.range(of: $0, options: .caseInsensitive) != nil }) else { continue }
            let ranges = InMemoryTextSearch.occurrences(of: terms, in: content)
            let score = Double(ranges.count) / Double(max(1, InMemoryTextSearch.words(content).count))
            scored.append(
                (score, seq, MessageSearchHit(message: message, snippet: InMemoryTextSearch.marked(content, ranges))))
        }
        return scored.sorted { ($0.score, $1.seq) > ($1.score, $0.seq) }.prefix(limit).map(\.hit)
    }

    /// Token and cost totals per provider and model for assistant messages created in
    /// `[from, to)` (either end open when `nil`), ordered by provider and model. Messages without a
    /// provider or model are counted under `"unknown"`.
    public func usageTotals(from: Date?, to: Date?) async throws -> [UsageTotal] {
        let lower = from.map(InMemoryTimestamp.truncated)
        let upper = to.map(InMemoryTimestamp.truncated)
        let messages = state.withLock { $0.messages.values.map(\.record) }
        var totals: [String: UsageTotal] = [:]
        for message in messages where message.role == .assistant {
            if let lower, message.createdAt < lower { continue }
            if let upper, message.createdAt >= upper { continue }
            let provider = message.provider ?? "unknown"
            let model = message.model ?? "unknown"
            var total =
                totals[provider + "\u{0}" + model]
                ?? UsageTotal(
                    provider: provider, model: model, messages: 0, promptTokens: 0, completionTokens: 0, cost: 0)
            total.messages += 1
            total.promptTokens += message.promptTokens ?? 0
            total.completionTokens += message.completionTokens ?? 0
            total.cost += message.cost ?? 0
            totals[provider + "\u{0}" + model] = total
        }
        for record in state.withLock({ $0.usage }) {
            if let lower, record.at < lower { continue }
            if let upper, record.at >= upper { continue }
            let key = record.provider + "\u{0}" + record.model
            var total =
                totals[key]
                ?? UsageTotal(
                    provider: record.provider, model: record.model, messages: 0, promptTokens: 0,
                    completionTokens: 0, cost: 0)
            total.messages += 1
            total.promptTokens += record.promptTokens
            total.completionTokens += record.completionTokens
            total.cost += record.cost ?? 0
            totals[key] = total
        }
        return totals.values.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }
    }

    /// The same answers per user or key: messages have neither here (this store has no owners).
    public func usageTotals(from: Date?, to: Date?, by grouping: UsageGrouping) async throws -> [UsageGroupTotal] {
        let lower = from.map(InMemoryTimestamp.truncated)
        let upper = to.map(InMemoryTimestamp.truncated)
        var rows: [(id: String?, prompt: Int, completion: Int, cost: Double)] = []
        let (messages, records) = state.withLock { ($0.messages.values.map(\.record), $0.usage) }
        for message in messages where message.role == .assistant {
            if let lower, message.createdAt < lower { continue }
            if let upper, message.createdAt >= upper { continue }
            rows.append((nil, message.promptTokens ?? 0, message.completionTokens ?? 0, message.cost ?? 0))
        }
        for record in records {
            if let lower, record.at < lower { continue }
            if let upper, record.at >= upper { continue }
            let id = grouping == .user ? record.userID : record.apiKeyID
            rows.append((id, record.promptTokens, record.completionTokens, record.cost ?? 0))
        }
        var totals: [String?: UsageGroupTotal] = [:]
        for row in rows {
            var total =
                totals[row.id] ?? UsageGroupTotal(id: row.id, answers: 0, promptTokens: 0, completionTokens: 0, cost: 0)
            total.answers += 1
            total.promptTokens += row.prompt
            total.completionTokens += row.completion
            total.cost += row.cost
            totals[row.id] = total
        }
        return totals.values.sorted { ($0.cost, $0.answers) > ($1.cost, $1.answers) }
    }

    /// Spending of the usage records (messages here have no owner or key).
    public func spending(by grouping: UsageGrouping, id: String, since: Date) async throws -> BudgetSpending {
        let records = state.withLock { $0.usage }.filter { record in
            record.at >= since && (grouping == .user ? record.userID : record.apiKeyID) == id
        }
        return BudgetSpending(
            tokens: records.reduce(0) { $0 + $1.promptTokens + $1.completionTokens },
            cost: records.reduce(0) { $0 + ($1.cost ?? 0) })
    }

    /// Keeps the records.
    public func recordUsage(_ records: [UsageRecord]) async throws {
        let truncated = records.map { record in
            var record = record
            record.at = InMemoryTimestamp.truncated(record.at)
            return record
        }
        state.withLock { $0.usage += truncated }
    }

    /// The cached answer for `key`, if any.
    public func cachedResponse(key: String) async throws -> CachedResponse? {
        state.withLock { $0.cache[key] }
    }

    /// Stores an answer under its key (its time to the millisecond), replacing an older answer for
    /// the same key.
    public func storeCachedResponse(_ response: CachedResponse) async throws {
        var stored = response
        stored.createdAt = InMemoryTimestamp.truncated(response.createdAt)
        state.withLock { $0.cache[stored.key] = stored }
    }
}
