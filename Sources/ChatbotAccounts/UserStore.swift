import ChatbotCore
import Foundation
import SQLKit

/// The `users` table, inside a caller's transaction. Only this type reads `password_hash`.
enum UserStore {
    static let columns = """
        id, name, email, password_hash, role, disabled, created_at, token_version, rpm_limit, stream_limit, \
        budget_cost, budget_tokens, budget_period
        """

    /// A user and its password hash.
    struct Row: Sendable {
        var user: User
        var passwordHash: String?
    }

    static func insert(_ user: User, passwordHash: String?, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO users (id, name, email, password_hash, role, disabled, created_at, token_version)
            VALUES (\(bind: user.id), \(bind: user.name), \(bind: user.email), \(bind: passwordHash),
                \(bind: user.role.rawValue), \(bind: user.isDisabled), \(bind: DatabaseTime.milliseconds(user.createdAt)),
                \(bind: user.tokenVersion))
            """
        ).run()
    }

    static func find(name: String, on sql: any SQLDatabase) async throws -> Row? {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM users WHERE name = \(bind: name)").first().map(row)
    }

    static func find(id: String, on sql: any SQLDatabase) async throws -> Row? {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM users WHERE id = \(bind: id)").first().map(row)
    }

    static func all(on sql: any SQLDatabase) async throws -> [User] {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM users ORDER BY name").all().map { try row($0).user }
    }

    /// Enabled admins other than `excluding`.
    static func otherEnabledAdmins(excluding id: String, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM users
            WHERE role = 'admin' AND disabled = \(bind: false) AND id <> \(bind: id)
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Sets the role, status or password hash of `id` and bumps its token version, so that every
    /// access token issued before is refused.
    static func update(
        id: String, role: Role? = nil, disabled: Bool? = nil, passwordHash: String? = nil, on sql: any SQLDatabase
    ) async throws {
        if let role {
            try await sql.raw("UPDATE users SET role = \(bind: role.rawValue) WHERE id = \(bind: id)").run()
        }
        if let disabled {
            try await sql.raw("UPDATE users SET disabled = \(bind: disabled) WHERE id = \(bind: id)").run()
        }
        if let passwordHash {
            try await sql.raw("UPDATE users SET password_hash = \(bind: passwordHash) WHERE id = \(bind: id)").run()
        }
        try await sql.raw("UPDATE users SET token_version = token_version + 1 WHERE id = \(bind: id)").run()
    }

    /// Replaces the user's own limits (no token-version bump: limits are read at each request).
    static func setLimits(id: String, _ limits: UserLimits, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE users SET rpm_limit = \(bind: limits.requestsPerMinute), stream_limit = \(bind: limits.streams),
                budget_cost = \(bind: limits.budget?.cost), budget_tokens = \(bind: limits.budget?.tokens),
                budget_period = \(bind: limits.budget?.period.rawValue)
            WHERE id = \(bind: id)
            """
        ).run()
    }

    static func delete(id: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM users WHERE id = \(bind: id)").run()
    }

    static func row(_ row: any SQLRow) throws -> Row {
        let roleText = try row.decode(column: "role", as: String.self)
        guard let role = Role(rawValue: roleText) else {
            throw AccountsFailure.conflict("a user has the unknown role '\(roleText)'", hint: "upgrade chatbot")
        }
        let hash = try row.decode(column: "password_hash", as: String?.self)
        var user = User(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String?.self),
            role: role,
            isDisabled: try row.decode(column: "disabled", as: Bool.self),
            createdAt: DatabaseTime.date(try row.decode(column: "created_at", as: Int64.self)),
            tokenVersion: try row.decode(column: "token_version", as: Int64.self),
            hasPassword: hash != nil)
        user.limits = UserLimits(
            requestsPerMinute: try row.decode(column: "rpm_limit", as: Int?.self),
            streams: try row.decode(column: "stream_limit", as: Int?.self),
            budget: try BudgetColumns.decode(row))
        return Row(user: user, passwordHash: hash)
    }
}
