public import ChatbotCore
public import Foundation
import SQLKit

/// API keys: `cbk_<id>_<secret>` (16 and 64 hex digits), shown once and stored as the id and
/// SHA-256 of the secret; the secret is compared in constant time.
///
/// A key may hold only scopes its owner's role allows when it is made (a viewer cannot mint
/// `documents:write`, only an admin can mint `admin`), and at each use its scopes are limited again
/// by the owner's role then, so a demoted owner demotes its keys and a disabled owner's keys are
/// refused. Creation and revocation are audited.
public struct APIKeyService: Sendable {
    /// The text every key starts with.
    public static let keyPrefix = "cbk_"
    /// The longest expiry a key may be given, in days (ten years).
    public static let maximumExpiryDays = 3650

    private let database: any AccountsDatabase
    private let now: @Sendable () -> Date

    /// A key service on `database`.
    public init(database: any AccountsDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// Makes a key for `owner` (a user name). An admin may make keys for anyone; others only for
    /// themselves.
    ///
    /// - Parameters:
    ///   - scopes: What the key may do; empty means everything the owner's role allows but `admin`.
    ///   - expiresInDays: Days until it stops working (1 to ``maximumExpiryDays``), or never.
    /// - Throws: ``ChatbotError``: (`.forbidden`) a scope beyond the owner's role, or another user's
    ///   key by a non-admin; (`.notFound`) no such user; (`.usage`) a bad name or expiry;
    ///   (`.conflict`) the owner is disabled.
    public func create(
        owner: String, name: String = "default", scopes: Set<Scope> = [], expiresInDays: Int? = nil,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, budget: Budget? = nil, by caller: Caller
    ) async throws -> CreatedAPIKey {
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(label.count), !label.contains(where: \.isNewline) else {
            throw AccountsFailure.usage("a key name must be 1 to 100 characters on one line")
        }
        if let days = expiresInDays, !(1...Self.maximumExpiryDays).contains(days) {
            throw AccountsFailure.usage("a key expires after 1 to \(Self.maximumExpiryDays) days")
        }
        if let rpm = requestsPerMinute, !(1...1_000_000).contains(rpm) {
            throw AccountsFailure.usage("a key's requests per minute must be 1 to 1000000")
        }
        if let tpm = tokensPerMinute, !(1...1_000_000_000).contains(tpm) {
            throw AccountsFailure.usage("a key's tokens per minute must be 1 to 1000000000")
        }
        let budget = budget.flatMap { $0.isLimited ? $0 : nil }
        let date = now()
        let id = SecretHashing.randomHex(bytes: 8)
        let secret = SecretHashing.randomHex(bytes: 32)
        let expires = expiresInDays.map { date.addingTimeInterval(Double($0) * 86_400) }
        let key: APIKey = try await database.withTransaction { sql in
            let user = try await AccountService.require(owner.lowercased(), on: sql).user
            if user.id != caller.userID { try caller.requireAdmin("make keys for other users") }
            guard !user.isDisabled else { throw AccountsFailure.conflict("'\(user.name)' is disabled") }
            let allowed = user.role.allowedScopes
            let wanted = scopes.isEmpty ? allowed.subtracting([.admin]) : scopes
            let beyond = wanted.subtracting(allowed)
            guard beyond.isEmpty else {
                throw AccountsFailure.forbidden(
                    "a key of \(user.role.rawValue) '\(user.name)' cannot have the scope "
                        + beyond.sorted().map(\.rawValue).joined(separator: ", "),
                    hint: "a \(user.role.rawValue) may hold " + allowed.sorted().map(\.rawValue).joined(separator: ", ")
                )
            }
            let key = APIKey(
                id: id, userID: user.id, userName: user.name, name: label, scopes: wanted,
                createdAt: DatabaseTime.date(DatabaseTime.milliseconds(date)),
                expiresAt: expires.map { DatabaseTime.date(DatabaseTime.milliseconds($0)) }, revokedAt: nil,
                lastUsedAt: nil, requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, budget: budget)
            try await sql.raw(
                """
                INSERT INTO api_keys (id, secret_hash, user_id, name, scopes, created_at, expires_at, rpm_limit,
                    tpm_limit, budget_cost, budget_tokens, budget_period)
                VALUES (\(bind: id), \(bind: SecretHashing.sha256Hex(secret)), \(bind: user.id), \(bind: label),
                    \(bind: Scope.encode(wanted)), \(bind: DatabaseTime.milliseconds(date)),
                    \(bind: expires.map(DatabaseTime.milliseconds)), \(bind: requestsPerMinute),
                    \(bind: tokensPerMinute), \(bind: budget?.cost), \(bind: budget?.tokens),
                    \(bind: budget?.period.rawValue))
                """
            ).run()
            try await AuditLog.record(
                "api_key.created", target: id,
                detail: ["owner": user.name, "scopes": Scope.encode(wanted), "name": label], by: caller, at: date,
                on: sql)
            return key
        }
        return CreatedAPIKey(key: key, secret: "\(Self.keyPrefix)\(id)_\(secret)")
    }

    /// Keys, newest first: of `owner` (a user name), or of everyone when `nil` (admins only).
    /// Never a secret or its hash.
    public func list(owner: String? = nil, by caller: Caller) async throws -> [APIKey] {
        try await database.withTransaction { sql in
            var userID: String?
            if let owner {
                let user = try await AccountService.require(owner.lowercased(), on: sql).user
                if user.id != caller.userID { try caller.requireAdmin("list other users' keys") }
                userID = user.id
            } else if !caller.isAdmin {
                userID = caller.userID
            }
            let filter: SQLQueryString = userID.map { "WHERE k.user_id = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                SELECT k.id, k.user_id, u.name AS user_name, k.name, k.scopes, k.created_at, k.expires_at,
                    k.revoked_at, k.last_used_at, k.rpm_limit, k.tpm_limit, k.budget_cost, k.budget_tokens,
                    k.budget_period
                FROM api_keys k JOIN users u ON u.id = k.user_id \(filter)
                ORDER BY k.created_at DESC, k.id
                """
            ).all().map(Self.key)
        }
    }

    /// Revokes the key `id` (or `cbk_<id>…`). Revoking a revoked key changes nothing.
    ///
    /// - Throws: ``ChatbotError``: (`.notFound`) no such key, or another user's key for a non-admin
    ///   (no existence oracle).
    @discardableResult
    public func revoke(_ id: String, by caller: Caller) async throws -> APIKey {
        let id = Self.id(from: id)
        let date = now()
        return try await database.withTransaction { sql in
            guard var key = try await Self.find(id: id, on: sql), key.userID == caller.userID || caller.isAdmin else {
                throw AccountsFailure.notFound("no API key '\(id)'", hint: "list keys to see their ids")
            }
            guard key.revokedAt == nil else { return key }
            try await sql.raw(
                "UPDATE api_keys SET revoked_at = \(bind: DatabaseTime.milliseconds(date)) WHERE id = \(bind: id)"
            ).run()
            try await AuditLog.record(
                "api_key.revoked", target: id, detail: ["owner": key.userName], by: caller, at: date, on: sql)
            key.revokedAt = DatabaseTime.date(DatabaseTime.milliseconds(date))
            return key
        }
    }

    /// The key `presented` stands for, with its owner and the scopes it may use now.
    ///
    /// - Throws: ``ChatbotError`` (`.unauthorized`) "invalid credentials" for a malformed, unknown,
    ///   wrong, revoked or expired key, or a disabled owner: one answer for all.
    public func authenticate(_ presented: String) async throws -> AuthenticatedKey {
        guard let (id, secret) = Self.parse(presented) else { throw AccountsFailure.invalidCredentials }
        let date = now()
        let presentedHash = SecretHashing.sha256Hex(secret)
        // Reads, and at most once a minute an idempotent UPDATE: no transaction (on SQLite,
        // BEGIN IMMEDIATE would take the write lock on every request).
        let found: AuthenticatedKey? = try await database.withoutTransaction { sql in
            let row = try await sql.raw(
                """
                SELECT k.id, k.user_id, u.name AS user_name, k.name, k.scopes, k.created_at, k.expires_at,
                    k.revoked_at, k.last_used_at, k.rpm_limit, k.tpm_limit, k.budget_cost, k.budget_tokens,
                    k.budget_period, k.secret_hash
                FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = \(bind: id)
                """
            ).first()
            guard let row else { return nil }
            let storedHash = try row.decode(column: "secret_hash", as: String.self)
            guard SecretHashing.constantTimeEqual(storedHash, presentedHash) else { return nil }
            var key = try Self.key(row)
            guard key.isActive(at: date), let user = try await UserStore.find(id: key.userID, on: sql)?.user,
                !user.isDisabled
            else { return nil }
            let nowMilliseconds = DatabaseTime.milliseconds(date)
            if key.lastUsedAt.map({ date.timeIntervalSince($0) >= 60 }) ?? true {
                try await sql.raw(
                    """
                    UPDATE api_keys SET last_used_at = \(bind: nowMilliseconds)
                    WHERE id = \(bind: id) AND (last_used_at IS NULL OR last_used_at <= \(bind: nowMilliseconds - 60_000))
                    """
                ).run()
                key.lastUsedAt = DatabaseTime.date(nowMilliseconds)
            }
            return AuthenticatedKey(key: key, user: user, scopes: key.scopes.intersection(user.role.allowedScopes))
        }
        guard let found else { throw AccountsFailure.invalidCredentials }
        return found
    }

    // MARK: - Internals

    /// `(id, secret)` of a well-formed key.
    static func parse(_ presented: String) -> (id: String, secret: String)? {
        guard presented.hasPrefix(keyPrefix) else { return nil }
        let parts = presented.dropFirst(keyPrefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, SecretHashing.isHex(parts[0], count: 16), SecretHashing.isHex(parts[1], count: 64)
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// The id in `text`: a bare id, a prefix `cbk_<id>_…`, or a whole key.
    static func id(from text: String) -> String {
        guard text.hasPrefix(keyPrefix) else { return text.lowercased() }
        return String(text.dropFirst(keyPrefix.count).prefix { $0 != "_" }).lowercased()
    }

    private static func find(id: String, on sql: any SQLDatabase) async throws -> APIKey? {
        try await sql.raw(
            """
            SELECT k.id, k.user_id, u.name AS user_name, k.name, k.scopes, k.created_at, k.expires_at,
                k.revoked_at, k.last_used_at, k.rpm_limit, k.tpm_limit, k.budget_cost, k.budget_tokens,
                    k.budget_period
            FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = \(bind: id)
            """
        ).first().map(key)
    }

    private static func key(_ row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: String.self),
            userID: try row.decode(column: "user_id", as: String.self),
            userName: try row.decode(column: "user_name", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            scopes: Scope.decode(try row.decode(column: "scopes", as: String.self)),
            createdAt: DatabaseTime.date(try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: DatabaseTime.optionalDate(try row.decode(column: "expires_at", as: Int64?.self)),
            revokedAt: DatabaseTime.optionalDate(try row.decode(column: "revoked_at", as: Int64?.self)),
            lastUsedAt: DatabaseTime.optionalDate(try row.decode(column: "last_used_at", as: Int64?.self)),
            requestsPerMinute: try row.decode(column: "rpm_limit", as: Int?.self),
            tokensPerMinute: try row.decode(column: "tpm_limit", as: Int?.self),
            budget: try BudgetColumns.decode(row))
    }
}

/// The `budget_cost`, `budget_tokens` and `budget_period` columns of keys and users.
enum BudgetColumns {
    static func decode(_ row: any SQLRow) throws -> Budget? {
        let cost = try row.decode(column: "budget_cost", as: Double?.self)
        let tokens = try row.decode(column: "budget_tokens", as: Int?.self)
        guard cost != nil || tokens != nil else { return nil }
        let period = try row.decode(column: "budget_period", as: String?.self).flatMap(Budget.Period.init) ?? .month
        return Budget(cost: cost, tokens: tokens, period: period)
    }
}
