import ChatbotStorage
public import Foundation
import SQLKit

/// Counts the answers a user is streaming now, over every process on one database, so that a
/// limit of concurrent streams holds across replicas. Behind a protocol like ``RateLimiter``.
public protocol StreamSlots: Sendable {
    /// Takes one of `user`'s `limit` slots, or returns `nil` when all are taken. A slot lives
    /// until ``release(_:)`` or, when its process died, ``StreamSlotsDefaults/lifetime`` after its
    /// last ``renew(_:at:)``.
    func acquire(user: String, limit: Int, at date: Date) async throws -> String?
    /// Keeps a slot alive.
    func renew(_ slot: String, at date: Date) async throws
    /// Gives a slot back.
    func release(_ slot: String) async throws
}

/// The lifetime of a slot that is not renewed.
public enum StreamSlotsDefaults {
    /// A slot of a process that died stops counting this long after its last renewal.
    public static let lifetime: TimeInterval = 60
    /// How often a running stream renews its slot.
    public static let renewal: Duration = .seconds(20)
}

/// ``StreamSlots`` in the `active_streams` table: one row per stream with an expiry. Taking a
/// slot is one transaction that drops the user's expired rows, counts the rest and inserts one;
/// on PostgreSQL a transaction-scoped advisory lock on the user serializes it, SQLite's write
/// transactions are serialized already, so two processes never both take the last slot.
public struct SQLStreamSlots: StreamSlots {
    let database: any AccountsDatabase

    /// Slots in `database`.
    public init(database: any AccountsDatabase) {
        self.database = database
    }

    /// Takes a slot of `user`'s `limit`, or `nil` when all are taken.
    public func acquire(user: String, limit: Int, at date: Date) async throws -> String? {
        let now = DatabaseTime.milliseconds(date)
        let expires = now + Int64(StreamSlotsDefaults.lifetime * 1_000)
        let id = UUID().uuidString.lowercased()
        let postgres = database.backend == .postgres
        return try await database.withTransaction { sql in
            if postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "streams:" + user)))").run()
            }
            try await sql.raw(
                "DELETE FROM active_streams WHERE user_id = \(bind: user) AND expires_at <= \(bind: now)"
            ).run()
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM active_streams WHERE user_id = \(bind: user)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < limit else { return nil }
            try await sql.raw(
                """
                INSERT INTO active_streams (id, user_id, expires_at) VALUES (\(bind: id), \(bind: user), \(bind: expires))
                """
            ).run()
            return id
        }
    }

    /// Moves the slot's expiry a lifetime past `date`.
    public func renew(_ slot: String, at date: Date) async throws {
        let expires = DatabaseTime.milliseconds(date) + Int64(StreamSlotsDefaults.lifetime * 1_000)
        try await database.withoutTransaction { sql in
            try await sql.raw("UPDATE active_streams SET expires_at = \(bind: expires) WHERE id = \(bind: slot)").run()
        }
    }

    /// Deletes the slot.
    public func release(_ slot: String) async throws {
        try await database.withoutTransaction { sql in
            try await sql.raw("DELETE FROM active_streams WHERE id = \(bind: slot)").run()
        }
    }
}
