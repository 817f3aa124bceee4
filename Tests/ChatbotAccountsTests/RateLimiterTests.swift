import Foundation
import Testing

@testable import ChatbotAccounts

/// GCRA in the database, on SQLite and PostgreSQL: a burst, the steady rate after it, a clock
/// that goes backwards, and many concurrent callers that share one limit.
@Suite("SQLRateLimiter (GCRA)")
struct RateLimiterTests {
    /// 60 a minute, 10 at once: one cell a second.
    static let policy = RatePolicy(name: "test-rpm", limit: 60, period: .seconds(60), burst: 10)

    @Test(
        "a burst of `burst` passes at once, the next is refused with the wait to the next cell",
        arguments: AccountsBackend.all)
    func burst(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            let now = fixture.clock.now
            for expected in (0..<10).reversed() {
                let decision = try await limiter.acquire(Self.policy, subject: "k1", cost: 1, at: now)
                #expect(decision.allowed)
                #expect(decision.remaining == expected)
            }
            let refused = try await limiter.acquire(Self.policy, subject: "k1", cost: 1, at: now)
            #expect(!refused.allowed)
            #expect(refused.remaining == 0)
            #expect(refused.retryAfter == .seconds(1))
            #expect(refused.retryAfterSeconds == 1)
            #expect(refused.resetSeconds == 10)
            // Another subject has its own cells; a refused request spent nothing.
            #expect(try await limiter.acquire(Self.policy, subject: "k2", cost: 1, at: now).allowed)
            let later = now.addingTimeInterval(1)
            #expect(try await limiter.acquire(Self.policy, subject: "k1", cost: 1, at: later).allowed)
            #expect(try await limiter.acquire(Self.policy, subject: "k1", cost: 1, at: later).allowed == false)
        }
    }

    @Test("at the steady rate every request passes; faster, one in two is refused", arguments: AccountsBackend.all)
    func steadyRate(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            let start = fixture.clock.now
            // Use the burst up, then one request a second for a minute: all pass.
            for _ in 0..<10 { _ = try await limiter.acquire(Self.policy, subject: "s", cost: 1, at: start) }
            for second in 1...60 {
                let decision = try await limiter.acquire(
                    Self.policy, subject: "s", cost: 1, at: start.addingTimeInterval(Double(second)))
                #expect(decision.allowed, "second \(second)")
            }
            // Two a second: only one of each pair finds a cell.
            var allowed = 0
            for step in 1...40 {
                let at = start.addingTimeInterval(60 + Double(step) * 0.5)
                if try await limiter.acquire(Self.policy, subject: "s", cost: 1, at: at).allowed { allowed += 1 }
            }
            #expect(allowed == 20)
        }
    }

    @Test("a clock that goes backwards gives no extra cells", arguments: AccountsBackend.all)
    func clockBackwards(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            let now = fixture.clock.now
            for _ in 0..<10 { #expect(try await limiter.acquire(Self.policy, subject: "c", cost: 1, at: now).allowed) }
            // An hour earlier (a clock stepped back): still refused, and still after the same wait.
            let earlier = now.addingTimeInterval(-3_600)
            let refused = try await limiter.acquire(Self.policy, subject: "c", cost: 1, at: earlier)
            #expect(!refused.allowed)
            #expect(try await limiter.acquire(Self.policy, subject: "c", cost: 1, at: now).allowed == false)
            #expect(
                try await limiter.acquire(Self.policy, subject: "c", cost: 1, at: now.addingTimeInterval(1)).allowed)
        }
    }

    @Test("costs above one spend several cells; a cost above the burst never passes", arguments: AccountsBackend.all)
    func costs(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            let now = fixture.clock.now
            let six = try await limiter.acquire(Self.policy, subject: "t", cost: 6, at: now)
            #expect(six.allowed && six.remaining == 4)
            let five = try await limiter.acquire(Self.policy, subject: "t", cost: 5, at: now)
            #expect(!five.allowed)
            let four = try await limiter.acquire(Self.policy, subject: "t", cost: 4, at: now)
            #expect(four.allowed && four.remaining == 0)
            let eleven = try await limiter.acquire(Self.policy, subject: "fresh", cost: 11, at: now)
            #expect(!eleven.allowed)
            let ten = try await limiter.acquire(Self.policy, subject: "fresh", cost: 10, at: now)
            #expect(ten.allowed)
        }
    }

    @Test("32 concurrent callers on one subject: exactly the burst passes", arguments: AccountsBackend.all)
    func concurrent(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            let now = fixture.clock.now
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        try await limiter.acquire(Self.policy, subject: "shared", cost: 1, at: now).allowed
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 10)
        }
    }

    @Test(
        "tokens: a reservation settles what was not used back, and overspending is a debt to wait out",
        arguments: AccountsBackend.all)
    func settle(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let limiter = SQLRateLimiter(database: fixture.database)
            // 600 tokens a minute: 10 a second, all 600 at once.
            let tokens = RatePolicy(name: "key-tpm", limit: 600)
            let now = fixture.clock.now
            // Reserve 500 (prompt + max_tokens); the answer used 100: 400 come back.
            #expect(try await limiter.acquire(tokens, subject: "k", cost: 500, at: now).allowed)
            #expect(try await !limiter.acquire(tokens, subject: "k", cost: 200, at: now).allowed)
            try await limiter.settle(tokens, subject: "k", cost: 100 - 500, at: now)
            let after = try await limiter.acquire(tokens, subject: "k", cost: 200, at: now)
            #expect(after.allowed)
            #expect(after.remaining == 300)
            // An answer that used 900 more than reserved: even a request reserving nothing waits
            // until the debt beyond the burst is paid (600 over at 10 a second: 60 s).
            try await limiter.settle(tokens, subject: "k", cost: 900, at: now)
            let indebted = try await limiter.acquire(tokens, subject: "k", cost: 0, at: now)
            #expect(!indebted.allowed)
            #expect((59...61).contains(indebted.retryAfterSeconds), "\(indebted.retryAfterSeconds)")
            #expect(try await limiter.acquire(tokens, subject: "k", cost: 0, at: now.addingTimeInterval(61)).allowed)
            // Giving back more than was spent leaves a full bucket, never more.
            try await limiter.settle(tokens, subject: "fresh", cost: -10_000, at: now)
            #expect(try await limiter.acquire(tokens, subject: "fresh", cost: 600, at: now).allowed)
            #expect(try await !limiter.acquire(tokens, subject: "fresh", cost: 1, at: now).allowed)
        }
    }

    @Test(
        "stream slots: the limit holds under concurrent takers, a released or expired slot is free again",
        arguments: AccountsBackend.all)
    func streamSlots(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { fixture in
            let slots = SQLStreamSlots(database: fixture.database)
            let now = fixture.clock.now
            let taken = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await slots.acquire(user: "u", limit: 3, at: now) } }
                var taken: [String] = []
                for try await slot in group { if let slot { taken.append(slot) } }
                return taken
            }
            #expect(taken.count == 3)
            #expect(try await slots.acquire(user: "other", limit: 3, at: now) != nil)
            #expect(try await slots.acquire(user: "u", limit: 3, at: now) == nil)
            try await slots.release(taken[0])
            let again = try #require(try await slots.acquire(user: "u", limit: 3, at: now))
            // A process that died: its slots stop counting a lifetime after their last renewal.
            let later = now.addingTimeInterval(StreamSlotsDefaults.lifetime - 1)
            try await slots.renew(again, at: later)
            let expired = later.addingTimeInterval(2)
            #expect(try await slots.acquire(user: "u", limit: 2, at: expired) != nil)
            #expect(try await slots.acquire(user: "u", limit: 2, at: expired) == nil, "the renewed slot still counts")
        }
    }
}
