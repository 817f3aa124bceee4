import Crypto
public import Foundation
import JWTKit
import SQLKit

/// Access tokens (EdDSA JWTs) and refresh tokens (opaque, rotated on each use, in families).
///
/// Verification allows EdDSA only, whatever the header says; the key comes from the header's `kid`
/// and must be one of ``SigningKeyStore/verificationKeys(on:)``; then every claim is checked
/// (`iss`, `aud`, `exp`, `nbf`, `iat` within ``TokenSettings/clockSkew``, `sub`, `role`, `scopes`,
/// `jti`) and the user is read from the database: disabled, deleted, or with another token version
/// (password, role or status changed since) means refused.
public struct TokenService: Sendable {
    private let database: any AccountsDatabase
    private let accounts: AccountService
    private let settings: TokenSettings
    private let now: @Sendable () -> Date
    private let throttle: LoginThrottle

    /// A token service on `database`, checking logins with `accounts`.
    public init(
        database: any AccountsDatabase, accounts: AccountService, settings: TokenSettings = TokenSettings(),
        throttle: LoginThrottle = LoginThrottle(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.throttle = throttle
        self.database = database
        self.accounts = accounts
        self.settings = settings
        self.now = now
    }

    // MARK: - Login, refresh, logout

    /// Checks `name` and `password` and starts a new refresh-token family. Both outcomes are
    /// audited (`login.succeeded`, `login.failed`).
    ///
    /// - Throws: ``ChatbotError`` (`.unauthorized`) "invalid credentials", the same for every cause;
    ///   ``LoginThrottle/Refusal`` when the account or address has too many recent failures.
    public func login(name: String, password: String, ip: String? = nil) async throws -> TokenPair {
        let date = now()
        let throttle = self.throttle
        try await database.withTransaction { sql in try await throttle.check(name: name, ip: ip, at: date, on: sql) }
        let user: User
        do {
            user = try await accounts.authenticate(name: name, password: password)
        } catch {
            try await database.withTransaction { sql in
                try await AuditLog.append(
                    AuditEntry(
                        at: date, actorID: nil, actorName: nil, action: "login.failed",
                        target: LoginThrottle.accountKey(name), ip: ip),
                    on: sql)
            }
            throw error
        }
        return try await database.withTransaction { [self] sql in
            let pair = try await issuePair(for: user, familyID: UUID().uuidString.lowercased(), at: date, on: sql)
            try await AuditLog.append(
                AuditEntry(
                    at: date, actorID: user.id, actorName: user.name, action: "login.succeeded", target: user.name,
                    detail: ["family": pair.familyID], ip: ip),
                on: sql)
            return pair
        }
    }

    /// Exchanges a refresh token for a new pair, retiring the one presented.
    ///
    /// A token that was already rotated means it was copied: its whole family is revoked and
    /// `refresh_token.reused` is audited, and the caller must log in again.
    ///
    /// - Throws: ``ChatbotError`` (`.unauthorized`) for an unknown, expired, revoked or reused token,
    ///   or a disabled user.
    public func refresh(_ refreshToken: String, ip: String? = nil) async throws -> TokenPair {
        let date = now()
        let hash = SecretHashing.sha256Hex(refreshToken)
        let outcome: RefreshOutcome = try await database.withTransaction { [self] sql in
            guard let row = try await RefreshTokenStore.find(hash: hash, on: sql) else { return .refused }
            if row.revokedAt != nil { return .refused }
            var rotatedNow = false
            if row.rotatedAt == nil {
                rotatedNow = try await RefreshTokenStore.markRotated(hash: hash, at: date, on: sql)
            }
            if !rotatedNow {
                try await RefreshTokenStore.revokeFamily(row.familyID, at: date, on: sql)
                let owner = try await UserStore.find(id: row.userID, on: sql)?.user
                try await AuditLog.append(
                    AuditEntry(
                        at: date, actorID: row.userID, actorName: owner?.name, action: "refresh_token.reused",
                        target: owner?.name, detail: ["family": row.familyID], ip: ip),
                    on: sql)
                return .refused
            }
            guard DatabaseTime.milliseconds(date) < row.expiresAt,
                let user = try await UserStore.find(id: row.userID, on: sql)?.user, !user.isDisabled
            else {
                try await RefreshTokenStore.revokeFamily(row.familyID, at: date, on: sql)
                return .refused
            }
            return .issued(try await issuePair(for: user, familyID: row.familyID, at: date, on: sql))
        }
        // The revocation above commits before this throws.
        guard case .issued(let pair) = outcome else { throw AccountsFailure.invalidCredentials }
        return pair
    }

    /// Revokes the family of `refreshToken` (logout). An unknown token is ignored.
    public func logout(_ refreshToken: String) async throws {
        let date = now()
        let hash = SecretHashing.sha256Hex(refreshToken)
        try await database.withTransaction { sql in
            guard let row = try await RefreshTokenStore.find(hash: hash, on: sql) else { return }
            try await RefreshTokenStore.revokeFamily(row.familyID, at: date, on: sql)
        }
    }

    /// Revokes every refresh-token family of `userID` (log out everywhere) and bumps its token
    /// version, so that its access tokens are refused too.
    public func revokeAll(userID: String) async throws {
        let date = now()
        try await database.withTransaction { sql in
            try await RefreshTokenStore.revokeAll(userID: userID, at: date, on: sql)
            try await UserStore.update(id: userID, on: sql)
        }
    }

    // MARK: - Access tokens

    /// Signs an access token for `user` with the current key (generated when there is none).
    public func issueAccessToken(for user: User) async throws -> AccessToken {
        let date = now()
        return try await database.withTransaction { [self] sql in
            try await signAccessToken(for: user, at: date, on: sql)
        }
    }

    /// Checks `token` and returns who it stands for.
    ///
    /// - Throws: ``ChatbotError`` (`.unauthorized`) for any token that is not exactly one we issued,
    ///   unexpired, for this issuer and audience, of a user whose rights did not change since.
    public func verify(_ token: String) async throws -> VerifiedAccess {
        let date = now()
        let header = try Self.header(of: token)
        // Reads only: no transaction (on SQLite, BEGIN IMMEDIATE would take the write lock).
        let keys = try await database.withoutTransaction { sql in try await SigningKeyStore.verificationKeys(on: sql) }
        guard let key = keys.first(where: { $0.kid == header.kid }) else {
            throw AccountsFailure.unauthorized("the token is signed by an unknown key")
        }
        // Only the one public key the header names, as EdDSA: nothing else can verify.
        let collection = JWTKeyCollection()
        await collection.add(
            eddsa: EdDSA.PublicKey(backing: key.privateKey.publicKey), kid: JWKIdentifier(string: key.kid))
        let payload: AccessTokenClaims
        do {
            payload = try await collection.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw AccountsFailure.unauthorized("the token's signature or format is invalid")
        }
        let scopes = try checkClaims(payload, at: date)
        let stored = try await database.withoutTransaction { sql in
            try await UserStore.find(id: payload.sub.value, on: sql)?.user
        }
        guard let user = stored, !user.isDisabled, user.tokenVersion == payload.tv, user.role.rawValue == payload.role
        else { throw AccountsFailure.unauthorized("the token's user is gone, disabled, or changed since") }
        return VerifiedAccess(
            user: user, scopes: scopes.intersection(user.role.allowedScopes), tokenID: payload.jti.value,
            expiresAt: payload.exp.value)
    }

    /// Retires the current signing key and makes a new one; tokens signed with the old key stay
    /// valid until they expire (the previous key is still accepted).
    public func rotateSigningKey() async throws {
        let date = now()
        _ = try await database.withTransaction { sql in try await SigningKeyStore.rotate(at: date, on: sql) }
    }

    // MARK: - Internals

    private enum RefreshOutcome: Sendable {
        case issued(TokenPair)
        case refused
    }

    private func issuePair(for user: User, familyID: String, at date: Date, on sql: any SQLDatabase) async throws
        -> TokenPair
    {
        let access = try await signAccessToken(for: user, at: date, on: sql)
        let refreshToken = SecretHashing.randomHex(bytes: 32)
        let expires = date.addingTimeInterval(settings.refreshTokenLifetime.timeInterval)
        try await RefreshTokenStore.insert(
            hash: SecretHashing.sha256Hex(refreshToken), familyID: familyID, userID: user.id, expiresAt: expires,
            createdAt: date, on: sql)
        return TokenPair(
            access: access, refreshToken: refreshToken,
            refreshExpiresAt: DatabaseTime.date(DatabaseTime.milliseconds(expires)),
            familyID: familyID, user: user)
    }

    private func signAccessToken(for user: User, at date: Date, on sql: any SQLDatabase) async throws -> AccessToken {
        let key = try await SigningKeyStore.current(at: date, on: sql)
        // The user as stored now: its role and token version at signing time.
        guard let stored = try await UserStore.find(id: user.id, on: sql)?.user, !stored.isDisabled else {
            throw AccountsFailure.invalidCredentials
        }
        let issuedAt = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let expires = issuedAt.addingTimeInterval(settings.accessTokenLifetime.timeInterval)
        let tokenID = UUID().uuidString.lowercased()
        let claims = AccessTokenClaims(
            sub: SubjectClaim(value: stored.id), role: stored.role.rawValue,
            scopes: stored.role.allowedScopes.sorted().map(\.rawValue), iat: IssuedAtClaim(value: issuedAt),
            nbf: NotBeforeClaim(value: issuedAt), exp: ExpirationClaim(value: expires),
            iss: IssuerClaim(value: settings.issuer), aud: AudienceClaim(value: [settings.audience]),
            jti: IDClaim(value: tokenID), tv: stored.tokenVersion)
        let collection = JWTKeyCollection()
        await collection.add(eddsa: EdDSA.PrivateKey(backing: key.privateKey), kid: JWKIdentifier(string: key.kid))
        let token = try await collection.sign(claims, kid: JWKIdentifier(string: key.kid))
        return AccessToken(token: token, tokenID: tokenID, expiresAt: expires)
    }

    /// Every claim but the user's state: issuer, audience, times, subject, role and scopes.
    private func checkClaims(_ claims: AccessTokenClaims, at date: Date) throws -> Set<Scope> {
        let skew = settings.clockSkew.timeInterval
        guard claims.iss.value == settings.issuer else {
            throw AccountsFailure.unauthorized("the token is from another issuer")
        }
        guard claims.aud.value == [settings.audience] else {
            throw AccountsFailure.unauthorized("the token is for another audience")
        }
        guard date.timeIntervalSince(claims.exp.value) < skew else {
            throw AccountsFailure.unauthorized("the token has expired")
        }
        guard claims.nbf.value.timeIntervalSince(date) <= skew, claims.iat.value.timeIntervalSince(date) <= skew else {
            throw AccountsFailure.unauthorized("the token is not valid yet")
        }
        guard claims.exp.value.timeIntervalSince(claims.iat.value) <= settings.accessTokenLifetime.timeInterval else {
            throw AccountsFailure.unauthorized("the token lives longer than this server issues")
        }
        guard !claims.sub.value.isEmpty, !claims.jti.value.isEmpty, Role(rawValue: claims.role) != nil else {
            throw AccountsFailure.unauthorized("the token's claims are incomplete")
        }
        var scopes: Set<Scope> = []
        for text in claims.scopes {
            guard let scope = Scope(rawValue: text) else {
                throw AccountsFailure.unauthorized("the token has an unknown scope")
            }
            scopes.insert(scope)
        }
        return scopes
    }

    /// The protected header, checked before any key is used: `alg` must be `EdDSA`, `kid` present,
    /// `typ` (when present) `JWT`, and no `crit` extensions.
    private static func header(of token: String) throws -> (alg: String, kid: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecoded(parts[0]),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw AccountsFailure.unauthorized("the token is not a JWT") }
        guard let alg = object["alg"] as? String, alg == SigningKeyStore.algorithm else {
            throw AccountsFailure.unauthorized("the token's algorithm is not allowed")
        }
        guard let kid = object["kid"] as? String, !kid.isEmpty else {
            throw AccountsFailure.unauthorized("the token names no key")
        }
        if let typ = object["typ"], (typ as? String) != "JWT" {
            throw AccountsFailure.unauthorized("the token's type is not JWT")
        }
        guard object["crit"] == nil else { throw AccountsFailure.unauthorized("the token has critical extensions") }
        return (alg, kid)
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
