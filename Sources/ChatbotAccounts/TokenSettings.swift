/// The issuer, audience and lifetimes of the tokens ``TokenService`` issues and accepts.
public struct TokenSettings: Sendable, Hashable {
    /// The `iss` claim; tokens from another issuer are refused.
    public var issuer: String
    /// The `aud` claim; tokens for another audience are refused.
    public var audience: String
    /// How long an access token lives (10 minutes).
    public var accessTokenLifetime: Duration
    /// How long a refresh token lives when unused (30 days); each use issues a new one.
    public var refreshTokenLifetime: Duration
    /// How far `iat`, `nbf` and `exp` may be off between replicas' clocks (30 seconds).
    public var clockSkew: Duration

    /// The defaults: issuer and audience `chatbot`, 10-minute access tokens, 30-day refresh tokens.
    public init(
        issuer: String = "chatbot", audience: String = "chatbot", accessTokenLifetime: Duration = .seconds(600),
        refreshTokenLifetime: Duration = .seconds(30 * 24 * 3600), clockSkew: Duration = .seconds(30)
    ) {
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.clockSkew = clockSkew
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
