import ChatbotCore
public import Foundation
import SQLKit

/// Users: add, list, show, change role, disable and enable, change password, delete, and check a
/// login. Every change that takes rights away (role, status, password) also revokes the user's
/// refresh-token families and bumps its token version, so its access tokens are refused at once
/// on every replica. Changes are written to the audit log in the same transaction.
public struct AccountService: Sendable {
    private let database: any AccountsDatabase
    private let hasher: PasswordHasher
    private let now: @Sendable () -> Date

    /// A service on `database`, hashing with bcrypt at cost 12.
    public init(database: any AccountsDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(database: database, hasher: PasswordHasher(), now: now)
    }

    /// A service on `database` hashing with `hasher`.
    public init(
        database: any AccountsDatabase, hasher: PasswordHasher, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.hasher = hasher
        self.now = now
    }

    /// The password hasher (the server warms its dummy hash at start-up).
    public var passwordHasher: PasswordHasher { hasher }

    /// The CLI's user `local` (admin, no password), created when missing.
    ///
    /// - Throws: ``ChatbotError`` (`.conflict`) when another user already took the name `local`.
    public func ensureLocalUser() async throws -> User {
        let created = now()
        return try await database.withTransaction { sql in
            if let existing = try await UserStore.find(id: LocalUser.id, on: sql) { return existing.user }
            if try await UserStore.find(name: LocalUser.name, on: sql) != nil {
                throw AccountsFailure.conflict(
                    "another user is called '\(LocalUser.name)', the name of the command line's user",
                    hint: "rename or delete that user")
            }
            let user = User(
                id: LocalUser.id, name: LocalUser.name, email: nil, role: .admin, isDisabled: false,
                createdAt: created, tokenVersion: 0, hasPassword: false)
            try await UserStore.insert(user, passwordHash: nil, on: sql)
            return user
        }
    }

    /// Adds a user.
    ///
    /// - Throws: ``ChatbotError``: (`.usage`) a bad name or a password outside ``PasswordPolicy``;
    ///   (`.conflict`) the name is taken; (`.forbidden`) the caller is not an admin.
    @discardableResult
    public func addUser(
        name: String, email: String? = nil, role: Role = .member, password: String, by caller: Caller
    ) async throws -> User {
        try caller.requireAdmin("add users")
        let name = try Self.validatedName(name)
        let email = try Self.validatedEmail(email)
        try PasswordPolicy.validate(password)
        let hash = try await hasher.hash(password)
        let date = now()
        let user = User(
            id: UUID().uuidString.lowercased(), name: name, email: email, role: role, isDisabled: false,
            createdAt: date, tokenVersion: 0, hasPassword: true)
        try await database.withTransaction { sql in
            if try await UserStore.find(name: name, on: sql) != nil {
                throw AccountsFailure.conflict("a user called '\(name)' already exists")
            }
            try await UserStore.insert(user, passwordHash: hash, on: sql)
            try await AuditLog.record(
                "user.created", target: name, detail: ["role": role.rawValue], by: caller, at: date, on: sql)
        }
        return user
    }

    /// Every user, by name.
    public func users() async throws -> [User] {
        try await database.withTransaction { sql in try await UserStore.all(on: sql) }
    }

    /// The user called `name`.
    ///
    /// - Throws: ``ChatbotError`` (`.notFound`).
    public func user(named name: String) async throws -> User {
        let name = name.lowercased()
        return try await database.withTransaction { sql in try await Self.require(name, on: sql).user }
    }

    /// The user with `id`, or `nil`.
    public func user(id: String) async throws -> User? {
        try await database.withTransaction { sql in try await UserStore.find(id: id, on: sql)?.user }
    }

    /// Gives `name` the role `role`; its tokens are revoked (they carry the old role).
    ///
    /// - Throws: ``ChatbotError``: (`.notFound`); (`.conflict`) it would leave no enabled admin;
    ///   (`.forbidden`) the caller is not an admin.
    @discardableResult
    public func setRole(_ role: Role, of name: String, by caller: Caller) async throws -> User {
        try caller.requireAdmin("change roles")
        let date = now()
        return try await database.withTransaction { sql in
            let current = try await Self.require(name.lowercased(), on: sql).user
            guard current.role != role else { return current }
            if current.role == .admin, !current.isDisabled {
                try await Self.requireAnotherAdmin(than: current, doing: "demote", on: sql)
            }
            try await UserStore.update(id: current.id, role: role, on: sql)
            try await RefreshTokenStore.revokeAll(userID: current.id, at: date, on: sql)
            try await AuditLog.record(
                "user.role_changed", target: current.name,
                detail: ["from": current.role.rawValue, "to": role.rawValue],
                by: caller, at: date, on: sql)
            return try await Self.require(current.name, on: sql).user
        }
    }

    /// Replaces the own limits of `name` (requests per minute, concurrent streams, budget); empty
    /// limits fall back to the role's and the server's. Audited.
    ///
    /// - Throws: ``ChatbotError``: (`.notFound`); (`.usage`) a limit out of range; (`.forbidden`)
    ///   the caller is not an admin.
    @discardableResult
    public func setLimits(_ limits: UserLimits, of name: String, by caller: Caller) async throws -> User {
        try caller.requireAdmin("set limits")
        if let rpm = limits.requestsPerMinute, !(1...1_000_000).contains(rpm) {
            throw AccountsFailure.usage("requests per minute must be 1 to 1000000")
        }
        if let streams = limits.streams, !(1...10_000).contains(streams) {
            throw AccountsFailure.usage("concurrent streams must be 1 to 10000")
        }
        let date = now()
        return try await database.withTransaction { sql in
            let current = try await Self.require(name.lowercased(), on: sql).user
            try await UserStore.setLimits(id: current.id, limits, on: sql)
            var detail: [String: String] = [:]
            if let rpm = limits.requestsPerMinute { detail["rpm"] = String(rpm) }
            if let streams = limits.streams { detail["streams"] = String(streams) }
            if let budget = limits.budget { detail["budget"] = budget.summary }
            try await AuditLog.record(
                "user.limits_changed", target: current.name, detail: detail, by: caller, at: date, on: sql)
            return try await Self.require(current.name, on: sql).user
        }
    }

    /// Disables or enables `name`. Disabling revokes its tokens; its API keys are refused while it
    /// stays disabled.
    ///
    /// - Throws: ``ChatbotError``: (`.notFound`); (`.conflict`) it would leave no enabled admin;
    ///   (`.forbidden`) the caller is not an admin.
    @discardableResult
    public func setDisabled(_ disabled: Bool, of name: String, by caller: Caller) async throws -> User {
        try caller.requireAdmin(disabled ? "disable users" : "enable users")
        let date = now()
        return try await database.withTransaction { sql in
            let current = try await Self.require(name.lowercased(), on: sql).user
            guard current.isDisabled != disabled else { return current }
            if disabled, current.role == .admin {
                try await Self.requireAnotherAdmin(than: current, doing: "disable", on: sql)
            }
            try await UserStore.update(id: current.id, disabled: disabled, on: sql)
            try await RefreshTokenStore.revokeAll(userID: current.id, at: date, on: sql)
            try await AuditLog.record(
                disabled ? "user.disabled" : "user.enabled", target: current.name, by: caller, at: date, on: sql)
            return try await Self.require(current.name, on: sql).user
        }
    }

    /// Sets the password of `name` (an admin for anyone, a user for itself); its tokens are revoked.
    ///
    /// - Throws: ``ChatbotError``: (`.usage`) outside ``PasswordPolicy``; (`.notFound`);
    ///   (`.forbidden`) a non-admin changing another user's password.
    public func setPassword(_ password: String, of name: String, by caller: Caller) async throws {
        try PasswordPolicy.validate(password)
        let hash = try await hasher.hash(password)
        let date = now()
        try await database.withTransaction { sql in
            let current = try await Self.require(name.lowercased(), on: sql).user
            if current.id != caller.userID { try caller.requireAdmin("change another user's password") }
            try await UserStore.update(id: current.id, passwordHash: hash, on: sql)
            try await RefreshTokenStore.revokeAll(userID: current.id, at: date, on: sql)
            try await AuditLog.record("user.password_changed", target: current.name, by: caller, at: date, on: sql)
        }
    }

    /// Deletes `name` with its refresh tokens and API keys. Its conversations, collections and
    /// documents stay (owned by an id no user has) until an admin gives them to someone.
    ///
    /// - Throws: ``ChatbotError``: (`.notFound`); (`.conflict`) the local user, or the last enabled
    ///   admin; (`.forbidden`) the caller is not an admin.
    public func deleteUser(named name: String, by caller: Caller) async throws {
        try caller.requireAdmin("delete users")
        let date = now()
        try await database.withTransaction { sql in
            let current = try await Self.require(name.lowercased(), on: sql).user
            guard current.id != LocalUser.id else {
                throw AccountsFailure.conflict(
                    "the user '\(LocalUser.name)' is the command line's own user and cannot be deleted",
                    hint: "disable it instead")
            }
            if current.role == .admin, !current.isDisabled {
                try await Self.requireAnotherAdmin(than: current, doing: "delete", on: sql)
            }
            try await UserStore.delete(id: current.id, on: sql)
            try await AuditLog.record(
                "user.deleted", target: current.name, detail: ["id": current.id], by: caller, at: date, on: sql)
        }
    }

    /// The user whose name and password these are.
    ///
    /// An unknown name, a wrong password, a user without a password and a disabled user all give
    /// the same error after the same bcrypt work, so neither the answer nor its timing says which.
    ///
    /// - Throws: ``ChatbotError`` (`.unauthorized`) "invalid credentials".
    public func authenticate(name: String, password: String) async throws -> User {
        let candidate: UserStore.Row? =
            (try? Self.validatedName(name)) == nil
            ? nil
            : try await database.withTransaction { sql in try await UserStore.find(name: name.lowercased(), on: sql) }
        // Over-long input costs the same bcrypt work (the prehash has a fixed length).
        let matches = try await hasher.verify(password, hash: candidate?.passwordHash)
        guard matches, let user = candidate?.user, !user.isDisabled, password.count <= PasswordPolicy.maximumLength
        else { throw AccountsFailure.invalidCredentials }
        return user
    }

    // MARK: - Rules

    /// A user name: 1 to 64 of `a-z 0-9 . _ -`, starting with a letter or digit; upper case is
    /// folded, so `Alice` and `alice` are one user.
    static func validatedName(_ name: String) throws -> String {
        let folded = name.lowercased()
        let allowed = folded.utf8.allSatisfy { byte in
            (97...122).contains(byte) || (48...57).contains(byte) || byte == 46 || byte == 95 || byte == 45
        }
        guard (1...64).contains(folded.utf8.count), allowed, let first = folded.utf8.first,
            (97...122).contains(first) || (48...57).contains(first)
        else {
            throw AccountsFailure.usage(
                "invalid user name '\(name)'",
                hint: "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return folded
    }

    static func validatedEmail(_ email: String?) throws -> String? {
        guard let email else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw AccountsFailure.usage("invalid e-mail address '\(email)'")
        }
        return email
    }

    static func require(_ name: String, on sql: any SQLDatabase) async throws -> UserStore.Row {
        guard let row = try await UserStore.find(name: name, on: sql) else {
            throw AccountsFailure.notFound("no user called '\(name)'", hint: "list users to see their names")
        }
        return row
    }

    private static func requireAnotherAdmin(than user: User, doing verb: String, on sql: any SQLDatabase) async throws {
        guard try await UserStore.otherEnabledAdmins(excluding: user.id, on: sql) > 0 else {
            throw AccountsFailure.conflict(
                "cannot \(verb) '\(user.name)': it is the last enabled admin", hint: "make another user admin first")
        }
    }
}
