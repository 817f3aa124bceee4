public import ChatbotCore
public import Foundation
import SQLKit

extension SQLConversationStore {
    /// Token and cost totals per provider and model for assistant messages created in
    /// `[from, to)` (either end open when `nil`), ordered by provider and model. Messages without a
    /// provider or model are counted under `"unknown"`.
    public func usageTotals(from: Date?, to: Date?) async throws -> [UsageTotal] {
        let lower = from.map(DatabaseTimestamp.milliseconds) ?? Int64.min
        let upper = to.map(DatabaseTimestamp.milliseconds) ?? Int64.max
        // CASTs keep the result types equal across backends (PostgreSQL's SUM(bigint) is numeric).
        let rows = try await access.perform { database in
            try await database.raw(
                """
                SELECT COALESCE(provider, 'unknown') AS provider, COALESCE(model, 'unknown') AS model, \
                COUNT(*) AS messages, \
                CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT) AS prompt_tokens, \
                CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT) AS completion_tokens, \
                CAST(COALESCE(SUM(cost), 0) AS DOUBLE PRECISION) AS cost \
                FROM messages \
                WHERE role = 'assistant' AND created_at >= \(bind: lower) AND created_at < \(bind: upper) \
                GROUP BY COALESCE(provider, 'unknown'), COALESCE(model, 'unknown') \
                ORDER BY provider, model
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
