import Foundation
import SQLKit

/// The `refresh_tokens` table, inside a caller's transaction. Rows hold SHA-256 of the token only.
enum RefreshTokenStore {
    struct Row: Sendable {
        var familyID: String
        var userID: String
        var expiresAt: Int64
        var rotatedAt: Int64?
        var revokedAt: Int64?
    }

    static func insert(
        hash: String, familyID: String, userID: String, expiresAt: Date, createdAt: Date, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, created_at)
            VALUES (\(bind: hash), \(bind: familyID), \(bind: userID), \(bind: DatabaseTime.milliseconds(expiresAt)),
                \(bind: DatabaseTime.milliseconds(createdAt)))
            """
        ).run()
    }

    static func find(hash: String, on sql: any SQLDatabase) async throws -> Row? {
        try await sql.raw(
            """
            SELECT family_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens
            WHERE token_hash = \(bind: hash)
            """
        ).first().map { row in
            Row(
                familyID: try row.decode(column: "family_id", as: String.self),
                userID: try row.decode(column: "user_id", as: String.self),
                expiresAt: try row.decode(column: "expires_at", as: Int64.self),
                rotatedAt: try row.decode(column: "rotated_at", as: Int64?.self),
                revokedAt: try row.decode(column: "revoked_at", as: Int64?.self))
        }
    }

    /// Marks the token rotated unless it already was (or was revoked); `false` when another
    /// request got there first, which counts as reuse.
    static func markRotated(hash: String, at date: Date, on sql: any SQLDatabase) async throws -> Bool {
        let rows = try await sql.raw(
            """
            UPDATE refresh_tokens SET rotated_at = \(bind: DatabaseTime.milliseconds(date))
            WHERE token_hash = \(bind: hash) AND rotated_at IS NULL AND revoked_at IS NULL
            RETURNING token_hash
            """
        ).all()
        return !rows.isEmpty
    }

    static func revokeFamily(_ familyID: String, at date: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE refresh_tokens SET revoked_at = \(bind: DatabaseTime.milliseconds(date))
            WHERE family_id = \(bind: familyID) AND revoked_at IS NULL
            """
        ).run()
    }

    static func revokeAll(userID: String, at date: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE refresh_tokens SET revoked_at = \(bind: DatabaseTime.milliseconds(date))
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            """
        ).run()
    }
}
