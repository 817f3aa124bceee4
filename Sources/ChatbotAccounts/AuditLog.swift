public import Foundation
import SQLKit

/// The append-only audit log: logins, refresh-token reuse, key creation and revocation, role
/// changes, disabling and enabling, deletions, backups.
public struct AuditLog: Sendable {
    private let database: any AccountsDatabase
    private let now: @Sendable () -> Date

    /// An audit log on `database`.
    public init(database: any AccountsDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// Appends one entry (its `id` is ignored).
    public func append(_ entry: AuditEntry) async throws {
        try await database.withTransaction { sql in try await Self.append(entry, on: sql) }
    }

    /// Appends an entry for `caller` doing `action` to `target`, now.
    public func record(
        _ action: String, target: String?, detail: [String: String] = [:], by caller: Caller?
    ) async throws {
        try await append(
            AuditEntry(
                at: now(), actorID: caller?.userID, actorName: caller?.name, action: action, target: target,
                detail: detail, ip: caller?.ip))
    }

    /// The newest `limit` entries at or after `since` (all times when `nil`), oldest first.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for a limit below 1.
    public func entries(since: Date? = nil, limit: Int = 100) async throws -> [AuditEntry] {
        guard limit >= 1 else { throw AccountsFailure.usage("the limit must be at least 1") }
        let sinceMilliseconds = since.map(DatabaseTime.milliseconds) ?? Int64.min
        let rows = try await database.withTransaction { sql in
            try await sql.raw(
                """
                SELECT id, at, actor_id, actor_name, action, target, detail, ip FROM audit_log
                WHERE at >= \(bind: sinceMilliseconds) ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.entry)
        }
        return rows.reversed()
    }

    /// Appends `entry` inside a caller's transaction, so that it commits with the change it records.
    static func append(_ entry: AuditEntry, on sql: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let detail = String(decoding: try encoder.encode(entry.detail), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip)
            VALUES (\(bind: DatabaseTime.milliseconds(entry.at)), \(bind: entry.actorID), \(bind: entry.actorName),
                \(bind: entry.action), \(bind: entry.target), \(bind: detail), \(bind: entry.ip))
            """
        ).run()
    }

    /// Appends an entry for `caller` inside a transaction.
    static func record(
        _ action: String, target: String?, detail: [String: String] = [:], by caller: Caller?, at date: Date,
        on sql: any SQLDatabase
    ) async throws {
        try await append(
            AuditEntry(
                at: date, actorID: caller?.userID, actorName: caller?.name, action: action, target: target,
                detail: detail, ip: caller?.ip),
            on: sql)
    }

    private static func entry(_ row: any SQLRow) throws -> AuditEntry {
        let detailText = try row.decode(column: "detail", as: String.self)
        let detail = (try? JSONDecoder().decode([String: String].self, from: Data(detailText.utf8))) ?? [:]
        return AuditEntry(
            id: try row.decode(column: "id", as: Int64.self),
            at: DatabaseTime.date(try row.decode(column: "at", as: Int64.self)),
            actorID: try row.decode(column: "actor_id", as: String?.self),
            actorName: try row.decode(column: "actor_name", as: String?.self),
            action: try row.decode(column: "action", as: String.self),
            target: try row.decode(column: "target", as: String?.self),
            detail: detail,
            ip: try row.decode(column: "ip", as: String?.self))
    }
}
