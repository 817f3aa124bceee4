import ChatbotCore
import Foundation
import SQLKit
import Testing

@testable import ChatbotAccounts

@Suite("API keys")
struct APIKeyTests {
    @Test(
        "a key is cbk_<id>_<secret>, shown once, stored as id and SHA-256 of the secret", arguments: AccountsBackend.all
    )
    func formatAndStorage(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("ivy")
            let created = try await f.keys.create(owner: "ivy", name: "laptop", by: f.admin)
            let match = created.secret.wholeMatch(of: /cbk_([0-9a-f]{16})_([0-9a-f]{64})/)
            let parts = try #require(match)
            #expect(String(parts.1) == created.key.id)
            let secret = String(parts.2)

            let rows = try await f.rows("SELECT * FROM api_keys")
            #expect(rows.count == 1)
            let stored = try rows[0].decode(column: "secret_hash", as: String.self)
            #expect(stored == SecretHashing.sha256Hex(secret))
            // The secret appears in no column of any table the key touches.
            let dump = try await f.rows("SELECT id, secret_hash, user_id, name, scopes FROM api_keys").map { row in
                try ["id", "secret_hash", "user_id", "name", "scopes"].map {
                    try row.decode(column: $0, as: String.self)
                }
            }.flatMap { $0 }
            #expect(!dump.contains { $0.contains(secret) })
            let audit = String(decoding: try JSONEncoder().encode(try await f.audit.entries()), as: UTF8.self)
            #expect(!audit.contains(secret) && !audit.contains(stored))

            let listed = try await f.keys.list(owner: "ivy", by: f.admin)
            #expect(listed.map(\.id) == [created.key.id])
            #expect(listed[0].prefix == "cbk_\(created.key.id)_…")
            let json = String(decoding: try JSONEncoder().encode(listed), as: UTF8.self)
            #expect(!json.contains(secret) && !json.contains(stored))

            let used = try await f.keys.authenticate(created.secret)
            #expect(used.user.name == "ivy")
            #expect(used.scopes == [.chat, .documentsRead, .documentsWrite, .jobs])
        }
    }

    @Test("wrong, malformed and unknown keys are refused with one answer", arguments: AccountsBackend.all)
    func refusals(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("jack")
            let created = try await f.keys.create(owner: "jack", by: f.admin)
            let id = created.key.id
            var flipped = Array(created.secret)
            flipped[flipped.count - 1] = flipped.last == "0" ? "1" : "0"
            for bad in [
                String(flipped), "cbk_\(id)_" + String(repeating: "0", count: 64), "cbk_\(id)_", "cbk_\(id)",
                created.secret.uppercased(), created.secret + "0", "Bearer " + created.secret, "",
                "cbk_" + String(repeating: "a", count: 16) + "_" + String(created.secret.suffix(64)),
                created.secret.replacingOccurrences(of: "cbk_", with: "cbx_"),
                "cbk_\(id)_\(SecretHashing.sha256Hex("x"))",
            ] {
                await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate(bad) }
            }
            // The stored hash itself is not a key.
            let stored = try #require(
                try await f.rows("SELECT secret_hash FROM api_keys").first?.decode(
                    column: "secret_hash", as: String.self))
            await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate("cbk_\(id)_\(stored)") }
            _ = try await f.keys.authenticate(created.secret)
        }
    }

    @Test("scopes are limited by the owner's role when minted", arguments: AccountsBackend.all)
    func scopeLimits(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let viewer = Caller(user: try await f.addUser("kate", role: .viewer))
            let member = Caller(user: try await f.addUser("liam", role: .member))
            for scope in [Scope.documentsWrite, .jobs, .admin] {
                await expectError(AccountsFailure.forbiddenKind) {
                    try await f.keys.create(owner: "kate", scopes: [scope], by: viewer)
                }
                // Not even an admin can give a viewer's key more than a viewer may hold.
                await expectError(AccountsFailure.forbiddenKind) {
                    try await f.keys.create(owner: "kate", scopes: [.chat, scope], by: f.admin)
                }
            }
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.keys.create(owner: "liam", scopes: [.admin], by: member)
            }
            #expect(try await f.keys.create(owner: "kate", by: viewer).key.scopes == [.chat, .documentsRead])
            #expect(
                try await f.keys.create(owner: "liam", scopes: [.documentsWrite], by: member).key.scopes == [
                    .documentsWrite
                ])
            #expect(try await f.keys.create(owner: "local", scopes: [.admin], by: f.admin).key.scopes == [.admin])
            // Another user's key: only an admin.
            await expectError(AccountsFailure.forbiddenKind) { try await f.keys.create(owner: "kate", by: member) }
            await expectError(AccountsFailure.forbiddenKind) { try await f.keys.list(owner: "kate", by: member) }
            // A member's list without an owner shows its own keys only.
            #expect(try await f.keys.list(by: member).allSatisfy { $0.userName == "liam" })
            #expect(try await f.keys.list(by: f.admin).count == 3)
        }
    }

    @Test("a demoted owner demotes its keys; a disabled owner's keys are refused", arguments: AccountsBackend.all)
    func ownerChanges(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("mia", role: .admin)
            let key = try await f.keys.create(owner: "mia", scopes: [.admin, .chat, .documentsWrite], by: f.admin)
            #expect(try await f.keys.authenticate(key.secret).scopes == [.admin, .chat, .documentsWrite])
            try await f.accounts.setRole(.viewer, of: "mia", by: f.admin)
            #expect(try await f.keys.authenticate(key.secret).scopes == [.chat])
            try await f.accounts.setDisabled(true, of: "mia", by: f.admin)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate(key.secret) }
            await expectError(.conflict) { try await f.keys.create(owner: "mia", by: f.admin) }
            try await f.accounts.setDisabled(false, of: "mia", by: f.admin)
            _ = try await f.keys.authenticate(key.secret)
            try await f.accounts.deleteUser(named: "mia", by: f.admin)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate(key.secret) }
            #expect(try await f.rows("SELECT id FROM api_keys").isEmpty)
        }
    }

    @Test("revoked and expired keys are refused; revocation is audited", arguments: AccountsBackend.all)
    func revokeAndExpiry(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let owner = Caller(user: try await f.addUser("noah"))
            let other = Caller(user: try await f.addUser("olga"))
            let key = try await f.keys.create(owner: "noah", by: owner)
            // Another non-admin user cannot see or revoke it: not found, not forbidden.
            await expectError(.notFound) { try await f.keys.revoke(key.key.id, by: other) }
            await expectError(.notFound) { try await f.keys.revoke("0123456789abcdef", by: f.admin) }
            let revoked = try await f.keys.revoke(key.key.prefix, by: owner)
            #expect(revoked.revokedAt != nil)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate(key.secret) }

            let expiring = try await f.keys.create(owner: "noah", expiresInDays: 1, by: f.admin)
            _ = try await f.keys.authenticate(expiring.secret)
            f.clock.advance(seconds: 86_400)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.keys.authenticate(expiring.secret) }
            for days in [0, -1, APIKeyService.maximumExpiryDays + 1] {
                await expectError(.usage) { try await f.keys.create(owner: "noah", expiresInDays: days, by: f.admin) }
            }
            let actions = try await f.audit.entries().map(\.action).filter { $0.hasPrefix("api_key.") }
            #expect(actions == ["api_key.created", "api_key.revoked", "api_key.created"])
        }
    }

    @Test("last_used is written at most once a minute", arguments: AccountsBackend.all)
    func lastUsed(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("pia")
            let key = try await f.keys.create(owner: "pia", by: f.admin)
            func stored() async throws -> Int64? {
                try await f.rows("SELECT last_used_at FROM api_keys").first?.decode(
                    column: "last_used_at", as: Int64?.self)
            }
            #expect(try await stored() == nil)
            _ = try await f.keys.authenticate(key.secret)
            let first = try #require(try await stored())
            f.clock.advance(seconds: 30)
            _ = try await f.keys.authenticate(key.secret)
            #expect(try await stored() == first)
            f.clock.advance(seconds: 31)
            _ = try await f.keys.authenticate(key.secret)
            #expect(try await stored() == first + 61_000)
        }
    }
}

@Suite("Audit log")
struct AuditLogTests {
    @Test("entries since a time, newest limited, oldest first", arguments: AccountsBackend.all)
    func query(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            for index in 0..<5 {
                try await f.audit.record("test.event", target: "t\(index)", detail: ["n": "\(index)"], by: f.admin)
                f.clock.advance(seconds: 3600)
            }
            let all = try await f.audit.entries()
            #expect(all.map(\.target) == ["t0", "t1", "t2", "t3", "t4"])
            #expect(all[2].detail == ["n": "2"])
            #expect(all[0].actorName == "local" && all[0].actorID == LocalUser.id)
            #expect(try await f.audit.entries(limit: 2).map(\.target) == ["t3", "t4"])
            let since = f.clock.now.addingTimeInterval(-3 * 3600)
            #expect(try await f.audit.entries(since: since).map(\.target) == ["t2", "t3", "t4"])
            #expect(try await f.audit.entries(since: f.clock.now).isEmpty)
            await expectError(.usage) { try await f.audit.entries(limit: 0) }
        }
    }
}
