import Crypto
import Foundation
import SQLKit

/// The Ed25519 signing keys in `signing_keys`. Generated here on first need, never defaulted or
/// configured, so every replica on one database signs and verifies with the same keys.
///
/// The newest key that is not retired signs. Verification accepts every key that is not retired
/// and the most recently retired one, so that a rotation logs nobody out.
enum SigningKeyStore {
    static let algorithm = "EdDSA"

    struct Key: Sendable {
        var kid: String
        var privateKey: Curve25519.Signing.PrivateKey
        var createdAt: Int64
        var retiredAt: Int64?
    }

    /// The key to sign with, generated when there is none.
    static func current(at date: Date, on sql: any SQLDatabase) async throws -> Key {
        if let key = try await keys(on: sql).first(where: { $0.retiredAt == nil }) { return key }
        return try await generate(at: date, on: sql)
    }

    /// The keys a token may be signed with: every active key and the most recently retired one.
    static func verificationKeys(on sql: any SQLDatabase) async throws -> [Key] {
        let all = try await keys(on: sql)
        let active = all.filter { $0.retiredAt == nil }
        let previous = all.filter { $0.retiredAt != nil }.max { ($0.retiredAt ?? 0) < ($1.retiredAt ?? 0) }
        return active + (previous.map { [$0] } ?? [])
    }

    /// Retires every active key and makes a new one.
    static func rotate(at date: Date, on sql: any SQLDatabase) async throws -> Key {
        try await sql.raw(
            "UPDATE signing_keys SET retired_at = \(bind: DatabaseTime.milliseconds(date)) WHERE retired_at IS NULL"
        ).run()
        return try await generate(at: date, on: sql)
    }

    private static func generate(at date: Date, on sql: any SQLDatabase) async throws -> Key {
        let privateKey = Curve25519.Signing.PrivateKey()
        let key = Key(
            kid: SecretHashing.randomHex(bytes: 8), privateKey: privateKey, createdAt: DatabaseTime.milliseconds(date),
            retiredAt: nil)
        try await sql.raw(
            """
            INSERT INTO signing_keys (kid, algorithm, private_key, public_key, created_at)
            VALUES (\(bind: key.kid), \(bind: algorithm), \(bind: privateKey.rawRepresentation.base64EncodedString()),
                \(bind: privateKey.publicKey.rawRepresentation.base64EncodedString()), \(bind: key.createdAt))
            """
        ).run()
        return key
    }

    /// Every Ed25519 key, newest first.
    private static func keys(on sql: any SQLDatabase) async throws -> [Key] {
        try await sql.raw(
            """
            SELECT kid, private_key, created_at, retired_at FROM signing_keys
            WHERE algorithm = \(bind: algorithm) ORDER BY created_at DESC, kid
            """
        ).all().map { row in
            let encoded = try row.decode(column: "private_key", as: String.self)
            guard let raw = Data(base64Encoded: encoded),
                let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else {
                throw AccountsFailure.conflict("a stored signing key is damaged", hint: "rotate the signing keys")
            }
            return Key(
                kid: try row.decode(column: "kid", as: String.self), privateKey: privateKey,
                createdAt: try row.decode(column: "created_at", as: Int64.self),
                retiredAt: try row.decode(column: "retired_at", as: Int64?.self))
        }
    }
}
