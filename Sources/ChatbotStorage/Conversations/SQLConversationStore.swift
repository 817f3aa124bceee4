public import ChatbotCore
import Foundation
import SQLKit

/// ``ConversationStore`` over SQLKit: one SQL text for every backend, with full-text search taken
/// from the backend's dialect features.
///
/// Get one from ``SQLiteDatabaseStore/conversations``. On a single SQLite connection every call is
/// serialized, so one caller's statements never land inside another caller's transaction.
public struct SQLConversationStore: ConversationStore {
    let access: SQLDatabaseAccess

    init(access: SQLDatabaseAccess) {
        self.access = access
    }

    static let conversationColumns = RecordColumns.conversation.joined(separator: ", ")

    /// Creates and stores a conversation with a new lowercase UUID and the current time
    /// (kept to the millisecond, as stored).
    public func createConversation(title: String) async throws -> Conversation {
        let now = DatabaseTimestamp.truncated(Date())
        let conversation = Conversation(
            id: UUID().uuidString.lowercased(), title: title, createdAt: now, updatedAt: now)
        let millis = DatabaseTimestamp.milliseconds(now)
        try await access.perform { database in
            try await database.raw(
                """
                INSERT INTO conversations (id, title, created_at, updated_at) \
                VALUES (\(bind: conversation.id), \(bind: title), \(bind: millis), \(bind: millis))
                """
            ).run()
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
        let pattern = Self.likePrefixPattern(needle)
        let rows = try await access.perform { database in
            if let exact = try await database.raw(
                "SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations WHERE id = \(bind: needle)"
            ).first() {
                return [exact]
            }
            return try await database.raw(
                """
                SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations \
                WHERE id LIKE \(bind: pattern) ESCAPE '\\' ORDER BY id LIMIT 2
                """
            ).all()
        }
        guard rows.count <= 1 else {
            throw ChatbotError(
                .usage,
                "'\(idOrPrefix)' matches more than one conversation",
                hint: "type more characters of the conversation id"
            )
        }
        return try rows.first.map(RecordColumns.decodeConversation)
    }

    /// The most recently updated conversation.
    public func latestConversation() async throws -> Conversation? {
        try await listConversations(limit: 1, offset: 0).first
    }

    /// Conversations, most recently updated first (ties: most recently created first).
    public func listConversations(limit: Int, offset: Int) async throws -> [Conversation] {
        let rows = try await access.perform { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations \
                ORDER BY updated_at DESC, created_at DESC, id \
                LIMIT \(bind: max(0, limit)) OFFSET \(bind: max(0, offset))
                """
            ).all()
        }
        return try rows.map(RecordColumns.decodeConversation)
    }

    /// Deletes a conversation; its messages (and their search index entries) go with it.
    public func deleteConversation(id: String) async throws -> Bool {
        try await access.perform { database in
            try await database.raw("DELETE FROM conversations WHERE id = \(bind: id) RETURNING id").first() != nil
        }
    }

    /// `prefix` with LIKE's wildcards (and the escape character) escaped, followed by `%`.
    static func likePrefixPattern(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }
}
