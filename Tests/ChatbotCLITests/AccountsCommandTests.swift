import Foundation
import Testing

@Suite("chatbot users, keys and audit")
struct AccountsCommandTests {
    private static let password = Data("a long enough password\n".utf8)

    @Test("users: add from stdin, list, show, set-role, disable, enable, passwd, delete")
    func users() async throws {
        try await CLISandbox.with { sandbox in
            let added = try await sandbox.run(
                "users", "add", "Alice", "--role", "admin", "--email", "alice@example.com", "--password-stdin",
                stdin: .bytes(Self.password))
            #expect(added.exitCode == 0, "\(added)")
            let listed = try await sandbox.run("users", "list", "--json")
            let users = try #require(try listed.jsonArray() as? [[String: Any]])
            #expect(users.compactMap { $0["name"] as? String } == ["alice", "local"])
            #expect(!listed.stdout.contains("$2b$") && !listed.stdout.contains("password_hash"))

            let shown = try await sandbox.run("users", "show", "alice", "--json")
            #expect(try shown.jsonObject()["role"] as? String == "admin")
            #expect(try shown.jsonObject()["has_password"] as? Bool == true)
            let text = try await sandbox.run("users", "list")
            #expect(text.stdout.contains("alice") && text.stdout.contains("admin"))

            for arguments in [
                ["users", "set-role", "alice", "viewer"], ["users", "disable", "alice"], ["users", "enable", "alice"],
            ] {
                let result = try await sandbox.start(arguments).finish(timeout: .seconds(60))
                #expect(result.exitCode == 0, "\(result)")
            }
            #expect(
                try await sandbox.run("users", "show", "alice", "--json").jsonObject()["role"] as? String == "viewer")
            let passwd = try await sandbox.run(
                "users", "passwd", "alice", "--password-stdin", stdin: .bytes(Data("another long password".utf8)))
            #expect(passwd.exitCode == 0, "\(passwd)")
            let deleted = try await sandbox.run("users", "delete", "alice")
            #expect(deleted.exitCode == 0, "\(deleted)")
            #expect(try await sandbox.run("users", "show", "alice").exitCode == 1)

            let audit = try await sandbox.run("audit", "--json")
            let actions = try #require(try audit.jsonArray() as? [[String: Any]]).compactMap { $0["action"] as? String }
            #expect(
                actions == [
                    "user.created", "user.role_changed", "user.disabled", "user.enabled", "user.password_changed",
                    "user.deleted",
                ])
            #expect(!audit.stdout.contains("long enough password") && !audit.stdout.contains("another long"))
        }
    }

    @Test("users: a password never comes from argv, is checked, and needs a terminal or --password-stdin")
    func passwordInput() async throws {
        try await CLISandbox.with { sandbox in
            let argv = try await sandbox.run("users", "add", "bob", "--password", "a long enough password")
            #expect(argv.exitCode == 64, "\(argv)")
            let noTerminal = try await sandbox.run("users", "add", "bob")
            #expect(noTerminal.exitCode == 64, "\(noTerminal)")
            #expect(noTerminal.stderr.contains("--password-stdin"))
            let short = try await sandbox.run(
                "users", "add", "bob", "--password-stdin", stdin: .bytes(Data("short\n".utf8)))
            #expect(short.exitCode == 64, "\(short)")
            #expect(short.stderr.contains("too short"))
            let badRole = try await sandbox.run(
                "users", "add", "bob", "--role", "root", "--password-stdin", stdin: .bytes(Self.password))
            #expect(badRole.exitCode == 64, "\(badRole)")
            let unknown = try await sandbox.run("users", "set-role", "nobody", "member")
            #expect(unknown.exitCode == 1, "\(unknown)")
            let lastAdmin = try await sandbox.run("users", "disable", "local")
            #expect(lastAdmin.exitCode == 1, "\(lastAdmin)")
        }
    }

    @Test("keys: created once, listed by prefix, never stored or shown again, limited by role, revoked")
    func keys() async throws {
        try await CLISandbox.with { sandbox in
            for (name, role) in [("carol", "member"), ("vic", "viewer")] {
                let added = try await sandbox.run(
                    "users", "add", name, "--role", role, "--password-stdin", stdin: .bytes(Self.password))
                #expect(added.exitCode == 0, "\(added)")
            }
            let created = try await sandbox.run(
                "keys", "create", "--user", "carol", "--name", "ci", "--scope", "chat", "--scope", "documents:read",
                "--expires-days", "30")
            #expect(created.exitCode == 0, "\(created)")
            let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let match = try #require(secret.wholeMatch(of: /cbk_([0-9a-f]{16})_[0-9a-f]{64}/))
            let id = String(match.1)
            #expect(created.stderr.contains("not shown again"))

            let json = try await sandbox.run("keys", "create", "--user", "carol", "--json")
            let object = try json.jsonObject()
            #expect((object["secret"] as? String)?.hasPrefix("cbk_\(object["id"] as? String ?? "?")_") == true)

            for arguments in [["keys", "list"], ["keys", "list", "--json"], ["keys", "list", "--user", "carol"]] {
                let listed = try await sandbox.start(arguments).finish(timeout: .seconds(60))
                #expect(listed.exitCode == 0, "\(listed)")
                #expect(listed.stdout.contains("cbk_\(id)_"))
                #expect(!listed.stdout.contains(String(secret.suffix(64))))
            }
            let database = try String(contentsOfFile: sandbox.databasePath, encoding: .isoLatin1)
            #expect(!database.contains(String(secret.suffix(64))))

            let viewerWrite = try await sandbox.run("keys", "create", "--user", "vic", "--scope", "documents:write")
            #expect(viewerWrite.exitCode == 64, "\(viewerWrite)")
            let memberAdmin = try await sandbox.run("keys", "create", "--user", "carol", "--scope", "admin")
            #expect(memberAdmin.exitCode == 64, "\(memberAdmin)")
            let badScope = try await sandbox.run("keys", "create", "--user", "carol", "--scope", "everything")
            #expect(badScope.exitCode == 64, "\(badScope)")

            let revoked = try await sandbox.run("keys", "revoke", id)
            #expect(revoked.exitCode == 0, "\(revoked)")
            let after = try await sandbox.run("keys", "list", "--json")
            let keys = try #require(try after.jsonArray() as? [[String: Any]])
            #expect(keys.first { $0["id"] as? String == id }?["revoked_at"] != nil)
            #expect(try await sandbox.run("keys", "revoke", "0123456789abcdef").exitCode == 1)

            let audit = try await sandbox.run("audit", "--since", "1h", "--limit", "3", "--json")
            let actions = try #require(try audit.jsonArray() as? [[String: Any]]).compactMap { $0["action"] as? String }
            #expect(actions == ["api_key.created", "api_key.created", "api_key.revoked"])
            #expect(!audit.stdout.contains(String(secret.suffix(64))))
        }
    }

    @Test(
        "users and keys on PostgreSQL: the same database for every replica",
        .enabled(if: !PostgresCLIServer.all.isEmpty, "needs CHATBOT_TEST_POSTGRES*_URL"),
        arguments: PostgresCLIServer.all)
    func postgres(server: PostgresCLIServer) async throws {
        try await server.withDatabase { url in
            try await CLISandbox.with { sandbox in
                let environment = ["CHATBOT_DATABASE_URL": url]
                let migrated = try await sandbox.start(["migrate", "up"], environment: environment).finish(
                    timeout: .seconds(60))
                #expect(migrated.exitCode == 0, "\(migrated)")
                let added = try await sandbox.run(
                    "users", "add", "pat", "--role", "admin", "--password-stdin", environment: environment,
                    stdin: .bytes(Self.password))
                #expect(added.exitCode == 0, "\(added)")
                let created = try await sandbox.run("keys", "create", "--user", "pat", environment: environment)
                #expect(created.exitCode == 0, "\(created)")
                let listed = try await sandbox.run("users", "list", "--json", environment: environment)
                let names = try #require(try listed.jsonArray() as? [[String: Any]]).compactMap {
                    $0["name"] as? String
                }
                #expect(names == ["local", "pat"])
                let audit = try await sandbox.run("audit", "--json", environment: environment)
                let actions = try #require(try audit.jsonArray() as? [[String: Any]]).compactMap {
                    $0["action"] as? String
                }
                #expect(actions == ["user.created", "api_key.created"])
                #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
            }
        }
    }

    @Test("limits: keys create --tpm and a budget, users set-limits and clearing them, audited; bad values exit 64")
    func limits() async throws {
        try await CLISandbox.with { sandbox in
            let added = try await sandbox.run(
                "users", "add", "lena", "--password-stdin", stdin: .bytes(Self.password))
            #expect(added.exitCode == 0, "\(added)")
            let key = try await sandbox.run(
                "keys", "create", "--user", "lena", "--tpm", "20000", "--budget-cost", "5", "--budget-period", "day",
                "--json")
            #expect(key.exitCode == 0, "\(key)")
            let object = try key.jsonObject()
            #expect(object["tpm"] as? Int == 20_000)
            let budget = object["budget"] as? [String: Any]
            #expect(budget?["cost"] as? Double == 5)
            #expect(budget?["period"] as? String == "day")

            let set = try await sandbox.run(
                "users", "set-limits", "lena", "--rpm", "100", "--streams", "2", "--budget-tokens", "500000", "--json")
            #expect(set.exitCode == 0, "\(set)")
            let limits = try set.jsonObject()["limits"] as? [String: Any]
            #expect(limits?["rpm"] as? Int == 100)
            #expect(limits?["streams"] as? Int == 2)
            #expect((limits?["budget"] as? [String: Any])?["tokens"] as? Int == 500_000)
            #expect((limits?["budget"] as? [String: Any])?["period"] as? String == "month")
            let shown = try await sandbox.run("users", "show", "lena", "--json")
            #expect((try shown.jsonObject()["limits"] as? [String: Any])?["rpm"] as? Int == 100)

            let cleared = try await sandbox.run("users", "set-limits", "lena", "--json")
            #expect(cleared.exitCode == 0, "\(cleared)")
            #expect((try cleared.jsonObject()["limits"] as? [String: Any])?.isEmpty == true)
            let audit = try await sandbox.run("audit", "--json")
            #expect(audit.stdout.contains("user.limits_changed"))

            for arguments in [
                ["keys", "create", "--user", "lena", "--budget-cost", "5", "--budget-period", "week"],
                ["keys", "create", "--user", "lena", "--tpm", "0"],
                ["users", "set-limits", "lena", "--streams", "0"],
                ["users", "set-limits", "lena", "--budget-tokens", "-1"],
                ["users", "set-limits", "nobody", "--rpm", "5"],
            ] {
                let refused = try await sandbox.start(arguments).finish(timeout: .seconds(60))
                #expect(refused.exitCode != 0, "\(arguments)")
                #expect(refused.exitCode == (arguments.contains("nobody") ? 1 : 64), "\(arguments): \(refused)")
            }
        }
    }

    @Test("keys rotate-signing: a new signing key each time, each rotation in the audit log")
    func rotateSigning() async throws {
        try await CLISandbox.with { sandbox in
            for _ in 0..<2 {
                let rotated = try await sandbox.run("keys", "rotate-signing")
                #expect(rotated.exitCode == 0, "\(rotated)")
                #expect(rotated.stderr.contains("a new signing key signs from now on"))
            }
            let audit = try await sandbox.run("audit", "--json")
            let entries = try audit.jsonArray() as? [[String: Any]] ?? []
            #expect(entries.filter { $0["action"] as? String == "signing_key.rotate" }.count == 2, "\(audit.stdout)")
        }
    }

    @Test("audit: --since takes ISO 8601 or a duration; anything else is a usage error")
    func auditSince() async throws {
        try await CLISandbox.with { sandbox in
            for (arguments, expected): ([String], Int32) in [
                (["--since", "24h"], 0), (["--since", "2026-01-31T12:00:00Z"], 0), (["--since", "yesterday"], 64),
                (["--limit", "0"], 64),
            ] {
                let result = try await sandbox.start(["audit"] + arguments).finish(timeout: .seconds(60))
                #expect(result.exitCode == expected, "\(result)")
            }
        }
    }
}
