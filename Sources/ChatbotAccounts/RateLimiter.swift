import ChatbotStorage
public import Foundation
import SQLKit

/// A limit: `limit` cells (requests, or tokens) per `period`, of which up to `burst` may come at
/// once after a quiet spell.
public struct RatePolicy: Sendable, Hashable {
    /// The name in `RateLimit-Policy` and in the limiter's state, e.g. `key-rpm`.
    public var name: String
    /// Cells per period.
    public var limit: Int
    /// The period.
    public var period: Duration
    /// Cells allowed at once (at least 1; by default the whole limit).
    public var burst: Int

    /// A policy of `limit` per `period` with a burst of `burst` (default: `limit`).
    public init(name: String, limit: Int, period: Duration = .seconds(60), burst: Int? = nil) {
        self.name = name
        self.limit = max(1, limit)
        self.period = period
        self.burst = max(1, burst ?? limit)
    }

    /// Microseconds between two cells at the steady rate.
    var interval: Int64 {
        let (seconds, attoseconds) = period.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return max(1, microseconds / Int64(limit))
    }
}

/// What the limiter decided for one request.
public struct RateDecision: Sendable, Hashable {
    /// The policy asked.
    public var policy: RatePolicy
    /// Whether the request may go on.
    public var allowed: Bool
    /// Cells left at once after this request.
    public var remaining: Int
    /// Until every cell is available again.
    public var resetAfter: Duration
    /// For a refused request: until it would be allowed.
    public var retryAfter: Duration?

    /// Whole seconds of ``retryAfter``, rounded up (at least 1), for `Retry-After`.
    public var retryAfterSeconds: Int {
        guard let retryAfter else { return 0 }
        return max(1, Self.seconds(retryAfter))
    }

    /// Whole seconds of ``resetAfter``, rounded up.
    public var resetSeconds: Int { Self.seconds(resetAfter) }

    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int((Double(seconds) + Double(attoseconds) / 1e18).rounded(.up))
    }
}

/// Decides whether a subject (a key, a user, an address) may spend cells under a policy. Behind a
/// protocol so that another backend (an in-memory one, a Redis) fits without changing callers.
public protocol RateLimiter: Sendable {
    /// Spends `cost` cells of `policy` for `subject` at `date` when they are available; otherwise
    /// spends nothing and says when they will be.
    func acquire(_ policy: RatePolicy, subject: String, cost: Int, at date: Date) async throws -> RateDecision

    /// Spends `cost` more cells of `policy` for `subject` at `date` whatever is left (a negative
    /// cost gives cells back): how a token limit settles what an answer used against what it
    /// reserved. A subject that overspent waits until its debt is paid.
    func settle(_ policy: RatePolicy, subject: String, cost: Int, at date: Date) async throws
}

/// GCRA (the generic cell rate algorithm) in the accounts database: one row per policy and
/// subject holds the theoretical arrival time (TAT) of the next cell, and one atomic statement
/// both decides and moves it, so every `serve` process on one database shares every limit
/// without a lock or sticky sessions.
///
/// A request of `cost` cells at `now` moves the TAT to `max(TAT, now) + cost × interval`, which
/// is allowed when that is at most `burst × interval` ahead of `now`. A clock that goes backwards
/// only makes a subject wait longer, never gives it more.
public struct SQLRateLimiter: RateLimiter {
    let database: any AccountsDatabase

    /// A limiter on `database`.
    public init(database: any AccountsDatabase) {
        self.database = database
    }

    /// Spends `cost` cells of `policy` for `subject` at `date` in one statement, or none.
    public func acquire(_ policy: RatePolicy, subject: String, cost: Int, at date: Date) async throws -> RateDecision {
        let now = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let interval = policy.interval
        let increment = interval * Int64(max(0, cost))
        let window = interval * Int64(policy.burst)
        let id = policy.name + "\u{1F}" + subject
        let greatest: SQLQueryString = database.backend == .postgres ? "GREATEST" : "MAX"
        // One statement, atomic by itself: no transaction around it.
        let row = try await database.withoutTransactionRelaxed { sql in
            try await sql.raw(
                """
                INSERT INTO rate_limits (id, tat, allowed) VALUES (\(bind: id), \
                CASE WHEN \(bind: increment) <= \(bind: window) THEN \(bind: now) + \(bind: increment) ELSE \(bind: now) END, \
                CASE WHEN \(bind: increment) <= \(bind: window) THEN 1 ELSE 0 END) \
                ON CONFLICT (id) DO UPDATE SET \
                allowed = CASE WHEN \(greatest)(rate_limits.tat, \(bind: now)) + \(bind: increment) - \(bind: now) \
                <= \(bind: window) THEN 1 ELSE 0 END, \
                tat = CASE WHEN \(greatest)(rate_limits.tat, \(bind: now)) + \(bind: increment) - \(bind: now) \
                <= \(bind: window) THEN \(greatest)(rate_limits.tat, \(bind: now)) + \(bind: increment) \
                ELSE rate_limits.tat END \
                RETURNING tat, allowed
                """
            ).first()
        }
        guard let row else { throw AccountsFailure.usage("the rate limiter returned nothing") }
        let tat = try row.decode(column: "tat", as: Int64.self)
        let allowed = try row.decode(column: "allowed", as: Int64.self) == 1
        let ahead = max(0, tat - now)
        let remaining = allowed ? Int(max(0, window - ahead) / interval) : 0
        var retryAfter: Duration? = nil
        if !allowed {
            // Allowed once max(TAT, now') + increment - now' <= window, i.e. now' >= TAT + increment - window.
            retryAfter = .microseconds(max(1, max(tat, now) + increment - window - now))
        }
        return RateDecision(
            policy: policy, allowed: allowed, remaining: remaining, resetAfter: .microseconds(ahead),
            retryAfter: retryAfter)
    }

    /// Moves the TAT by `cost` cells in one statement: `max(max(TAT, now) + cost × interval, now)`.
    public func settle(_ policy: RatePolicy, subject: String, cost: Int, at date: Date) async throws {
        guard cost != 0 else { return }
        let now = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let delta = policy.interval * Int64(cost)
        let id = policy.name + "\u{1F}" + subject
        let greatest: SQLQueryString = database.backend == .postgres ? "GREATEST" : "MAX"
        try await database.withoutTransactionRelaxed { sql in
            try await sql.raw(
                """
                INSERT INTO rate_limits (id, tat, allowed) VALUES (\(bind: id), \
                \(greatest)(\(bind: now) + \(bind: delta), \(bind: now)), 1) \
                ON CONFLICT (id) DO UPDATE SET \
                tat = \(greatest)(\(greatest)(rate_limits.tat, \(bind: now)) + \(bind: delta), \(bind: now))
                """
            ).run()
        }
    }
}
