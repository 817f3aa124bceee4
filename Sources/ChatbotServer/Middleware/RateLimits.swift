import ChatbotAccounts
import ChatbotCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The requests-per-minute policies of ``LimitSettings`` over a ``RateLimiter``: per API key (a
/// key's own limit first), per user, and per client address for requests without a valid
/// credential. Every limited response says where it stands in `RateLimit-Policy` and `RateLimit`
/// (the IETF httpapi ratelimit-headers draft, as structured-field lists); a refusal is a 429 with
/// `Retry-After`.
struct RateLimits: Sendable {
    let settings: LimitSettings
    let limiter: any RateLimiter
    /// The streams users have open, for the limit of concurrent streams.
    var slots: (any StreamSlots)? = nil
    var now: @Sendable () -> Date = { Date() }

    /// Takes one of the user's concurrent-stream slots for an answer (the user's own limit, else
    /// the role's, else `limits.user_streams`); throws ``StreamLimitExceeded`` when all are taken.
    /// `nil` without a limit. Close the hold when the answer ends.
    func openStream(_ identity: Identity) async throws -> StreamHold? {
        let user = identity.user
        let limit = user.limits.streams ?? settings.roles[user.role.rawValue]?.userStreams ?? settings.userStreams
        guard limit > 0, let slots else { return nil }
        guard let slot = try await slots.acquire(user: user.id, limit: limit, at: now()) else {
            throw StreamLimitExceeded(limit: limit)
        }
        return StreamHold(slots: slots, slot: slot, now: now)
    }

    /// Spends a request of the identity's key and user; throws ``RateLimitExceeded`` when either
    /// is used up. The decisions, for the response's headers.
    func admit(_ identity: Identity) async throws -> [RateDecision] {
        var decisions: [RateDecision] = []
        let date = now()
        let keyLimit = identity.keyRequestsPerMinute ?? settings.keyRequestsPerMinute
        if let keyID = identity.keyID, keyLimit > 0 {
            let decision = try await limiter.acquire(
                RatePolicy(name: "key", limit: keyLimit), subject: keyID, cost: 1, at: date)
            decisions.append(decision)
            if !decision.allowed {
                throw RateLimitExceeded(refused: decision, decisions: decisions, subject: "API key")
            }
        }
        let userLimit =
            identity.user.limits.requestsPerMinute ?? settings.roles[identity.user.role.rawValue]?.userRequestsPerMinute
            ?? settings.userRequestsPerMinute
        if userLimit > 0 {
            let decision = try await limiter.acquire(
                RatePolicy(name: "user", limit: userLimit), subject: identity.user.id, cost: 1, at: date)
            decisions.append(decision)
            if !decision.allowed { throw RateLimitExceeded(refused: decision, decisions: decisions, subject: "user") }
        }
        return decisions
    }

    /// The key's tokens-per-minute policy, when the request is asked with a key that has one.
    func tokenPolicy(_ identity: Identity) -> (policy: RatePolicy, subject: String)? {
        guard let key = identity.key else { return nil }
        let limit = key.tokensPerMinute ?? settings.keyTokensPerMinute
        guard limit > 0 else { return nil }
        return (RatePolicy(name: "key-tpm", limit: limit), key.id)
    }

    /// Reserves `tokens` (the prompt's estimate plus `max_tokens`) of the key's tokens per
    /// minute before an answer; throws ``RateLimitExceeded`` when they are not available. `nil`
    /// when the key has no token limit.
    func reserveTokens(_ identity: Identity, _ tokens: Int) async throws -> TokenReservation? {
        guard let (policy, subject) = tokenPolicy(identity) else { return nil }
        let decision = try await limiter.acquire(policy, subject: subject, cost: max(0, tokens), at: now())
        if !decision.allowed {
            throw RateLimitExceeded(refused: decision, decisions: [decision], subject: "API key", unit: "tokens")
        }
        return TokenReservation(
            limits: self, policy: policy, subject: subject, reserved: max(0, tokens), decision: decision)
    }

    /// Spends a request of an address that has no valid credential; throws
    /// ``RateLimitExceeded`` when it is used up.
    func admitAnonymous(_ address: String?) async throws -> [RateDecision] {
        guard settings.anonymousRequestsPerMinute > 0 else { return [] }
        let decision = try await limiter.acquire(
            RatePolicy(name: "ip", limit: settings.anonymousRequestsPerMinute), subject: address ?? "unknown",
            cost: 1, at: now())
        if !decision.allowed {
            throw RateLimitExceeded(refused: decision, decisions: [decision], subject: "client address")
        }
        return [decision]
    }

    /// `RateLimit-Policy` and `RateLimit` for the decisions, e.g. `"key";q=600;w=60` and
    /// `"key";r=599;t=1`.
    static func headers(_ decisions: [RateDecision]) -> HTTPFields {
        guard !decisions.isEmpty else { return [:] }
        var fields = HTTPFields()
        fields[policyField] = decisions.map { decision in
            "\"\(decision.policy.name)\";q=\(decision.policy.limit);w=\(decision.policy.period.components.seconds)"
        }.joined(separator: ", ")
        fields[limitField] = decisions.map { decision in
            "\"\(decision.policy.name)\";r=\(decision.remaining);t=\(decision.resetSeconds)"
        }.joined(separator: ", ")
        return fields
    }

    static let policyField = HTTPField.Name("RateLimit-Policy")!
    static let limitField = HTTPField.Name("RateLimit")!
}

/// Tokens held for an answer under a key's tokens-per-minute limit, settled against what the
/// answer used when it ends.
struct TokenReservation: Sendable {
    let limits: RateLimits
    let policy: RatePolicy
    let subject: String
    let reserved: Int
    /// The reservation's decision, for the response's headers.
    let decision: RateDecision

    /// Spends what the answer used beyond the reservation, or gives back what it did not use.
    func settle(used: Int, logger: Logger) async {
        do {
            try await limits.limiter.settle(policy, subject: subject, cost: used - reserved, at: limits.now())
        } catch {
            logger.warning("could not settle the token limit", metadata: ["error": "\(error)"])
        }
    }
}

/// A request over one of the limits: 429 with `Retry-After` and the limits' headers.
struct RateLimitExceeded: Error, CustomStringConvertible {
    let refused: RateDecision
    let decisions: [RateDecision]
    /// What the limit is counted for: `API key`, `user`, `client address`.
    let subject: String
    /// What it counts: `requests` or `tokens`.
    var unit = "requests"

    var description: String {
        "rate limit reached: \(refused.policy.limit) \(unit) a minute for this \(subject); "
            + "retry in \(refused.retryAfterSeconds) s"
    }
}

/// The anonymous limit on routes that take no credential (login, refresh, logout).
struct AnonymousRateLimitMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let limits: RateLimits

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let decisions = try await limits.admitAnonymous(context.clientAddress)
        var response = try await next(request, context)
        response.headers.append(contentsOf: RateLimits.headers(decisions))
        return response
    }
}

/// A concurrent-stream slot held by a running answer: renewed while it runs, released by
/// ``close()`` (or, if the process dies, expired by the database's clock of slots).
final class StreamHold: Sendable {
    private let slots: any StreamSlots
    private let slot: String
    private let renewal: Task<Void, Never>

    init(slots: any StreamSlots, slot: String, now: @escaping @Sendable () -> Date) {
        self.slots = slots
        self.slot = slot
        renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: StreamSlotsDefaults.renewal)
                if Task.isCancelled { return }
                try? await slots.renew(slot, at: now())
            }
        }
    }

    /// Gives the slot back.
    func close() async {
        renewal.cancel()
        try? await slots.release(slot)
    }
}

/// All of a user's concurrent-stream slots are taken: 429 until one of their answers ends.
struct StreamLimitExceeded: Error, CustomStringConvertible {
    let limit: Int

    var description: String {
        "\(limit) answer\(limit == 1 ? " is" : "s are") streaming for this user already (the limit); "
            + "retry when one ends"
    }
}
