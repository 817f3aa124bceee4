public import ChatbotCore
public import Foundation
import SQLKit

extension SQLConversationStore {
    static let messageColumns = RecordColumns.message.joined(separator: ", ")

    /// Stores a message and moves the conversation's `updatedAt` forward to the message's time,
    /// in one transaction.
    ///
    /// - Throws: ``ChatbotError`` (`.notFound`) when the conversation does not exist.
    public func appendMessage(_ message: MessageRecord) async throws {
        let createdAt = DatabaseTimestamp.milliseconds(message.createdAt)
        try await access.transaction { [ownerCondition, apiKey] database in
            let bumped = try await database.raw(
                """
                UPDATE conversations SET updated_at = \
                CASE WHEN updated_at < \(bind: createdAt) THEN \(bind: createdAt) ELSE updated_at END \
                WHERE id = \(bind: message.conversationID)\(ownerCondition) RETURNING id
                """
            ).first()
            guard bumped != nil else {
                throw ChatbotError(.notFound, "conversation \(message.conversationID) does not exist")
            }
            try await Self.insert(message, apiKey: apiKey, into: database)
        }
    }

    /// Inserts one message row. Only an answer asked with a key names it (and only then is the
    /// column written, so the command line writes the same rows as before the column existed).
    static func insert(_ message: MessageRecord, apiKey: String?, into database: any SQLDatabase) async throws {
        let createdAt = DatabaseTimestamp.milliseconds(message.createdAt)
        let apiKey = message.role == .assistant ? apiKey : nil
        let keyColumn: SQLQueryString = apiKey == nil ? "" : ", api_key_id"
        let keyValue: SQLQueryString = apiKey.map { ", \(bind: $0)" } ?? ""
        try await database.raw(
            """
            INSERT INTO messages (\(unsafeRaw: Self.messageColumns)\(keyColumn)) VALUES (\
            \(bind: message.id), \(bind: message.conversationID), \(bind: message.role.rawValue), \
            \(bind: message.content), \(bind: message.model), \(bind: message.provider), \
            \(bind: message.promptTokens), \(bind: message.completionTokens), \(bind: message.cost), \
            \(bind: message.latencyMs), \(bind: message.status.rawValue), \(bind: message.error), \
            \(bind: message.cached), \(bind: createdAt)\(keyValue))
            """
        ).run()
    }

    /// Replaces a stored message's content, model, accounting, status and error (its id,
    /// conversation, role and creation time stay).
    ///
    /// - Throws: ``ChatbotError`` (`.notFound`) when no message has this id.
    public func updateMessage(_ message: MessageRecord) async throws {
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        let updated = try await access.perform { database in
            try await database.raw(
                """
                UPDATE messages SET \
                content = \(bind: message.content), model = \(bind: message.model), \
                provider = \(bind: message.provider), prompt_tokens = \(bind: message.promptTokens), \
                completion_tokens = \(bind: message.completionTokens), cost = \(bind: message.cost), \
                latency_ms = \(bind: message.latencyMs), status = \(bind: message.status.rawValue), \
                error = \(bind: message.error), cached = \(bind: message.cached) \
                WHERE id = \(bind: message.id)\(owned) RETURNING id
                """
            ).first()
        }
        guard updated != nil else {
            throw ChatbotError(.notFound, "message \(message.id) does not exist")
        }
    }

    /// The messages of a conversation, oldest first; messages with the same time in the order
    /// they were appended.
    public func messages(conversationID: String) async throws -> [MessageRecord] {
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        let rows = try await access.perform { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.messageColumns) FROM messages \
                WHERE conversation_id = \(bind: conversationID)\(owned) ORDER BY created_at, seq
                """
            ).all()
        }
        return try rows.map(RecordColumns.decodeMessage)
    }

    /// The message with this id (in this store's owner's conversations).
    public func message(id: String) async throws -> MessageRecord? {
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        let row = try await access.perform { database in
            try await database.raw(
                "SELECT \(unsafeRaw: Self.messageColumns) FROM messages WHERE id = \(bind: id)\(owned)"
            ).first()
        }
        return try row.map(RecordColumns.decodeMessage)
    }

    /// Saves a streaming answer's text and heartbeat, only while it is still `streaming`.
    public func saveStreamingText(messageID: String, content: String, at date: Date) async throws -> Bool {
        let millis = DatabaseTimestamp.milliseconds(date)
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        return try await access.perform { database in
            try await database.raw(
                """
                UPDATE messages SET content = \(bind: content), heartbeat_at = \(bind: millis) \
                WHERE id = \(bind: messageID) AND status = 'streaming'\(owned) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Marks a streaming answer interrupted; its process sees it at its next save and stops.
    public func stopStreaming(messageID: String, reason: String) async throws -> Bool {
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        return try await access.perform { database in
            try await database.raw(
                """
                UPDATE messages SET status = 'interrupted', error = \(bind: reason) \
                WHERE id = \(bind: messageID) AND status = 'streaming'\(owned) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Marks answers whose process stopped beating as interrupted, keeping their text.
    public func interruptAbandonedAnswers(heartbeatBefore before: Date, reason: String) async throws -> Int {
        let millis = DatabaseTimestamp.milliseconds(before)
        let owned = Self.ownedMessages(owner, column: "conversation_id")
        return try await access.perform { database in
            try await database.raw(
                """
                UPDATE messages SET status = 'interrupted', error = \(bind: reason) \
                WHERE status = 'streaming' AND COALESCE(heartbeat_at, created_at) < \(bind: millis)\(owned) \
                RETURNING id
                """
            ).all().count
        }
    }

    /// Full-text search over message content, best match first, with matches in the snippet
    /// wrapped in `[` `]`.
    ///
    /// Every word of `query` must occur (after stemming); operators and punctuation are searched as
    /// plain text, so no input is a syntax error. A query without letters or digits finds nothing.
    public func searchMessages(_ query: String, limit: Int) async throws -> [MessageSearchHit] {
        guard limit > 0, let sql = access.features.messageSearchQuery(query, owner: owner, limit: limit) else {
            return []
        }
        let rows = try await access.perform { database in try await database.raw(sql).all() }
        return try rows.map { row in
            MessageSearchHit(
                message: try RecordColumns.decodeMessage(row),
                snippet: try row.decode(column: "snippet", as: String.self)
            )
        }
    }
}
