import ChatbotCore
import Foundation
import Synchronization
import Testing

@testable import ChatbotStorage

/// Budgets over the real stores: what a user and a key spent in the current period, cut answers
/// counted by estimate, and the renewal at the period's end under an injected clock.
@Suite("Budgets: spending and renewal")
struct BudgetSpendingTests {
    static let sqlBackends = StorageBackendFixture.all.filter { $0.name != "in-memory" }

    /// A clock tests move.
    final class Clock: Sendable {
        private let date: Mutex<Date>
        init(_ date: Date) { self.date = Mutex(date) }
        var now: Date { date.withLock { $0 } }
        func set(_ value: Date) { date.withLock { $0 = value } }
    }

    @Test("periods start and end at UTC midnight and on the first of the month")
    func periods() throws {
        let date = try Date("2026-12-31T23:59:59Z", strategy: .iso8601)
        #expect(Budget.Period.day.start(of: date) == (try Date("2026-12-31T00:00:00Z", strategy: .iso8601)))
        #expect(Budget.Period.day.end(of: date) == (try Date("2027-01-01T00:00:00Z", strategy: .iso8601)))
        #expect(Budget.Period.month.start(of: date) == (try Date("2026-12-01T00:00:00Z", strategy: .iso8601)))
        #expect(Budget.Period.month.end(of: date) == (try Date("2027-01-01T00:00:00Z", strategy: .iso8601)))
    }

    @Test(
        "a user's spending counts their conversations and /v1 records; a key's, what was asked with it",
        arguments: sqlBackends)
    func spending(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let database = try #require(store.database as? any SQLDatabaseStore)
            let start = try Date("2026-12-07T00:00:00Z", strategy: .iso8601)
            let ann = database.conversations(ownedBy: "ann-id", apiKey: "key-1")
            let conversation = try await ann.createConversation(title: "budget")
            try await ann.appendMessage(
                .fixture(
                    in: conversation.id, role: .assistant, content: "counted", model: "m", provider: "p",
                    promptTokens: 10, completionTokens: 5, cost: 0.25, at: start.addingTimeInterval(60)))
            // Cut before the provider counted it: a quarter of its 40 bytes.
            try await ann.appendMessage(
                .fixture(
                    in: conversation.id, role: .assistant, content: String(repeating: "x", count: 40), model: "m",
                    provider: "p", at: start.addingTimeInterval(120)))
            // Before the period, and a question: neither counts.
            try await ann.appendMessage(
                .fixture(
                    in: conversation.id, role: .assistant, content: "old", model: "m", provider: "p",
                    promptTokens: 1000, completionTokens: 1000, cost: 9, at: start.addingTimeInterval(-1)))
            try await ann.appendMessage(
                .fixture(
                    in: conversation.id, role: .user, content: "q", model: "m", provider: "p", promptTokens: 500,
                    at: start.addingTimeInterval(30)))
            try await store.conversations.recordUsage([
                UsageRecord(
                    at: start.addingTimeInterval(200), userID: "ann-id", apiKeyID: "key-2", source: "v1", provider: "p",
                    model: "m", promptTokens: 100, completionTokens: 50, cost: 1.5, status: "interrupted"),
                UsageRecord(
                    at: start.addingTimeInterval(200), userID: "bob-id", apiKeyID: "key-3", source: "v1", provider: "p",
                    model: "m", promptTokens: 7, completionTokens: 7, cost: 7, status: "completed"),
            ])

            let user = try await store.conversations.spending(by: .user, id: "ann-id", since: start)
            #expect(user.tokens == 15 + 10 + 150)
            #expect(abs(user.cost - 1.75) < 1e-9)
            let key1 = try await store.conversations.spending(by: .key, id: "key-1", since: start)
            #expect(key1.tokens == 25)
            #expect(abs(key1.cost - 0.25) < 1e-9)
            let key2 = try await store.conversations.spending(by: .key, id: "key-2", since: start)
            #expect(key2 == BudgetSpending(tokens: 150, cost: 1.5))
            #expect(try await store.conversations.spending(by: .user, id: "nobody", since: start).tokens == 0)
        }
    }

    @Test(
        "an exhausted budget refuses with the budget, the spending and the renewal; the next period renews it",
        arguments: sqlBackends)
    func renewal(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let clock = Clock(try Date("2026-12-07T23:59:00Z", strategy: .iso8601))
            let budgetGuard = BudgetGuard(store: store.conversations, now: { clock.now })
            let budget = Budget(cost: 1, tokens: 1_000, period: .day)
            let subject = BudgetSubject.key(id: "key-1", name: "ci")
            try await budgetGuard.check([(subject, budget)])

            try await store.conversations.recordUsage([
                UsageRecord(
                    at: clock.now, userID: "ann-id", apiKeyID: "key-1", source: "v1", provider: "p", model: "m",
                    promptTokens: 10, completionTokens: 10, cost: 1.01, status: "completed")
            ])
            let status = try await budgetGuard.status(of: subject, budget: budget)
            #expect(status.isExhausted)
            #expect(status.remainingCost == 0)
            #expect(status.remainingTokens == 980)
            do {
                try await budgetGuard.check([(subject, budget)])
                Issue.record("an exhausted budget was not refused")
            } catch let refusal as BudgetExceeded {
                let error = refusal.chatbotError
                #expect(error.kind == .budgetExceeded)
                #expect(error.kind.exitCode == 75)
                #expect(error.kind.httpStatus == 429)
                #expect(
                    error.message
                        == "the daily cost budget of $1.00 for API key 'ci' is used up ($1.01 spent); "
                        + "it renews at 2026-12-08T00:00:00Z")
                #expect(refusal.secondsUntilRenewal(from: clock.now) == 60)
            }
            // Another key's budget is untouched.
            try await budgetGuard.check([(.key(id: "key-2", name: "other"), budget)])

            clock.set(try Date("2026-12-08T00:00:00Z", strategy: .iso8601))
            try await budgetGuard.check([(subject, budget)])
            #expect(try await budgetGuard.status(of: subject, budget: budget).spent.tokens == 0)
        }
    }
}
