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
    /// Whose conversations this store sees: `nil` for all of them (the command line, which holds
    /// the whole database and creates rows owned by the local user, the column's default).
    public let owner: String?
    /// The API key the answers written through this store are asked with, stamped on them so that
    /// the key's budget counts them; `nil` for a session or the command line.
    public let apiKey: String?

    init(access: SQLDatabaseAccess, owner: String? = nil, apiKey: String? = nil) {
        self.access = access
        self.owner = owner
        self.apiKey = apiKey
    }

    /// The same store seeing only `owner`'s conversations and messages: reads filter by it, writes
    /// to another owner's rows find nothing (`.notFound`), and new conversations belong to it.
    /// The server hands routes only stores made this way, so a handler cannot forget the filter.
    /// Answers it stores are stamped with `apiKey`, the key they were asked with.
    public func owned(by owner: String, apiKey: String? = nil) -> SQLConversationStore {
        SQLConversationStore(access: access, owner: owner, apiKey: apiKey)
    }

    /// ` AND owner_id = …` for an owned store, else nothing.
    var ownerCondition: SQLQueryString {
        guard let owner else { return "" }
        return " AND owner_id = \(bind: owner)"
    }

    /// ` AND m.conversation_id IN (the owner's conversations)` for `owner`, else nothing.
    static func ownedMessages(_ owner: String?, column: String = "m.conversation_id") -> SQLQueryString {
        guard let owner else { return "" }
        return " AND \(unsafeRaw: column) IN (SELECT id FROM conversations WHERE owner_id = \(bind: owner))"
    }

    static let conversationColumns = RecordColumns.conversation.joined(separator: ", ")

    /// Creates and stores a conversation with a new lowercase UUID and the current time
    /// (kept to the millisecond, as stored).
    public func createConversation(title: String) async throws -> Conversation {
        try await createConversation(title: title, startingWith: [])
    }

    /// Creates a conversation as ``createConversation(title:)`` does, and stores `messages` in it,
    /// in one transaction (one commit where creating and appending took one each, and no moment
    /// when the conversation exists without its question).
    public func createConversation(title: String, startingWith messages: [MessageRecord]) async throws
        -> Conversation
    {
        let now = DatabaseTimestamp.truncated(Date())
        let updatedAt = max(now, messages.map { DatabaseTimestamp.truncated($0.createdAt) }.max() ?? now)
        let conversation = Conversation(
            id: UUID().uuidString.lowercased(), title: title, createdAt: now, updatedAt: updatedAt)
        let created = DatabaseTimestamp.milliseconds(now)
        let updated = DatabaseTimestamp.milliseconds(updatedAt)
        let ownerColumn: SQLQueryString = owner == nil ? "" : ", owner_id"
        let ownerValue: SQLQueryString = owner.map { ", \(bind: $0)" } ?? ""
        let insertConversation: SQLQueryString = """
            INSERT INTO conversations (id, title, created_at, updated_at\(ownerColumn)) \
            VALUES (\(bind: conversation.id), \(bind: title), \(bind: created), \(bind: updated)\(ownerValue))
            """
        let stored = messages.map { message in
            var message = message
            message.conversationID = conversation.id
            return message
        }
        if stored.isEmpty {
            try await access.perform { database in try await database.raw(insertConversation).run() }
        } else {
            try await access.transaction { [apiKey] database in
                try await database.raw(insertConversation).run()
                for message in stored { try await Self.insert(message, apiKey: apiKey, into: database) }
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
        let pattern = Self.likePrefixPattern(needle)
        let rows = try await access.perform { [ownerCondition] database in
            if let exact = try await database.raw(
                """
                SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations \
                WHERE id = \(bind: needle)\(ownerCondition)
                """
            ).first() {
                return [exact]
            }
            return try await database.raw(
                """
                SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations \
                WHERE id LIKE \(bind: pattern) ESCAPE '\\'\(ownerCondition) ORDER BY id LIMIT 2
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
        let rows = try await access.perform { [ownerCondition] database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.conversationColumns) FROM conversations WHERE 1 = 1\(ownerCondition) \
                ORDER BY updated_at DESC, created_at DESC, id \
                LIMIT \(bind: max(0, limit)) OFFSET \(bind: max(0, offset))
                """
            ).all()
        }
        return try rows.map(RecordColumns.decodeConversation)
    }

    /// Deletes a conversation; its messages (and their search index entries) go with it.
    public func deleteConversation(id: String) async throws -> Bool {
        try await access.perform { [ownerCondition] database in
            try await database.raw(
                "DELETE FROM conversations WHERE id = \(bind: id)\(ownerCondition) RETURNING id"
            ).first() != nil
        }
    }

    /// Gives a conversation a new title; `false` when there is no such conversation (for this owner).
    public func renameConversation(id: String, title: String) async throws -> Bool {
        try await access.perform { [ownerCondition] database in
            try await database.raw(
                "UPDATE conversations SET title = \(bind: title) WHERE id = \(bind: id)\(ownerCondition) RETURNING id"
            ).first() != nil
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
