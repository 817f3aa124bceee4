public import ChatbotCore
public import Foundation

/// A user, as every front end shows it. Never carries the password hash.
public struct User: Sendable, Hashable, Codable {
    /// The stable id (a lowercase UUID; ``LocalUser/id`` for the CLI's user).
    public var id: String
    /// The unique login name (lowercase letters, digits, `.`, `_`, `-`).
    public var name: String
    /// An optional e-mail address, for people.
    public var email: String?
    /// What the user may do.
    public var role: Role
    /// A disabled user cannot log in, and its tokens and keys are refused.
    public var isDisabled: Bool
    /// When the user was created.
    public var createdAt: Date
    /// Bumped by every password, role or status change; access tokens carry it and are refused once
    /// it moved on.
    public var tokenVersion: Int64
    /// Whether a password is set (the local user has none until an admin sets one).
    public var hasPassword: Bool
    /// The user's own limits and budget, replacing the role's and the server's (`chatbot users
    /// set-limits`).
    public var limits = UserLimits()

    /// Creates a user value.
    public init(
        id: String, name: String, email: String?, role: Role, isDisabled: Bool, createdAt: Date,
        tokenVersion: Int64, hasPassword: Bool
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.isDisabled = isDisabled
        self.createdAt = createdAt
        self.tokenVersion = tokenVersion
        self.hasPassword = hasPassword
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, role
        case isDisabled = "disabled"
        case createdAt = "created_at"
        case tokenVersion = "token_version"
        case hasPassword = "has_password"
        case limits
    }
}

/// A user's own limits: each replaces the role's and the server's default when set.
public struct UserLimits: Sendable, Hashable, Codable {
    /// Requests per minute over all the user's credentials.
    public var requestsPerMinute: Int?
    /// Answers streamed at once.
    public var streams: Int?
    /// What the user's answers may cost per day or month.
    public var budget: Budget?

    /// Limits; none by default.
    public init(requestsPerMinute: Int? = nil, streams: Int? = nil, budget: Budget? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.streams = streams
        self.budget = budget.flatMap { $0.isLimited ? $0 : nil }
    }

    /// Whether no limit is set.
    public var isEmpty: Bool { requestsPerMinute == nil && streams == nil && budget == nil }

    enum CodingKeys: String, CodingKey {
        case requestsPerMinute = "rpm"
        case streams, budget
    }
}
