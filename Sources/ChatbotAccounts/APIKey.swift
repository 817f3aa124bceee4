public import ChatbotCore
public import Foundation

/// An API key as lists show it: never its secret, only a prefix that names it.
public struct APIKey: Sendable, Hashable, Codable {
    /// The key's id (16 hex digits), the part of the key after `cbk_`.
    public var id: String
    /// The owner's id.
    public var userID: String
    /// The owner's name.
    public var userName: String
    /// A label for people.
    public var name: String
    /// What the key was created for (what it may do is also limited by the owner's role at use).
    public var scopes: Set<Scope>
    /// When it was made.
    public var createdAt: Date
    /// When it stops working, if ever.
    public var expiresAt: Date?
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// When it was last used (updated at most once a minute).
    public var lastUsedAt: Date?
    /// Its own limit of requests per minute, replacing the server's default for keys.
    public var requestsPerMinute: Int?
    /// Its limit of tokens per minute (prompt plus completion; `max_tokens` is reserved up front).
    public var tokensPerMinute: Int?
    /// What answers asked with it may cost per day or month.
    public var budget: Budget?

    /// `cbk_<id>_…`: enough to recognise the key, useless to use it.
    public var prefix: String { "\(APIKeyService.keyPrefix)\(id)_…" }

    /// Creates a key value.
    public init(
        id: String, userID: String, userName: String, name: String, scopes: Set<Scope>, createdAt: Date,
        expiresAt: Date?, revokedAt: Date?, lastUsedAt: Date?, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, budget: Budget? = nil
    ) {
        self.id = id
        self.userID = userID
        self.userName = userName
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.budget = budget
    }

    /// Whether the key is neither revoked nor expired at `date`.
    public func isActive(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { date < $0 } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, prefix
        case userID = "user_id"
        case userName = "user"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
        case requestsPerMinute = "rpm"
        case tokensPerMinute = "tpm"
        case budget
    }

    /// Encodes the key with its prefix and scopes in declaration order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(userID, forKey: .userID)
        try container.encode(userName, forKey: .userName)
        try container.encode(name, forKey: .name)
        try container.encode(scopes.sorted(), forKey: .scopes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(lastUsedAt, forKey: .lastUsedAt)
        try container.encodeIfPresent(requestsPerMinute, forKey: .requestsPerMinute)
        try container.encodeIfPresent(tokensPerMinute, forKey: .tokensPerMinute)
        try container.encodeIfPresent(budget, forKey: .budget)
    }

    /// Decodes a key written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            userID: try container.decode(String.self, forKey: .userID),
            userName: try container.decode(String.self, forKey: .userName),
            name: try container.decode(String.self, forKey: .name),
            scopes: Set(try container.decode([Scope].self, forKey: .scopes)),
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            expiresAt: try container.decodeIfPresent(Date.self, forKey: .expiresAt),
            revokedAt: try container.decodeIfPresent(Date.self, forKey: .revokedAt),
            lastUsedAt: try container.decodeIfPresent(Date.self, forKey: .lastUsedAt),
            requestsPerMinute: try container.decodeIfPresent(Int.self, forKey: .requestsPerMinute),
            tokensPerMinute: try container.decodeIfPresent(Int.self, forKey: .tokensPerMinute),
            budget: try container.decodeIfPresent(Budget.self, forKey: .budget))
    }
}

/// A key just created: the only time its secret exists outside the client.
public struct CreatedAPIKey: Sendable, Hashable {
    /// The stored key.
    public var key: APIKey
    /// The whole key, `cbk_<id>_<secret>`: show it once.
    public var secret: String
}

/// A key that authenticated a request: its owner as stored now and what it may do now.
public struct AuthenticatedKey: Sendable, Hashable {
    /// The key.
    public var key: APIKey
    /// Its owner.
    public var user: User
    /// The key's scopes limited by the owner's role now (a demoted owner demotes the key).
    public var scopes: Set<Scope>
}
