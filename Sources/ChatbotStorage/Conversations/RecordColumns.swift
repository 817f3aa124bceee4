import ChatbotCore
import Foundation
import SQLKit

/// The columns records are read from, in one place for every query that returns them.
enum RecordColumns {
    /// The columns of a ``MessageRecord``; every message query selects these.
    static let message = [
        "id", "conversation_id", "role", "content", "model", "provider", "prompt_tokens",
        "completion_tokens", "cost", "latency_ms", "status", "error", "cached", "created_at",
    ]

    /// The columns of a ``Conversation``.
    static let conversation = ["id", "title", "created_at", "updated_at"]

    /// Decodes a message from a row holding ``message``.
    static func decodeMessage(_ row: any SQLRow) throws -> MessageRecord {
        let roleText = try row.decode(column: "role", as: String.self)
        let statusText = try row.decode(column: "status", as: String.self)
        guard let role = ChatRole(rawValue: roleText), let status = MessageStatus(rawValue: statusText) else {
            throw ChatbotError(
                .runtime,
                "a stored message has an unknown role '\(roleText)' or status '\(statusText)'",
                hint: "the database may have been written by a newer chatbot; upgrade chatbot"
            )
        }
        return MessageRecord(
            id: try row.decode(column: "id", as: String.self),
            conversationID: try row.decode(column: "conversation_id", as: String.self),
            role: role,
            content: try row.decode(column: "content", as: String.self),
            model: try row.decode(column: "model", as: String?.self),
            provider: try row.decode(column: "provider", as: String?.self),
            promptTokens: try row.decode(column: "prompt_tokens", as: Int?.self),
            completionTokens: try row.decode(column: "completion_tokens", as: Int?.self),
            cost: try row.decode(column: "cost", as: Double?.self),
            latencyMs: try row.decode(column: "latency_ms", as: Int?.self),
            status: status,
            error: try row.decode(column: "error", as: String?.self),
            cached: try row.decode(column: "cached", as: Bool.self),
            createdAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "created_at", as: Int64.self))
        )
    }

    /// Decodes a conversation from a row holding ``conversation``.
    static func decodeConversation(_ row: any SQLRow) throws -> Conversation {
        Conversation(
            id: try row.decode(column: "id", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            createdAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
