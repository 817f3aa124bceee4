import ChatbotCore
import Foundation
import SQLKit
import Testing

@testable import ChatbotAccounts

@Suite("Users")
struct UserTests {
    @Test("add, list, show, set-role, disable, enable, passwd and delete", arguments: AccountsBackend.all)
    func lifecycle(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let alice = try await f.accounts.addUser(
                name: "Alice", email: "alice@example.com", role: .member, password: AccountsFixture.password,
                by: f.admin)
            #expect(alice.name == "alice")
            #expect(try await f.accounts.users().map(\.name) == ["alice", "local"])
            #expect(try await f.accounts.user(named: "ALICE") == alice)

            let admin = try await f.accounts.setRole(.admin, of: "alice", by: f.admin)
            #expect(admin.role == .admin)
            #expect(admin.tokenVersion == alice.tokenVersion + 1)
            let disabled = try await f.accounts.setDisabled(true, of: "alice", by: f.admin)
            #expect(disabled.isDisabled)
            #expect(try await f.accounts.setDisabled(false, of: "alice", by: f.admin).isDisabled == false)

            try await f.accounts.setPassword("another long password", of: "alice", by: f.admin)
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.accounts.authenticate(name: "alice", password: AccountsFixture.password)
            }
            #expect(try await f.accounts.authenticate(name: "alice", password: "another long password").id == alice.id)

            try await f.accounts.deleteUser(named: "alice", by: f.admin)
            await expectError(.notFound) { try await f.accounts.user(named: "alice") }
            let actions = try await f.audit.entries().map(\.action)
            #expect(
                actions == [
                    "user.created", "user.role_changed", "user.disabled", "user.enabled", "user.password_changed",
                    "user.deleted",
                ])
        }
    }

    @Test("names are validated and unique whatever their case", arguments: AccountsBackend.all)
    func names(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("bob")
            await expectError(.conflict) { try await f.addUser("BOB") }
            for bad in ["", "-bob", "bob smith", "bob/..", "böb", String(repeating: "a", count: 65), "bob\n"] {
                await expectError(.usage) { try await f.addUser(bad) }
            }
            await expectError(.usage) {
                try await f.accounts.addUser(
                    name: "carol", email: "not an address", password: AccountsFixture.password, by: f.admin)
            }
        }
    }

    @Test("the local user exists once, has no password and cannot log in or be deleted", arguments: AccountsBackend.all)
    func localUser(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let local = try await f.accounts.ensureLocalUser()
            #expect(try await f.accounts.ensureLocalUser() == local)
            #expect(local.id == LocalUser.id && local.role == .admin && !local.hasPassword)
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.accounts.authenticate(name: "local", password: "")
            }
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.accounts.authenticate(name: "local", password: AccountsFixture.password)
            }
            await expectError(.conflict) { try await f.accounts.deleteUser(named: "local", by: f.admin) }
        }
    }

    @Test("the last enabled admin cannot be demoted, disabled or deleted", arguments: AccountsBackend.all)
    func lastAdmin(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            await expectError(.conflict) { try await f.accounts.setRole(.member, of: "local", by: f.admin) }
            await expectError(.conflict) { try await f.accounts.setDisabled(true, of: "local", by: f.admin) }
            try await f.addUser("root", role: .admin)
            try await f.accounts.setDisabled(true, of: "local", by: f.admin)
            await expectError(.conflict) { try await f.accounts.deleteUser(named: "root", by: f.admin) }
            await expectError(.conflict) { try await f.accounts.setRole(.viewer, of: "root", by: f.admin) }
        }
    }

    @Test("a non-admin may not manage users or change another user's password", arguments: AccountsBackend.all)
    func nonAdmin(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let member = Caller(user: try await f.addUser("mallory"))
            try await f.addUser("victim")
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.accounts.addUser(name: "x1", password: AccountsFixture.password, by: member)
            }
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.accounts.setRole(.admin, of: "mallory", by: member)
            }
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.accounts.setDisabled(true, of: "victim", by: member)
            }
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.accounts.deleteUser(named: "victim", by: member)
            }
            await expectError(AccountsFailure.forbiddenKind) {
                try await f.accounts.setPassword("a new long password", of: "victim", by: member)
            }
            // One's own password is fine.
            try await f.accounts.setPassword("a new long password", of: "mallory", by: member)
            #expect(try await f.accounts.user(named: "mallory").role == .member)
        }
    }

    @Test("the stored hash is bcrypt and no user value or JSON carries it", arguments: AccountsBackend.all)
    func hashNeverLeaves(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let user = try await f.addUser("dave")
            let hash = try #require(
                try await f.rows("SELECT password_hash FROM users WHERE name = 'dave'").first?
                    .decode(column: "password_hash", as: String.self))
            #expect(hash.hasPrefix("$2b$04$"))
            #expect(!hash.contains(AccountsFixture.password))
            let json = String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
            #expect(!json.contains(hash) && !json.contains("password_hash") && !json.contains("$2b$"))
        }
    }

    @Test(
        "existing rows get the local user as owner, and new rows from the old code paths too",
        arguments: AccountsBackend.all)
    func ownerDefault(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let conversation = try await f.opened.conversations.createConversation(title: "owned")
            let owner = try await f.rows("SELECT owner_id FROM conversations WHERE id = \(bind: conversation.id)")
                .first?.decode(column: "owner_id", as: String.self)
            #expect(owner == LocalUser.id)
        }
    }
}

@Suite("Passwords")
struct PasswordTests {
    @Test("10 to 128 characters", arguments: AccountsBackend.all)
    func policy(backend: AccountsBackend) async throws {
        #expect(throws: ChatbotError.self) { try PasswordPolicy.validate("123456789") }
        #expect(throws: ChatbotError.self) { try PasswordPolicy.validate(String(repeating: "x", count: 129)) }
        try PasswordPolicy.validate("1234567890")
        try PasswordPolicy.validate(String(repeating: "é", count: 128))
        try await AccountsFixture.with(backend) { f in
            for bad in ["short", "", String(repeating: "x", count: 129)] {
                await expectError(.usage) {
                    try await f.accounts.addUser(name: "erin", password: bad, by: f.admin)
                }
                await expectError(.usage) { try await f.accounts.setPassword(bad, of: "local", by: f.admin) }
            }
            let names = try await f.accounts.users().map(\.name)
            #expect(names == ["local"])
        }
    }

    @Test("the production hasher uses bcrypt cost 12")
    func cost() async throws {
        let hasher = PasswordHasher()
        #expect(hasher.cost == 12)
        let hash = try await hasher.hash("a long enough password")
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(try await hasher.verify("a long enough password", hash: hash))
        #expect(try await hasher.verify("a long enough passworD", hash: hash) == false)
    }

    @Test("every character counts: passwords sharing their first 72 bytes differ")
    func noTruncation() async throws {
        let hasher = PasswordHasher(cost: 4)
        let base = String(repeating: "a", count: 80)
        let hash = try await hasher.hash(base + "1")
        #expect(try await hasher.verify(base + "1", hash: hash))
        #expect(try await hasher.verify(base + "2", hash: hash) == false)
        // A NUL does not end the password either.
        let nul = try await hasher.hash("password\u{0}one")
        #expect(try await hasher.verify("password\u{0}two", hash: nul) == false)
    }

    @Test("an unknown user, a wrong password and a disabled user get the same error", arguments: AccountsBackend.all)
    func sameError(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            try await f.addUser("frank")
            try await f.addUser("gone")
            try await f.accounts.setDisabled(true, of: "gone", by: f.admin)
            var errors: [ChatbotError] = []
            for (name, password) in [
                ("nobody", AccountsFixture.password), ("frank", "wrong password!"), ("gone", AccountsFixture.password),
                ("FRANK", "wrong password!"), ("bad name!", AccountsFixture.password),
            ] {
                do {
                    _ = try await f.accounts.authenticate(name: name, password: password)
                    Issue.record("\(name) logged in")
                } catch let error as ChatbotError {
                    errors.append(error)
                }
            }
            #expect(Set(errors).count == 1)
            #expect(errors.first?.kind == AccountsFailure.unauthorizedKind)
            #expect(errors.first?.message == "invalid credentials")
            #expect(
                try await f.accounts.authenticate(name: "Frank", password: AccountsFixture.password).name == "frank")
        }
    }

    @Test("an unknown user costs one bcrypt verification at the user's cost, as a wrong password does (a dummy hash)")
    func sameWork() async throws {
        // The work, not the time: a wall-clock ratio failed on a loaded CI machine. Equal work at equal
        // cost is what makes the two answers take equally long.
        try await AccountsFixture.with(.sqlite, cost: 10) { f in
            try await f.addUser("grace")
            let hasher = f.accounts.passwordHasher
            let start = hasher.verifications
            _ = try? await f.accounts.authenticate(name: "grace", password: "wrong password!")
            let afterKnown = hasher.verifications
            _ = try? await f.accounts.authenticate(name: "nobody-at-all", password: "wrong password!")
            let afterUnknown = hasher.verifications
            #expect(afterKnown - start == 1)
            #expect(afterUnknown - afterKnown == 1)
            // bcrypt's cost is the second field of the hash: `$2b$10$…`.
            let cost: (String) -> Substring? = { $0.split(separator: "$").dropFirst().first }
            let dummy = try await hasher.dummyHash()
            let real = try await hasher.hash("any password at all")
            #expect(cost(dummy) == "10")
            #expect(cost(dummy) == cost(real))
            #expect(dummy != real)
        }
    }
}
