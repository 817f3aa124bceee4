public import Foundation

/// How much a key, a user or the command line may spend per day or per month (UTC): a cost in
/// USD (from the configured per-model prices) and/or a number of tokens (prompt plus completion).
/// An exhausted budget refuses the next answer before any provider is called.
public struct Budget: Sendable, Hashable, Codable {
    /// The calendar period a budget covers; it renews at the period's first instant, UTC.
    public enum Period: String, Sendable, Hashable, Codable, CaseIterable {
        /// From 00:00 UTC to the next 00:00 UTC.
        case day
        /// From the first of the month, 00:00 UTC, to the first of the next.
        case month

        private static let calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar
        }()

        /// The period's first instant for `date`.
        public func start(of date: Date) -> Date {
            let components: Set<Calendar.Component> = self == .day ? [.year, .month, .day] : [.year, .month]
            return Self.calendar.date(from: Self.calendar.dateComponents(components, from: date)) ?? date
        }

        /// The next period's first instant: when a budget spent in `date`'s period renews.
        public func end(of date: Date) -> Date {
            let start = start(of: date)
            return Self.calendar.date(byAdding: self == .day ? .day : .month, value: 1, to: start) ?? start
        }
    }

    /// USD per period; `nil` for no cost limit.
    public var cost: Double?
    /// Tokens per period; `nil` for no token limit.
    public var tokens: Int?
    /// The period.
    public var period: Period

    /// A budget; negative amounts count as none.
    public init(cost: Double? = nil, tokens: Int? = nil, period: Period = .month) {
        self.cost = cost.flatMap { $0 >= 0 ? $0 : nil }
        self.tokens = tokens.flatMap { $0 >= 0 ? $0 : nil }
        self.period = period
    }

    /// A budget from its parts as people write them (the period by name, `month` when absent), or
    /// nil when neither amount is given. The config file, `keys create`/`users set-limits` and
    /// `POST /api/keys` all read budgets this way; `name` spells a part where it was written
    /// (`--budget-cost`, `limits.user_budget.cost in FILE`, `budget.cost`).
    ///
    /// - Throws: ``ChatbotError`` `.usage` for a period other than day or month, or a negative amount.
    public static func parse(
        cost: Double?, tokens: Int?, period: String?, naming name: (String) -> String
    ) throws -> Budget? {
        let periodName = period ?? Period.month.rawValue
        guard let parsed = Period(rawValue: periodName.lowercased()) else {
            throw ChatbotError(.usage, "\(name("period")) is '\(periodName)', not day or month")
        }
        if let cost, !(cost >= 0) { throw ChatbotError(.usage, "\(name("cost")) must not be negative") }
        if let tokens, tokens < 0 { throw ChatbotError(.usage, "\(name("tokens")) must not be negative") }
        guard cost != nil || tokens != nil else { return nil }
        return Budget(cost: cost, tokens: tokens, period: parsed)
    }

    /// Whether the budget limits anything.
    public var isLimited: Bool { cost != nil || tokens != nil }

    /// `$5.00 a month`, `200000 tokens a day`, `$5.00 and 200000 tokens a month`.
    public var summary: String {
        var parts: [String] = []
        if let cost { parts.append(Self.dollars(cost)) }
        if let tokens { parts.append("\(tokens) tokens") }
        return parts.joined(separator: " and ") + " a \(period.rawValue)"
    }

    static func dollars(_ amount: Double) -> String {
        String(format: "$%.2f", amount)
    }
}

/// What a subject has spent in the current period of a budget.
public struct BudgetSpending: Sendable, Hashable, Codable {
    /// Prompt plus completion tokens.
    public var tokens: Int
    /// USD (answers without a configured price count as zero).
    public var cost: Double

    /// Creates spending.
    public init(tokens: Int, cost: Double) {
        self.tokens = tokens
        self.cost = cost
    }
}

/// Whose budget: the subject a ``Budget`` is counted for.
public enum BudgetSubject: Sendable, Hashable {
    /// An API key, by id: the answers asked with it.
    case key(id: String, name: String)
    /// A user, by id: every answer in their conversations and on `/v1`, whatever the credential.
    case user(id: String, name: String)
    /// The command line's own user (`budget:` in the config): the answers `chatbot ask` recorded.
    case commandLine(id: String)

    /// `API key 'ci'`, `user 'alice'`.
    public var label: String {
        switch self {
        case .key(_, let name): "API key '\(name)'"
        case .user(_, let name): "user '\(name)'"
        case .commandLine: "the command line"
        }
    }
}

/// Where a budget stands: its limits, the spending of the current period, what remains and when
/// it renews. `/api/usage` shows it; ``check()`` refuses an exhausted one.
public struct BudgetStatus: Sendable, Hashable {
    /// Whose budget.
    public var subject: BudgetSubject
    /// The limits.
    public var budget: Budget
    /// Spent in the current period.
    public var spent: BudgetSpending
    /// The current period's first instant.
    public var periodStart: Date
    /// When the budget renews.
    public var resetsAt: Date

    /// Creates a status.
    public init(subject: BudgetSubject, budget: Budget, spent: BudgetSpending, periodStart: Date, resetsAt: Date) {
        self.subject = subject
        self.budget = budget
        self.spent = spent
        self.periodStart = periodStart
        self.resetsAt = resetsAt
    }

    /// USD left, when the budget limits cost (never negative).
    public var remainingCost: Double? { budget.cost.map { max(0, $0 - spent.cost) } }
    /// Tokens left, when the budget limits tokens (never negative).
    public var remainingTokens: Int? { budget.tokens.map { max(0, $0 - spent.tokens) } }

    /// Whether nothing is left of the cost or of the tokens.
    public var isExhausted: Bool {
        if let cost = budget.cost, spent.cost >= cost { return true }
        if let tokens = budget.tokens, spent.tokens >= tokens { return true }
        return false
    }

    /// Throws ``BudgetExceeded`` when the budget is used up.
    public func check() throws(BudgetExceeded) {
        guard isExhausted else { return }
        throw BudgetExceeded(status: self)
    }

    /// `2027-01-01T00:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}

/// A refusal because a budget is used up: one line naming the budget, what was spent and when it
/// renews. The CLI exits 75; the server answers 429 `budget-exceeded` (`insufficient_quota` on
/// `/v1`) with `Retry-After` until the renewal.
public struct BudgetExceeded: Error, Sendable, CustomStringConvertible {
    /// The exhausted budget.
    public var status: BudgetStatus

    /// Creates the refusal.
    public init(status: BudgetStatus) {
        self.status = status
    }

    /// The error as every front end reports it.
    public var chatbotError: ChatbotError {
        let budget = status.budget
        let spent = status.spent
        let adjective = budget.period == .day ? "daily" : "monthly"
        let what: String
        if let cost = budget.cost, spent.cost >= cost {
            what =
                "the \(adjective) cost budget of \(Budget.dollars(cost)) for \(status.subject.label) is used up "
                + "(\(Budget.dollars(spent.cost)) spent)"
        } else {
            what =
                "the \(adjective) budget of \(budget.tokens ?? 0) tokens for \(status.subject.label) is used up "
                + "(\(spent.tokens) spent)"
        }
        // One line, no hint: it says which budget, how much was spent and when it renews.
        return ChatbotError(.budgetExceeded, "\(what); it renews at \(BudgetStatus.timestamp(status.resetsAt))")
    }

    /// Whole seconds until the budget renews, from `now` (at least 1).
    public func secondsUntilRenewal(from now: Date) -> Int {
        max(1, Int(status.resetsAt.timeIntervalSince(now).rounded(.up)))
    }

    /// The one-line message.
    public var description: String { chatbotError.message }
}

/// Checks budgets against what the store has recorded: the spending of the current period
/// (answers in conversations and on `/v1`, failed and cut ones with the tokens they used), so
/// every process on one database sees the same. Shared by `chatbot ask` and the server.
public struct BudgetGuard: Sendable {
    let store: any ConversationStore
    let now: @Sendable () -> Date

    /// A guard over `store`'s records; `now` is injectable for tests of the period boundary.
    public init(store: any ConversationStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Where `budget` stands for `subject` now.
    public func status(of subject: BudgetSubject, budget: Budget) async throws -> BudgetStatus {
        let date = now()
        let start = budget.period.start(of: date)
        let spent: BudgetSpending
        switch subject {
        case .key(let id, _): spent = try await store.spending(by: .key, id: id, since: start)
        case .user(let id, _), .commandLine(let id): spent = try await store.spending(by: .user, id: id, since: start)
        }
        return BudgetStatus(
            subject: subject, budget: budget, spent: spent, periodStart: start, resetsAt: budget.period.end(of: date))
    }

    /// Throws ``BudgetExceeded`` for the first used-up budget among `budgets`; call it before
    /// the provider is asked.
    public func check(_ budgets: [(subject: BudgetSubject, budget: Budget)]) async throws {
        for (subject, budget) in budgets where budget.isLimited {
            try await status(of: subject, budget: budget).check()
        }
    }
}
