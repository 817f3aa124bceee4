import ChatbotAccounts
import ChatbotCore
import Foundation

/// The budgets of a request: its API key's own, and its user's (the user's own, else the role's,
/// else the server's `limits.user_budget`). Checked before any provider is called; an exhausted
/// one is a 429 `budget-exceeded` (`insufficient_quota` on `/v1`).
struct ServerBudgets: Sendable {
    let settings: LimitSettings
    let budgetGuard: BudgetGuard

    /// The budget that applies to `user`, if any.
    func budget(of user: User) -> Budget? {
        user.limits.budget ?? settings.roles[user.role.rawValue]?.userBudget ?? settings.userBudget
    }

    /// The budgets a request by `identity` spends from.
    func budgets(for identity: Identity) -> [(subject: BudgetSubject, budget: Budget)] {
        var budgets: [(subject: BudgetSubject, budget: Budget)] = []
        if let key = identity.key, let budget = key.budget, budget.isLimited {
            budgets.append((.key(id: key.id, name: key.name), budget))
        }
        if let budget = budget(of: identity.user), budget.isLimited {
            budgets.append((.user(id: identity.user.id, name: identity.user.name), budget))
        }
        return budgets
    }

    /// Throws ``BudgetExceeded`` when one of the request's budgets is used up.
    func check(_ identity: Identity) async throws {
        try await budgetGuard.check(budgets(for: identity))
    }

    /// Where each of `identity`'s budgets stands.
    func statuses(for identity: Identity) async throws -> [BudgetStatus] {
        var statuses: [BudgetStatus] = []
        for (subject, budget) in budgets(for: identity) {
            statuses.append(try await budgetGuard.status(of: subject, budget: budget))
        }
        return statuses
    }

    /// Where `user`'s own budget stands (for an admin's view of someone else), if one applies.
    func status(of user: User) async throws -> BudgetStatus? {
        guard let budget = budget(of: user), budget.isLimited else { return nil }
        return try await budgetGuard.status(of: .user(id: user.id, name: user.name), budget: budget)
    }
}
