public import Foundation

/// A signed access token.
public struct AccessToken: Sendable, Hashable {
    /// The compact JWT, sent as `Authorization: Bearer …`.
    public var token: String
    /// Its `jti` claim.
    public var tokenID: String
    /// When it stops being accepted.
    public var expiresAt: Date
}

/// What a login or a refresh returns: a short-lived access token and the refresh token that
/// replaces the one used (shown to the client once; only its SHA-256 is stored).
public struct TokenPair: Sendable, Hashable {
    /// The access token.
    public var access: AccessToken
    /// The opaque refresh token (64 hex digits: 256 random bits).
    public var refreshToken: String
    /// When the refresh token expires unless used before.
    public var refreshExpiresAt: Date
    /// The family the refresh token belongs to (one per login).
    public var familyID: String
    /// The user the tokens are for.
    public var user: User
}

/// A verified access token: the user as stored now and the scopes it may use.
public struct VerifiedAccess: Sendable, Hashable {
    /// The user, read from the database at verification.
    public var user: User
    /// The token's scopes, limited to what the user's role allows now.
    public var scopes: Set<Scope>
    /// The token's `jti`.
    public var tokenID: String
    /// When the token expires.
    public var expiresAt: Date
}
