public import Foundation

/// One row of the audit log: who did what to what, when, from where.
///
/// `detail` holds plain facts (a role, a key id, a count); callers never put a password, token,
/// key secret or hash in it.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The row's sequence number (0 before it is stored).
    public var id: Int64
    /// When it happened.
    public var at: Date
    /// The acting user's id, when a user acted.
    public var actorID: String?
    /// The acting user's name at the time.
    public var actorName: String?
    /// What happened, e.g. `user.role_changed`, `api_key.created`, `refresh_token.reused`.
    public var action: String
    /// What it happened to, e.g. a user name or a key id.
    public var target: String?
    /// Further facts.
    public var detail: [String: String]
    /// The client address, when known.
    public var ip: String?

    /// Creates an entry.
    public init(
        id: Int64 = 0, at: Date, actorID: String?, actorName: String?, action: String, target: String?,
        detail: [String: String] = [:], ip: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.target = target
        self.detail = detail
        self.ip = ip
    }

    enum CodingKeys: String, CodingKey {
        case id, at, action, target, detail, ip
        case actorID = "actor_id"
        case actorName = "actor_name"
    }
}
