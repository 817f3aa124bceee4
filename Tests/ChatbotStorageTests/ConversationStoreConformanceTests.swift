import ChatbotCore
import Foundation
import SQLKit
import Testing

/// Behaviour every ``ConversationStore`` backend must share; runs once per backend fixture.
@Suite("ConversationStore conformance")
struct ConversationStoreConformanceTests {
    @Test("create, find, list and delete conversations", arguments: StorageBackendFixture.all)
    func conversationLifecycle(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let first = try await store.conversations.createConversation(title: "first")
            let second = try await store.conversations.createConversation(title: "second")
            #expect(first.id != second.id)
            #expect(first.id == first.id.lowercased())

            let found = try #require(try await store.conversations.conversation(matching: first.id))
            #expect(found == first)
            #expect(try await store.conversations.conversation(matching: "does-not-exist") == nil)
            #expect(try await store.conversations.listConversations(limit: 10, offset: 0).count == 2)
            #expect(try await store.conversations.listConversations(limit: 1, offset: 1).count == 1)

            // A message makes its conversation the latest one.
            let later = Date(timeIntervalSinceNow: 3600)
            try await store.conversations.appendMessage(.fixture(in: first.id, content: "hi", at: later))
            let latest = try #require(try await store.conversations.latestConversation())
            #expect(latest.id == first.id)
            #expect(latest.updatedAt == DatabaseTimestampFixture.rounded(later))
            #expect(
                try await store.conversations.listConversations(limit: 10, offset: 0).map(\.id) == [
                    first.id, second.id,
                ])

            #expect(try await store.conversations.deleteConversation(id: first.id))
            #expect(try await !store.conversations.deleteConversation(id: first.id))
            #expect(try await store.conversations.conversation(matching: first.id) == nil)
            #expect(try await store.conversations.listConversations(limit: 10, offset: 0).map(\.id) == [second.id])
        }
    }

    @Test(
        "a conversation created with its first messages holds them; a failing message stores nothing",
        arguments: StorageBackendFixture.all)
    func createWithMessages(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let later = Date(timeIntervalSinceNow: 3600)
            let system = MessageRecord.fixture(in: "ignored", role: .system, content: "be brief", at: later)
            let question = MessageRecord.fixture(in: "ignored", content: "hello?", at: later)
            let created = try await store.conversations.createConversation(
                title: "hello?", startingWith: [system, question])
            #expect(created.updatedAt == DatabaseTimestampFixture.rounded(later))
            let stored = try await store.conversations.messages(conversationID: created.id)
            #expect(stored.map(\.id) == [system.id, question.id])
            #expect(stored.map(\.content) == ["be brief", "hello?"])
            #expect(stored.allSatisfy { $0.conversationID == created.id })
            #expect(try await store.conversations.latestConversation()?.id == created.id)

            // The second message reuses a stored id: the insert fails, and neither the new
            // conversation nor its first message is left behind.
            let fresh = MessageRecord.fixture(in: "ignored", content: "another")
            await #expect(throws: (any Error).self) {
                try await store.conversations.createConversation(title: "dup", startingWith: [fresh, question])
            }
            let titles = try await store.conversations.listConversations(limit: 10, offset: 0).map(\.title)
            #expect(titles == ["hello?"])
            #expect(try await store.conversations.message(id: fresh.id) == nil)
        }
    }

    @Test(
        "a unique prefix finds a conversation, an ambiguous one is a usage error", arguments: StorageBackendFixture.all)
    func prefixLookup(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            var conversations: [Conversation] = []
            // 40 random UUIDs: some share a first hex digit, and all share the empty-ish prefix.
            for index in 0..<40 {
                conversations.append(try await store.conversations.createConversation(title: "c\(index)"))
            }
            let target = conversations[0]
            let uniquePrefix = try #require(
                (4...target.id.count).lazy.map { String(target.id.prefix($0)) }.first { prefix in
                    conversations.filter { $0.id.hasPrefix(prefix) }.count == 1
                }
            )
            #expect(try await store.conversations.conversation(matching: uniquePrefix)?.id == target.id)
            #expect(try await store.conversations.conversation(matching: uniquePrefix.uppercased())?.id == target.id)

            let shared = try #require(
                Dictionary(grouping: conversations, by: { String($0.id.prefix(1)) }).first { $0.value.count > 1 }?.key
            )
            let error = try await #require(throws: ChatbotError.self) {
                try await store.conversations.conversation(matching: shared)
            }
            #expect(error.kind == .usage)

            // LIKE wildcards in the input are literal, not "match anything".
            #expect(try await store.conversations.conversation(matching: "%") == nil)
            #expect(try await store.conversations.conversation(matching: "_") == nil)
            #expect(try await store.conversations.conversation(matching: "") == nil)
        }
    }

    @Test(
        "messages keep every field and come back oldest first, ties in insertion order",
        arguments: StorageBackendFixture.all)
    func messageRoundTripAndOrdering(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "order")
            let base = Date(timeIntervalSince1970: 1_750_000_000)
            var full = MessageRecord.fixture(
                in: conversation.id, role: .assistant, content: "answer", model: "smollm2", provider: "local",
                promptTokens: 12, completionTokens: 34, cost: 0.0125, at: base.addingTimeInterval(10)
            )
            full.latencyMs = 987
            full.cached = true
            full.error = nil
            // Same timestamp for many messages: order must follow insertion, not ids.
            var sameTime: [MessageRecord] = []
            for index in 0..<12 {
                sameTime.append(.fixture(in: conversation.id, content: "tie \(index)", at: base))
            }
            try await store.conversations.appendMessage(full)
            for message in sameTime {
                try await store.conversations.appendMessage(message)
            }
            let early = MessageRecord.fixture(
                in: conversation.id, role: .system, content: "system", at: base.addingTimeInterval(-5))
            try await store.conversations.appendMessage(early)

            let stored = try await store.conversations.messages(conversationID: conversation.id)
            #expect(stored == [early] + sameTime + [full])
            #expect(try await store.conversations.messages(conversationID: "other").isEmpty)
        }
    }

    @Test("appending to a missing conversation fails and stores nothing", arguments: StorageBackendFixture.all)
    func appendToMissingConversation(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let error = try await #require(throws: ChatbotError.self) {
                try await store.conversations.appendMessage(.fixture(in: "missing", content: "lost"))
            }
            #expect(error.kind == .notFound)
            #expect(try await store.conversations.searchMessages("lost", limit: 10).isEmpty)
            if store.canInspect { #expect(try await store.inspect("SELECT id FROM messages").isEmpty) }
        }
    }

    @Test("storing a message id twice is a conflict and keeps the first", arguments: StorageBackendFixture.all)
    func duplicateMessageID(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "dup")
            let message = MessageRecord.fixture(in: conversation.id, content: "first")
            try await store.conversations.appendMessage(message)
            var duplicate = message
            duplicate.content = "second"
            let error = try await #require(throws: ChatbotError.self) {
                try await store.conversations.appendMessage(duplicate)
            }
            #expect(error.kind == .conflict)
            #expect(try await store.conversations.messages(conversationID: conversation.id) == [message])
        }
    }

    @Test("a streaming answer updated to interrupted keeps its partial text", arguments: StorageBackendFixture.all)
    func streamingUpdate(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "stream")
            var answer = MessageRecord.fixture(
                in: conversation.id, role: .assistant, content: "", model: "m", provider: "p", status: .streaming
            )
            try await store.conversations.appendMessage(answer)
            answer.content = "The quick brown"
            try await store.conversations.updateMessage(answer)
            answer.content = "The quick brown fox"
            answer.status = .interrupted
            answer.completionTokens = 4
            answer.latencyMs = 250
            try await store.conversations.updateMessage(answer)

            let stored = try await store.conversations.messages(conversationID: conversation.id)
            #expect(stored == [answer])
            // The search index follows updates: the final text is found, nothing is found twice.
            #expect(try await store.conversations.searchMessages("fox", limit: 10).map(\.message.id) == [answer.id])

            var missing = answer
            missing.id = "no-such-message"
            let error = try await #require(throws: ChatbotError.self) {
                try await store.conversations.updateMessage(missing)
            }
            #expect(error.kind == .notFound)
        }
    }

    @Test("full-text search finds words, ranks better matches first, marks them", arguments: StorageBackendFixture.all)
    func search(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "search")
            let once = MessageRecord.fixture(
                in: conversation.id,
                content: "a note about kubernetes and many other unrelated things in a long sentence")
            let often = MessageRecord.fixture(in: conversation.id, content: "kubernetes kubernetes kubernetes")
            let none = MessageRecord.fixture(in: conversation.id, content: "nothing relevant here")
            for message in [once, often, none] { try await store.conversations.appendMessage(message) }

            let hits = try await store.conversations.searchMessages("Kubernetes", limit: 10)
            #expect(hits.map(\.message.id) == [often.id, once.id])
            #expect(hits.first?.snippet.contains("[kubernetes]") == true)
            #expect(hits.first?.message == often)
            // Every word must match.
            #expect(
                try await store.conversations.searchMessages("kubernetes note", limit: 10).map(\.message.id) == [
                    once.id
                ])
            #expect(try await store.conversations.searchMessages("kubernetes", limit: 1).count == 1)
            #expect(try await store.conversations.searchMessages("absent", limit: 10).isEmpty)
        }
    }

    @Test(
        "hostile search strings never throw",
        arguments: StorageBackendFixture.all,
        [
            #"foo"bar"#, "AND (", "NOT", "\"", "*", "a OR", "NEAR(a b", "col:foo", "'; DROP TABLE messages; --", "^",
            "", "   ", "(((", "foo*bar", "\u{0}",
        ]
    )
    func hostileSearch(backend: StorageBackendFixture, query: String) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "hostile")
            let message = MessageRecord.fixture(in: conversation.id, content: #"foo"bar and NOT a table; DROP it"#)
            try await store.conversations.appendMessage(message)
            _ = try await store.conversations.searchMessages(query, limit: 10)
            #expect(try await store.conversations.messages(conversationID: conversation.id) == [message])
        }
    }

    @Test("operators in a query are searched as words", arguments: StorageBackendFixture.all)
    func operatorsAreWords(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "words")
            let message = MessageRecord.fixture(in: conversation.id, content: "cats NOT dogs")
            try await store.conversations.appendMessage(message)
            // As FTS syntax "cats NOT dogs" would exclude this message; as words it matches.
            #expect(
                try await store.conversations.searchMessages("cats NOT dogs", limit: 10).map(\.message.id) == [
                    message.id
                ])
            #expect(try await store.conversations.searchMessages(#"foo"bar"#, limit: 10).isEmpty)
        }
    }
}

/// The storage precision of dates (milliseconds), for comparing against values read back.
enum DatabaseTimestampFixture {
    static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
