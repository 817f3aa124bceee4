import ChatbotCore
import Foundation
import Testing

@testable import ChatbotStorage

/// The server's view of conversations: a store filtered by owner, on every SQL backend.
@Suite("Owned conversation stores")
struct OwnedConversationStoreTests {
    static let sqlBackends = StorageBackendFixture.all.filter { $0.name != "in-memory" }

    @Test(
        "another owner's conversation is invisible to every read and untouched by every write", arguments: sqlBackends)
    func isolation(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let database = try #require(store.database as? any SQLDatabaseStore)
            let ann = database.conversations(ownedBy: "ann-id")
            let bob = database.conversations(ownedBy: "bob-id")
            let conversation = try await ann.createConversation(title: "ann's plans")
            let message = MessageRecord.fixture(in: conversation.id, content: "zebra migration schedule")
            try await ann.appendMessage(message)

            #expect(try await bob.conversation(matching: conversation.id) == nil)
            #expect(try await bob.conversation(matching: String(conversation.id.prefix(8))) == nil)
            #expect(try await bob.listConversations(limit: 10, offset: 0).isEmpty)
            #expect(try await bob.latestConversation() == nil)
            #expect(try await bob.messages(conversationID: conversation.id).isEmpty)
            #expect(try await bob.message(id: message.id) == nil)
            #expect(try await bob.searchMessages("zebra", limit: 10).isEmpty)
            #expect(try await !bob.renameConversation(id: conversation.id, title: "mine"))
            #expect(try await !bob.deleteConversation(id: conversation.id))
            await #expect(throws: ChatbotError.self) {
                try await bob.appendMessage(MessageRecord.fixture(in: conversation.id, content: "injected"))
            }
            var changed = message
            changed.content = "overwritten"
            await #expect(throws: ChatbotError.self) { try await bob.updateMessage(changed) }

            #expect(try await ann.conversation(matching: conversation.id)?.title == "ann's plans")
            #expect(
                try await ann.messages(conversationID: conversation.id).map(\.content) == ["zebra migration schedule"])
            #expect(try await ann.searchMessages("zebra", limit: 10).count == 1)
            // The unscoped store (the command line) sees everything.
            #expect(try await database.conversations.listConversations(limit: 10, offset: 0).count == 1)
            #expect(try await bob.createConversation(title: "bob's").title == "bob's")
            #expect(try await ann.listConversations(limit: 10, offset: 0).count == 1)
            #expect(try await ann.renameConversation(id: conversation.id, title: "renamed"))
            #expect(try await ann.deleteConversation(id: conversation.id))
        }
    }

    @Test(
        "a streaming answer: saves while streaming, a stop from elsewhere refuses the next save, a silent one is swept",
        arguments: sqlBackends)
    func streaming(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let database = try #require(store.database as? any SQLDatabaseStore)
            let ann = database.conversations(ownedBy: "ann-id")
            let conversation = try await ann.createConversation(title: "t")
            let now = Date()
            let live = MessageRecord.fixture(
                in: conversation.id, role: .assistant, content: "", status: .streaming, at: now)
            let stale = MessageRecord.fixture(
                in: conversation.id, role: .assistant, content: "half", status: .streaming,
                at: now.addingTimeInterval(-120))
            try await ann.appendMessage(live)
            try await ann.appendMessage(stale)

            #expect(try await ann.saveStreamingText(messageID: live.id, content: "Hello", at: now))
            #expect(try await !database.conversations(ownedBy: "bob-id").stopStreaming(messageID: live.id, reason: "x"))
            #expect(try await ann.stopStreaming(messageID: live.id, reason: "cancelled"))
            #expect(try await !ann.saveStreamingText(messageID: live.id, content: "Hello world", at: now))
            let stopped = try #require(try await ann.message(id: live.id))
            #expect(stopped.status == .interrupted && stopped.content == "Hello" && stopped.error == "cancelled")

            let swept = try await database.conversations.interruptAbandonedAnswers(
                heartbeatBefore: now.addingTimeInterval(-30), reason: "gone")
            #expect(swept == 1)
            let half = try #require(try await ann.message(id: stale.id))
            #expect(half.status == .interrupted && half.content == "half" && half.error == "gone")
        }
    }
}
