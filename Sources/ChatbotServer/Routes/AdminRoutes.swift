import ChatbotAccounts
import ChatbotCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/api/users` (admins), `/api/keys` (one's own; everyone's for admins) and `/api/audit`
/// (admins): the same account services as `chatbot users|keys|audit`, which check the caller's
/// rights and write the audit log. Bodies name only what may be set: a `role`, `owner` or `id`
/// where it does not belong is ignored, never applied.
struct AdminRoutes {
    let accounts: ServerAccounts
    /// The server's key limits (`limits.key_rpm`, `limits.key_tpm`): only an admin gives a key more.
    var limits = LimitSettings()

    struct NewUser: Decodable {
        var name: String
        var email: String?
        var role: String?
        var password: String
    }

    struct UserChange: Decodable {
        var role: String?
        var disabled: Bool?
    }

    struct PasswordChange: Decodable {
        var password: String
    }

    struct NewKey: Decodable {
        var name: String?
        var scopes: [String]?
        var expiresInDays: Int?
        var user: String?
        /// The key's own requests a minute, instead of `limits.key_rpm`.
        var rpm: Int?
        /// The key's own tokens a minute, instead of `limits.key_tpm`.
        var tpm: Int?
        var budget: BudgetView?
    }

    /// A key's budget: a cost (USD) and/or tokens per `day` or `month` (UTC).
    struct BudgetView: Codable, Sendable {
        var cost: Double?
        var tokens: Int?
        var period: String?

        init(_ budget: Budget) {
            cost = budget.cost
            tokens = budget.tokens
            period = budget.period.rawValue
        }

        /// The budget asked for; a usage error (400) for no amount, a negative one or an unknown period.
        func budget() throws -> Budget {
            guard let budget = try Budget.parse(cost: cost, tokens: tokens, period: period, naming: { "budget.\($0)" })
            else { throw ServerError.badRequest("a budget needs a cost or tokens") }
            return budget
        }
    }

    struct KeyView: ResponseEncodable, Codable {
        var id: String
        var prefix: String
        var user: String
        var name: String
        var scopes: [String]
        var createdAt: Date
        var expiresAt: Date?
        var revokedAt: Date?
        var lastUsedAt: Date?
        /// The key's own limits, when it has any (else the server's apply).
        var rpm: Int?
        var tpm: Int?
        var budget: BudgetView?
        /// The whole key: only in the answer that created it.
        var key: String?

        init(_ key: APIKey, secret: String? = nil) {
            id = key.id
            prefix = key.prefix
            user = key.userName
            name = key.name
            scopes = key.scopes.sorted().map(\.rawValue)
            createdAt = key.createdAt
            expiresAt = key.expiresAt
            revokedAt = key.revokedAt
            lastUsedAt = key.lastUsedAt
            rpm = key.requestsPerMinute
            tpm = key.tokensPerMinute
            budget = key.budget.map(BudgetView.init)
            self.key = secret
        }
    }

    /// A key's own rate limits may lower the server's for anyone, and raise them only for an
    /// admin: otherwise any member could lift their key past `limits.key_rpm` (0, no limit, can
    /// only be lowered). A budget only restricts, so anyone may set one on a key they may create.
    func checkKeyLimits(rpm: Int?, tpm: Int?, caller: Caller) throws {
        guard !caller.isAdmin else { return }
        if let rpm, limits.keyRequestsPerMinute > 0, rpm > limits.keyRequestsPerMinute {
            throw ServerError.forbidden(
                "only an admin may give a key more than the server's \(limits.keyRequestsPerMinute) requests a minute")
        }
        if let tpm, limits.keyTokensPerMinute > 0, tpm > limits.keyTokensPerMinute {
            throw ServerError.forbidden(
                "only an admin may give a key more than the server's \(limits.keyTokensPerMinute) tokens a minute")
        }
    }

    struct AuditView: Codable, Sendable {
        var id: Int64
        var at: Date
        var actor: String?
        var action: String
        var target: String?
        var detail: [String: String]
        var ip: String?
    }

    struct List<Item: Codable & Sendable>: ResponseEncodable {
        var data: [Item]
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/users") { request, context in
            _ = try context.requireAdmin()
            return try List(data: try await accounts.accounts.users().map(UserView.init))
                .response(from: request, context: context)
        }
        group.post("/users") { request, context in
            let caller = try context.requireAdmin()
            let body = try await request.decode(as: NewUser.self, context: context)
            let role = try body.role.map(Role.parse) ?? .member
            let user = try await accounts.accounts.addUser(
                name: body.name, email: body.email, role: role, password: body.password, by: caller)
            var response = try UserView(user).response(from: request, context: context)
            response.status = .created
            return response
        }
        group.get("/users/:name") { _, context in
            _ = try context.requireAdmin()
            return UserView(try await accounts.accounts.user(named: try context.parameters.require("name")))
        }
        group.patch("/users/:name") { request, context in
            let caller = try context.requireAdmin()
            let name = try context.parameters.require("name")
            let body = try await request.decode(as: UserChange.self, context: context)
            var user = try await accounts.accounts.user(named: name)
            if let role = body.role {
                user = try await accounts.accounts.setRole(try Role.parse(role), of: name, by: caller)
            }
            if let disabled = body.disabled {
                user = try await accounts.accounts.setDisabled(disabled, of: name, by: caller)
            }
            return UserView(user)
        }
        group.post("/users/:name/password") { request, context in
            let caller = try context.requireAdmin()
            let body = try await request.decode(as: PasswordChange.self, context: context)
            try await accounts.accounts.setPassword(
                body.password, of: try context.parameters.require("name"), by: caller)
            return Response(status: .noContent)
        }
        group.delete("/users/:name") { _, context in
            let caller = try context.requireAdmin()
            try await accounts.accounts.deleteUser(named: try context.parameters.require("name"), by: caller)
            return Response(status: .noContent)
        }

        group.get("/keys") { request, context in
            let identity = try context.requireIdentity()
            let owner = request.uri.queryParameters.get("user")
            let keys = try await accounts.keys.list(owner: owner, by: identity.caller(ip: context.clientAddress))
            return try List(data: keys.map { KeyView($0) }).response(from: request, context: context)
        }
        group.post("/keys") { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.decode(as: NewKey.self, context: context)
            let scopes = try Set((body.scopes ?? []).map(Scope.parse))
            let caller = identity.caller(ip: context.clientAddress)
            try checkKeyLimits(rpm: body.rpm, tpm: body.tpm, caller: caller)
            let created = try await accounts.keys.create(
                owner: body.user ?? identity.user.name, name: body.name ?? "default", scopes: scopes,
                expiresInDays: body.expiresInDays, requestsPerMinute: body.rpm, tokensPerMinute: body.tpm,
                budget: try body.budget?.budget(), by: caller)
            var response = try KeyView(created.key, secret: created.secret).response(from: request, context: context)
            response.status = .created
            return response
        }
        group.delete("/keys/:id") { _, context in
            let identity = try context.requireIdentity()
            let key = try await accounts.keys.revoke(
                try context.parameters.require("id"), by: identity.caller(ip: context.clientAddress))
            return KeyView(key)
        }

        group.get("/audit") { request, context in
            _ = try context.requireAdmin()
            let since = request.uri.queryParameters.get("since").flatMap { ISO8601DateFormatter().date(from: $0) }
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
            let entries = try await accounts.audit.entries(since: since, limit: limit).map {
                AuditView(
                    id: $0.id, at: $0.at, actor: $0.actorName, action: $0.action, target: $0.target, detail: $0.detail,
                    ip: $0.ip)
            }
            return try List(data: entries).response(from: request, context: context)
        }
    }

}
