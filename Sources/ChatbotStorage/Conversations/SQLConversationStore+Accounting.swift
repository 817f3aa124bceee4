public import ChatbotCore
public import Foundation
import SQLKit

extension SQLConversationStore {
    /// Token and cost totals per provider and model for the answers of `[from, to)` (either end
    /// open when `nil`): assistant messages and usage records, ordered by provider and model.
    /// Messages without a provider or model are counted under `"unknown"`. An owned store
    /// (``owned(by:)``) counts its owner's answers only.
    public func usageTotals(from: Date?, to: Date?) async throws -> [UsageTotal] {
        let answers = Self.answers(from: from, to: to, owner: owner)
        // CASTs keep the result types equal across backends (PostgreSQL's SUM(bigint) is numeric).
        let rows = try await access.perform { database in
            try await database.raw(
                """
                SELECT provider, model, COUNT(*) AS messages, \
                CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT) AS prompt_tokens, \
                CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT) AS completion_tokens, \
                CAST(COALESCE(SUM(cost), 0) AS DOUBLE PRECISION) AS cost \
                FROM (\(answers)) AS answers \
                GROUP BY provider, model ORDER BY provider, model
                """
            ).all()
        }
        return try rows.map { row in
            UsageTotal(
                provider: try row.decode(column: "provider", as: String.self),
                model: try row.decode(column: "model", as: String.self),
                messages: try row.decode(column: "messages", as: Int.self),
                promptTokens: try row.decode(column: "prompt_tokens", as: Int.self),
                completionTokens: try row.decode(column: "completion_tokens", as: Int.self),
                cost: try row.decode(column: "cost", as: Double.self)
            )
        }
    }

    /// The same answers totalled per user or per API key, largest cost first (an owned store: its
    /// owner's only).
    public func usageTotals(from: Date?, to: Date?, by grouping: UsageGrouping) async throws -> [UsageGroupTotal] {
        let answers = Self.answers(from: from, to: to, owner: owner)
        let column: SQLQueryString = grouping == .user ? "user_id" : "api_key_id"
        let rows = try await access.perform { database in
            try await database.raw(
                """
                SELECT \(column) AS id, COUNT(*) AS answers, \
                CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT) AS prompt_tokens, \
                CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT) AS completion_tokens, \
                CAST(COALESCE(SUM(cost), 0) AS DOUBLE PRECISION) AS cost \
                FROM (\(answers)) AS answers \
                GROUP BY \(column) ORDER BY cost DESC, answers DESC, id
                """
            ).all()
        }
        return try rows.map { row in
            UsageGroupTotal(
                id: try row.decode(column: "id", as: String?.self),
                answers: try row.decode(column: "answers", as: Int.self),
                promptTokens: try row.decode(column: "prompt_tokens", as: Int.self),
                completionTokens: try row.decode(column: "completion_tokens", as: Int.self),
                cost: try row.decode(column: "cost", as: Double.self)
            )
        }
    }

    /// Every answer of `[from, to)` as one row set: assistant messages (their conversation's
    /// owner as the user, no key) and usage records; `owner`'s only when given.
    private static func answers(from: Date?, to: Date?, owner: String?) -> SQLQueryString {
        let lower = from.map(DatabaseTimestamp.milliseconds) ?? Int64.min
        let upper = to.map(DatabaseTimestamp.milliseconds) ?? Int64.max
        var messageOwner: SQLQueryString = ""
        var recordOwner: SQLQueryString = ""
        if let owner {
            messageOwner = " AND c.owner_id = \(bind: owner)"
            recordOwner = " AND user_id = \(bind: owner)"
        }
        return """
            SELECT COALESCE(m.provider, 'unknown') AS provider, COALESCE(m.model, 'unknown') AS model, \
            c.owner_id AS user_id, CAST(NULL AS TEXT) AS api_key_id, \
            m.prompt_tokens AS prompt_tokens, m.completion_tokens AS completion_tokens, m.cost AS cost \
            FROM messages m JOIN conversations c ON c.id = m.conversation_id \
            WHERE m.role = 'assistant' AND m.created_at >= \(bind: lower) AND m.created_at < \(bind: upper)\
            \(messageOwner) \
            UNION ALL \
            SELECT provider, model, user_id, api_key_id, prompt_tokens, completion_tokens, cost \
            FROM usage_records WHERE at >= \(bind: lower) AND at < \(bind: upper)\(recordOwner)
            """
    }

    /// What a user or an API key has spent since `since` (the store's owner filter does not
    /// apply: budgets are counted over everything the subject asked).
    public func spending(by grouping: UsageGrouping, id: String, since: Date) async throws -> BudgetSpending {
        let lower = DatabaseTimestamp.milliseconds(since)
        let messages: SQLQueryString =
            grouping == .user
            ? "m.conversation_id IN (SELECT id FROM conversations WHERE owner_id = \(bind: id))"
            : "m.api_key_id = \(bind: id)"
        let records: SQLQueryString = grouping == .user ? "user_id = \(bind: id)" : "api_key_id = \(bind: id)"
        // A message without counts (cut before the provider's usage came) counts a quarter of its
        // text's length, as ChatUsage.estimate does.
        let row = try await access.perform { database in
            try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(tokens), 0) AS BIGINT) AS tokens, \
                CAST(COALESCE(SUM(cost), 0) AS DOUBLE PRECISION) AS cost FROM (\
                SELECT COALESCE(m.prompt_tokens, 0) + COALESCE(m.completion_tokens, (LENGTH(m.content) + 3) / 4) \
                AS tokens, m.cost AS cost FROM messages m \
                WHERE m.role = 'assistant' AND m.created_at >= \(bind: lower) AND \(messages) \
                UNION ALL \
                SELECT prompt_tokens + completion_tokens AS tokens, cost FROM usage_records \
                WHERE at >= \(bind: lower) AND \(records)) AS spent
                """
            ).first()
        }
        return BudgetSpending(
            tokens: try row?.decode(column: "tokens", as: Int.self) ?? 0,
            cost: try row?.decode(column: "cost", as: Double.self) ?? 0)
    }

    /// Records answers that leave no message behind, in one transaction.
    public func recordUsage(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        try await access.transaction { database in
            for record in records {
                let at = DatabaseTimestamp.milliseconds(record.at)
                try await database.raw(
                    """
                    INSERT INTO usage_records (at, user_id, api_key_id, source, provider, model, prompt_tokens, \
                    completion_tokens, cost, status) \
                    VALUES (\(bind: at), \(bind: record.userID), \(bind: record.apiKeyID), \(bind: record.source), \
                    \(bind: record.provider), \(bind: record.model), \(bind: record.promptTokens), \
                    \(bind: record.completionTokens), \(bind: record.cost), \(bind: record.status))
                    """
                ).run()
            }
        }
    }

    /// The cached answer for `key`, if any.
    public func cachedResponse(key: String) async throws -> CachedResponse? {
        let row = try await access.perform { database in
            try await database.raw(
                """
                SELECT key, provider, model, content, prompt_tokens, completion_tokens, created_at \
                FROM response_cache WHERE key = \(bind: key)
                """
            ).first()
        }
        guard let row else { return nil }
        let promptTokens = try row.decode(column: "prompt_tokens", as: Int?.self)
        let completionTokens = try row.decode(column: "completion_tokens", as: Int?.self)
        let usage = promptTokens.flatMap { prompt in
            completionTokens.map { ChatUsage(promptTokens: prompt, completionTokens: $0) }
        }
        return CachedResponse(
            key: try row.decode(column: "key", as: String.self),
            provider: try row.decode(column: "provider", as: String.self),
            model: try row.decode(column: "model", as: String.self),
            content: try row.decode(column: "content", as: String.self),
            usage: usage,
            createdAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "created_at", as: Int64.self))
        )
    }

    /// Stores an answer under its key, replacing an older answer for the same key.
    public func storeCachedResponse(_ response: CachedResponse) async throws {
        let createdAt = DatabaseTimestamp.milliseconds(response.createdAt)
        try await access.perform { database in
            try await database.raw(
                """
                INSERT INTO response_cache (key, provider, model, content, prompt_tokens, completion_tokens, created_at) \
                VALUES (\(bind: response.key), \(bind: response.provider), \(bind: response.model), \
                \(bind: response.content), \(bind: response.usage?.promptTokens), \
                \(bind: response.usage?.completionTokens), \(bind: createdAt)) \
                ON CONFLICT (key) DO UPDATE SET provider = excluded.provider, model = excluded.model, \
                content = excluded.content, prompt_tokens = excluded.prompt_tokens, \
                completion_tokens = excluded.completion_tokens, created_at = excluded.created_at
                """
            ).run()
        }
    }
}
