import ChatbotAccounts
import ChatbotCore
import ChatbotStorage
import Foundation
import Hummingbird

/// `GET /api/usage`: tokens and cost of the caller's answers over a period (asks, and `/v1`
/// completions with their keys), per model and per key; an admin may ask for another user's
/// (`user=NAME`) or for everyone's per user (`all=true`).
struct UsageRoutes {
    let accounts: ServerAccounts
    let database: any SQLDatabaseStore
    let budgets: ServerBudgets

    /// Where a budget stands: its limits, the current period's spending, what is left and when
    /// it renews.
    struct BudgetView: Codable, Sendable {
        /// `key` or `user`.
        var scope: String
        /// The key's or the user's name.
        var name: String
        var period: String
        var costLimit: Double?
        var tokenLimit: Int?
        var spentCost: Double
        var spentTokens: Int
        var remainingCost: Double?
        var remainingTokens: Int?
        var exhausted: Bool
        var periodStart: Date
        var resetsAt: Date

        init(_ status: BudgetStatus) {
            switch status.subject {
            case .key(_, let name):
                scope = "key"
                self.name = name
            case .user(_, let name):
                scope = "user"
                self.name = name
            case .commandLine:
                scope = "user"
                name = "local"
            }
            period = status.budget.period.rawValue
            costLimit = status.budget.cost
            tokenLimit = status.budget.tokens
            spentCost = status.spent.cost
            spentTokens = status.spent.tokens
            remainingCost = status.remainingCost
            remainingTokens = status.remainingTokens
            exhausted = status.isExhausted
            periodStart = status.periodStart
            resetsAt = status.resetsAt
        }
    }

    struct Total: Codable, Sendable {
        var answers: Int
        var promptTokens: Int
        var completionTokens: Int
        var cost: Double
    }

    struct ModelTotal: Codable, Sendable {
        var provider: String
        var model: String
        var answers: Int
        var promptTokens: Int
        var completionTokens: Int
        var cost: Double
    }

    struct GroupTotal: Codable, Sendable {
        /// The key or user id; `null` for answers without a key (asks).
        var id: String?
        /// The key's prefix and name, or the user's name.
        var name: String
        var answers: Int
        var promptTokens: Int
        var completionTokens: Int
        var cost: Double

        enum CodingKeys: String, CodingKey {
            case id, name, answers, promptTokens, completionTokens, cost
        }

        /// Every field, `id` as `null` when there is none (the document makes it required).
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(answers, forKey: .answers)
            try container.encode(promptTokens, forKey: .promptTokens)
            try container.encode(completionTokens, forKey: .completionTokens)
            try container.encode(cost, forKey: .cost)
        }
    }

    struct Report: ResponseEncodable, Codable {
        var from: Date?
        var to: Date?
        /// Whose answers: a user's name, or `null` for everyone's.
        var user: String?
        var total: Total
        var models: [ModelTotal]
        var keys: [GroupTotal]?
        var users: [GroupTotal]?
        /// The budgets that apply, each with what remains (the caller's: its key's and its own).
        var budgets: [BudgetView] = []
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/usage") { request, context in try await usage(request, context) }
    }

    private func usage(_ request: Request, _ context: ServerContext) async throws -> Report {
        let identity = try context.requireIdentity()
        let query = request.uri.queryParameters
        let from = try Self.date(query.get("since"), name: "since")
        let to = try Self.date(query.get("until"), name: "until")
        let everyone = ["true", "1", "yes"].contains(query.get("all")?.lowercased() ?? "")
        let named = query.get("user")
        let caller = identity.caller(ip: context.clientAddress)
        if everyone || (named != nil && named?.lowercased() != identity.user.name) {
            guard caller.role == .admin else {
                throw ServerError.forbidden("only admins see other users' usage")
            }
        }
        if everyone {
            let store = database.conversations
            let models = try await store.usageTotals(from: from, to: to)
            var names: [String: String] = [:]
            for user in try await accounts.accounts.users() { names[user.id] = user.name }
            let users = try await store.usageTotals(from: from, to: to, by: .user).map { total in
                GroupTotal(
                    id: total.id, name: total.id.flatMap { names[$0] } ?? "(deleted)", answers: total.answers,
                    promptTokens: total.promptTokens, completionTokens: total.completionTokens, cost: total.cost)
            }
            return Report(
                from: from, to: to, user: nil, total: Self.total(models), models: models.map(Self.model), users: users)
        }
        var user = identity.user
        if let named { user = try await accounts.accounts.user(named: named) }
        let store = database.conversations(ownedBy: user.id)
        let models = try await store.usageTotals(from: from, to: to)
        var keyNames: [String: String] = [:]
        for key in try await accounts.keys.list(owner: user.name, by: caller) {
            keyNames[key.id] = "\(key.prefix) \(key.name)"
        }
        let keys = try await store.usageTotals(from: from, to: to, by: .key).map { total in
            GroupTotal(
                id: total.id, name: total.id.map { keyNames[$0] ?? "(deleted key)" } ?? "(no key)",
                answers: total.answers, promptTokens: total.promptTokens, completionTokens: total.completionTokens,
                cost: total.cost)
        }
        // The caller's own budgets (its key's and its own); another user's own for an admin.
        let statuses =
            user.id == identity.user.id
            ? try await budgets.statuses(for: identity) : try await budgets.status(of: user).map { [$0] } ?? []
        return Report(
            from: from, to: to, user: user.name, total: Self.total(models), models: models.map(Self.model), keys: keys,
            budgets: statuses.map(BudgetView.init))
    }

    private static func total(_ models: [UsageTotal]) -> Total {
        Total(
            answers: models.map(\.messages).reduce(0, +), promptTokens: models.map(\.promptTokens).reduce(0, +),
            completionTokens: models.map(\.completionTokens).reduce(0, +), cost: models.map(\.cost).reduce(0, +))
    }

    private static func model(_ total: UsageTotal) -> ModelTotal {
        ModelTotal(
            provider: total.provider, model: total.model, answers: total.messages, promptTokens: total.promptTokens,
            completionTokens: total.completionTokens, cost: total.cost)
    }

    /// `YYYY-MM-DD` (UTC midnight) or an ISO 8601 time; 400 otherwise.
    static func date(_ text: String?, name: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = PeriodBound.parse(text) { return date }
        throw ServerError.badRequest("\(name) must be a date (YYYY-MM-DD) or an ISO 8601 time")
    }
}
