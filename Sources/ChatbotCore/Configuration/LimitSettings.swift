/// The server's rate limits (`limits.*` keys, `CHATBOT_LIMITS_*`): requests per minute, each a
/// GCRA policy shared by every `serve` process on one database. 0 turns a policy off.
public struct LimitSettings: Sendable, Hashable {
    /// Requests per minute per API key (`limits.key_rpm`, default 600); a key's own limit
    /// (`chatbot keys create --rpm`) replaces it.
    public var keyRequestsPerMinute: Int
    /// Requests per minute per user, over all their keys and sessions (`limits.user_rpm`,
    /// default 1200).
    public var userRequestsPerMinute: Int
    /// Requests per minute per client address without a valid credential (`limits.ip_rpm`,
    /// default 120): logins, refreshes, and requests whose credential is missing or refused.
    public var anonymousRequestsPerMinute: Int

    /// Tokens per minute per API key (`limits.key_tpm`, default 0: off); a key's own limit
    /// (`chatbot keys create --tpm`) replaces it. A request's `max_tokens` is reserved up front and
    /// the difference to what the answer used is settled when it ends.
    public var keyTokensPerMinute = 0
    /// Answers a user may stream at once, over every process (`limits.user_streams`, default 8).
    public var userStreams = 8
    /// What each user's answers may cost per day or month (`limits.user_budget.cost`, `.tokens`,
    /// `.period`); none by default.
    public var userBudget: Budget?
    /// Per-role overrides of the user limits (`limits.roles.<role>.user_rpm`, `.user_streams`,
    /// `.user_budget.*`): a user's own limits come first, then its role's, then the defaults above.
    public var roles: [String: RoleLimits] = [:]

    /// Creates settings; the defaults suit a team behind one address.
    public init(
        keyRequestsPerMinute: Int = 600, userRequestsPerMinute: Int = 1_200, anonymousRequestsPerMinute: Int = 120
    ) {
        self.keyRequestsPerMinute = max(0, keyRequestsPerMinute)
        self.userRequestsPerMinute = max(0, userRequestsPerMinute)
        self.anonymousRequestsPerMinute = max(0, anonymousRequestsPerMinute)
    }

    /// No limits at all (tests, and a server behind a gateway that limits).
    public static let off: LimitSettings = {
        var off = LimitSettings(keyRequestsPerMinute: 0, userRequestsPerMinute: 0, anonymousRequestsPerMinute: 0)
        off.userStreams = 0
        return off
    }()
}

/// The limits of one role, each replacing the server-wide default when set.
public struct RoleLimits: Sendable, Hashable {
    /// Requests per minute per user.
    public var userRequestsPerMinute: Int?
    /// Answers streamed at once per user.
    public var userStreams: Int?
    /// Each user's budget.
    public var userBudget: Budget?

    /// Limits of a role.
    public init(userRequestsPerMinute: Int? = nil, userStreams: Int? = nil, userBudget: Budget? = nil) {
        self.userRequestsPerMinute = userRequestsPerMinute
        self.userStreams = userStreams
        self.userBudget = userBudget
    }
}
