import ChatbotCore
import Foundation
import SQLKit
import Testing

/// Usage totals, the response cache, cascading deletes and concurrency, for every backend.
@Suite("ConversationStore conformance: accounting, cache, integrity")
struct ConversationStoreAccountingTests {
    @Test(
        "usage totals group assistant messages per provider and model within [from, to)",
        arguments: StorageBackendFixture.all)
    func usageTotals(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "usage")
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            let end = start.addingTimeInterval(86_400)
            let messages: [MessageRecord] = [
                .fixture(
                    in: conversation.id, role: .assistant, content: "a", model: "small", provider: "local",
                    promptTokens: 10, completionTokens: 5, cost: 0.5, at: start),  // inclusive lower bound
                .fixture(
                    in: conversation.id, role: .assistant, content: "b", model: "small", provider: "local",
                    promptTokens: 20, completionTokens: 7, cost: nil, at: start.addingTimeInterval(60)),
                .fixture(
                    in: conversation.id, role: .assistant, content: "c", model: "large", provider: "openai",
                    promptTokens: 100, completionTokens: 50, cost: 1.25, at: start.addingTimeInterval(120)),
                // Excluded: user message, before the period, exactly at the (exclusive) upper bound.
                .fixture(
                    in: conversation.id, role: .user, content: "q", model: "small", provider: "local",
                    promptTokens: 999, at: start.addingTimeInterval(30)),
                .fixture(
                    in: conversation.id, role: .assistant, content: "old", model: "small", provider: "local",
                    promptTokens: 1000, completionTokens: 1000, cost: 9, at: start.addingTimeInterval(-1)),
                .fixture(
                    in: conversation.id, role: .assistant, content: "late", model: "small", provider: "local",
                    promptTokens: 1000, completionTokens: 1000, cost: 9, at: end),
            ]
            for message in messages { try await store.conversations.appendMessage(message) }

            let totals = try await store.conversations.usageTotals(from: start, to: end)
            #expect(
                totals == [
                    UsageTotal(
                        provider: "local", model: "small", messages: 2, promptTokens: 30, completionTokens: 12,
                        cost: 0.5),
                    UsageTotal(
                        provider: "openai", model: "large", messages: 1, promptTokens: 100, completionTokens: 50,
                        cost: 1.25),
                ])
            let unbounded = try await store.conversations.usageTotals(from: nil, to: nil)
            #expect(unbounded.first { $0.model == "small" }?.messages == 4)
            #expect(try await store.conversations.usageTotals(from: end, to: nil).map(\.messages) == [1])
        }
    }

    @Test(
        "usage records (answers without a message) count per model, user and key within [from, to)",
        arguments: StorageBackendFixture.all)
    func usageRecords(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversation = try await store.conversations.createConversation(title: "usage")
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            let end = start.addingTimeInterval(86_400)
            try await store.conversations.appendMessage(
                .fixture(
                    in: conversation.id, role: .assistant, content: "asked", model: "small", provider: "local",
                    promptTokens: 1, completionTokens: 2, cost: 0.25, at: start))
            func record(_ user: String?, _ key: String?, _ prompt: Int, _ cost: Double?, at: Date) -> UsageRecord {
                UsageRecord(
                    at: at, userID: user, apiKeyID: key, source: "v1.chat.completions", provider: "local",
                    model: "small", promptTokens: prompt, completionTokens: 10, cost: cost, status: "completed")
            }
            try await store.conversations.recordUsage([
                record("u1", "k1", 100, 1.0, at: start.addingTimeInterval(1)),
                record("u1", "k1", 200, 2.0, at: start.addingTimeInterval(2)),
                record("u1", "k2", 300, nil, at: start.addingTimeInterval(3)),
                record("u2", "k3", 400, 4.0, at: start.addingTimeInterval(4)),
                record("u2", "k3", 9_000, 9.0, at: end),  // outside: the upper bound is exclusive
            ])
            try await store.conversations.recordUsage([])

            let totals = try await store.conversations.usageTotals(from: start, to: end)
            #expect(
                totals == [
                    UsageTotal(
                        provider: "local", model: "small", messages: 5, promptTokens: 1_001, completionTokens: 42,
                        cost: 7.25)
                ])

            let byKey = try await store.conversations.usageTotals(from: start, to: end, by: .key)
            #expect(
                byKey == [
                    UsageGroupTotal(id: "k3", answers: 1, promptTokens: 400, completionTokens: 10, cost: 4.0),
                    UsageGroupTotal(id: "k1", answers: 2, promptTokens: 300, completionTokens: 20, cost: 3.0),
                    UsageGroupTotal(id: nil, answers: 1, promptTokens: 1, completionTokens: 2, cost: 0.25),
                    UsageGroupTotal(id: "k2", answers: 1, promptTokens: 300, completionTokens: 10, cost: 0),
                ])

            let byUser = try await store.conversations.usageTotals(from: start, to: end, by: .user)
            #expect(
                byUser.first { $0.id == "u1" }
                    == UsageGroupTotal(id: "u1", answers: 3, promptTokens: 600, completionTokens: 30, cost: 3.0))
            #expect(
                byUser.first { $0.id == "u2" }
                    == UsageGroupTotal(id: "u2", answers: 1, promptTokens: 400, completionTokens: 10, cost: 4.0))
            #expect(byUser.map(\.answers).reduce(0, +) == 5)
        }
    }

    @Test("the response cache stores, finds and replaces answers by key", arguments: StorageBackendFixture.all)
    func responseCache(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let key = String(repeating: "ab", count: 32)
            #expect(try await store.conversations.cachedResponse(key: key) == nil)
            let first = CachedResponse(
                key: key, provider: "local", model: "small", content: "first",
                usage: ChatUsage(promptTokens: 3, completionTokens: 4),
                createdAt: Date(timeIntervalSince1970: 1_750_000_000)
            )
            try await store.conversations.storeCachedResponse(first)
            #expect(try await store.conversations.cachedResponse(key: key) == first)

            let replacement = CachedResponse(
                key: key, provider: "openai", model: "large", content: "second", usage: nil,
                createdAt: Date(timeIntervalSince1970: 1_750_000_100)
            )
            try await store.conversations.storeCachedResponse(replacement)
            #expect(try await store.conversations.cachedResponse(key: key) == replacement)
            if store.canInspect { #expect(try await store.inspect("SELECT key FROM response_cache").count == 1) }
            #expect(try await store.conversations.cachedResponse(key: "other") == nil)
        }
    }

    @Test("deleting a conversation deletes its messages and their search entries", arguments: StorageBackendFixture.all)
    func deleteCascades(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let doomed = try await store.conversations.createConversation(title: "doomed")
            let kept = try await store.conversations.createConversation(title: "kept")
            try await store.conversations.appendMessage(.fixture(in: doomed.id, content: "zebra crossing"))
            try await store.conversations.appendMessage(.fixture(in: doomed.id, content: "zebra stripes"))
            let survivor = MessageRecord.fixture(in: kept.id, content: "zebra survivor")
            try await store.conversations.appendMessage(survivor)

            #expect(try await store.conversations.deleteConversation(id: doomed.id))
            #expect(try await store.conversations.messages(conversationID: doomed.id).isEmpty)
            if store.canInspect { #expect(try await store.inspect("SELECT id FROM messages").count == 1) }
            #expect(try await store.conversations.searchMessages("zebra", limit: 10).map(\.message.id) == [survivor.id])
        }
    }

    @Test("concurrent appends from many tasks all land", arguments: StorageBackendFixture.all)
    func concurrentAppends(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let conversations = store.conversations
            var targets: [Conversation] = []
            for index in 0..<4 { targets.append(try await conversations.createConversation(title: "busy \(index)")) }
            let ids = targets.map(\.id)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<50 {
                    group.addTask {
                        let id = ids[task % ids.count]
                        try await conversations.appendMessage(.fixture(in: id, content: "task \(task) first"))
                        try await conversations.appendMessage(.fixture(in: id, content: "task \(task) second"))
                        _ = try await conversations.messages(conversationID: id)
                    }
                }
                try await group.waitForAll()
            }
            var total = 0
            for id in ids {
                let messages = try await conversations.messages(conversationID: id)
                total += messages.count
                // Each task's two messages keep their relative order.
                for task in stride(from: ids.firstIndex(of: id) ?? 0, to: 50, by: ids.count) {
                    let first = try #require(messages.firstIndex { $0.content == "task \(task) first" })
                    let second = try #require(messages.firstIndex { $0.content == "task \(task) second" })
                    #expect(first < second)
                }
            }
            #expect(total == 100)
        }
    }
}
