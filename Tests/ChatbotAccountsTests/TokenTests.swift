import ChatbotCore
import Crypto
import Foundation
import SQLKit
import Testing

@testable import ChatbotAccounts

@Suite("Access and refresh tokens")
struct TokenTests {
    private func login(_ f: AccountsFixture, _ name: String = "henry", role: Role = .member) async throws -> TokenPair {
        try await f.addUser(name, role: role)
        return try await f.tokens.login(name: name, password: AccountsFixture.password, ip: "192.0.2.1")
    }

    /// The stored public key of the current signing key.
    private func publicKey(_ f: AccountsFixture) async throws -> (kid: String, raw: Data) {
        let row = try #require(
            try await f.rows("SELECT kid, public_key FROM signing_keys WHERE retired_at IS NULL").first)
        return (
            try row.decode(column: "kid", as: String.self),
            try #require(Data(base64Encoded: try row.decode(column: "public_key", as: String.self)))
        )
    }

    @Test("a login yields an EdDSA JWT with every claim, which verifies", arguments: AccountsBackend.all)
    func roundTrip(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            #expect(try await f.rows("SELECT kid FROM signing_keys").isEmpty)  // generated on first use, not defaulted
            let pair = try await login(f)
            let (header, payload, _) = try ForgedToken.parts(of: pair.access.token)
            let (kid, _) = try await publicKey(f)
            #expect(header["alg"] as? String == "EdDSA")
            #expect(header["kid"] as? String == kid)
            for claim in ["sub", "role", "scopes", "iat", "nbf", "exp", "iss", "aud", "jti", "tv"] {
                #expect(payload[claim] != nil, "\(claim)")
            }
            let iat = try #require(payload["iat"] as? Double)
            let exp = try #require(payload["exp"] as? Double)
            #expect(exp - iat == 600)
            #expect(payload["role"] as? String == "member")

            let verified = try await f.tokens.verify(pair.access.token)
            #expect(verified.user.name == "henry")
            #expect(verified.scopes == Role.member.allowedScopes)
            #expect(verified.tokenID == pair.access.tokenID)
            #expect(pair.refreshToken.count == 64)
        }
    }

    @Test("alg none, HS256 with the public key, and other algorithms are refused", arguments: AccountsBackend.all)
    func algorithmConfusion(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            let (_, payload, _) = try ForgedToken.parts(of: pair.access.token)
            let (kid, raw) = try await publicKey(f)
            var forged: [String] = []
            for alg in ["none", "None", "NONE"] {
                forged.append(
                    try ForgedToken.make(header: ["alg": alg, "typ": "JWT", "kid": kid], payload: payload) { _ in Data()
                    })
            }
            let pem = "-----BEGIN PUBLIC KEY-----\n\(raw.base64EncodedString())\n-----END PUBLIC KEY-----\n"
            for secret in [raw, Data(raw.base64EncodedString().utf8), Data(pem.utf8)] {
                for alg in ["HS256", "HS384", "HS512"] {
                    forged.append(
                        try ForgedToken.make(
                            header: ["alg": alg, "typ": "JWT", "kid": kid], payload: payload,
                            sign: ForgedToken.hs256(secret)))
                }
                // EdDSA named in the header but an HMAC signature.
                forged.append(
                    try ForgedToken.make(
                        header: ["alg": "EdDSA", "typ": "JWT", "kid": kid], payload: payload,
                        sign: ForgedToken.hs256(secret)))
            }
            // Signed with the real key, but with no kid, a `crit` extension, or another type.
            let stored = try #require(
                try await f.rows("SELECT private_key FROM signing_keys WHERE kid = \(bind: kid)").first?
                    .decode(column: "private_key", as: String.self))
            let realKey = try Curve25519.Signing.PrivateKey(
                rawRepresentation: try #require(Data(base64Encoded: stored)))
            let validHeader: [String: Any] = ["alg": "EdDSA", "typ": "JWT", "kid": kid]
            // The control: this forger makes valid tokens.
            _ = try await f.tokens.verify(
                try ForgedToken.make(header: validHeader, payload: payload, sign: ForgedToken.ed25519(realKey)))
            for header: [String: Any] in [
                ["alg": "EdDSA", "typ": "JWT"], validHeader.merging(["crit": ["exp"]]) { $1 },
                validHeader.merging(["typ": "at+jwt"]) { $1 }, validHeader.merging(["alg": "Ed25519"]) { $1 },
            ] {
                forged.append(
                    try ForgedToken.make(header: header, payload: payload, sign: ForgedToken.ed25519(realKey)))
            }
            forged += ["", "x.y.z", "a.b", pair.access.token + "."]
            for token in forged {
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(token) }
            }
            let parts = pair.access.token.split(separator: ".")
            let noSignature = "\(parts[0]).\(parts[1])."
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(noSignature) }
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify("\(parts[0]).\(parts[1])") }
        }
    }

    @Test(
        "a token signed by a key not in the database is refused, whatever kid it names", arguments: AccountsBackend.all)
    func unknownKey(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            let (header, payload, _) = try ForgedToken.parts(of: pair.access.token)
            let stranger = Curve25519.Signing.PrivateKey()
            for kid in [header["kid"] as? String ?? "", "0123456789abcdef", ""] {
                var forgedHeader = header
                forgedHeader["kid"] = kid
                let token = try ForgedToken.make(
                    header: forgedHeader, payload: payload, sign: ForgedToken.ed25519(stranger))
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(token) }
            }
        }
    }

    @Test("a changed claim with the old signature is refused", arguments: AccountsBackend.all)
    func tamperedClaims(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f, role: .viewer)
            let (_, payload, _) = try ForgedToken.parts(of: pair.access.token)
            let changes: [(String, Any)] = [
                ("role", "admin"), ("scopes", ["chat", "admin"]), ("sub", LocalUser.id),
                ("exp", (payload["exp"] as? Double ?? 0) + 86_400), ("tv", 99), ("aud", ["other"]),
            ]
            for (claim, value) in changes {
                var changed = payload
                changed[claim] = value
                let token = try ForgedToken.replacingPayload(of: pair.access.token, with: changed)
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(token) }
            }
            #expect(try await f.tokens.verify(pair.access.token).scopes == [.chat, .documentsRead])
        }
    }

    @Test(
        "expired tokens and tokens not valid yet are refused; a small clock skew is allowed",
        arguments: AccountsBackend.all)
    func times(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            f.clock.advance(seconds: 600 + 20)  // within the 30 s skew
            _ = try await f.tokens.verify(pair.access.token)
            f.clock.advance(seconds: 15)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(pair.access.token) }

            // nbf (and iat) in the future, validly signed: a token from a replica with a fast clock.
            let later = try await f.tokens.issueAccessToken(for: try await f.accounts.user(named: "henry"))
            f.clock.advance(seconds: -120)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(later.token) }
            f.clock.advance(seconds: 100)
            _ = try await f.tokens.verify(later.token)
        }
    }

    @Test("a token for another audience or from another issuer is refused", arguments: AccountsBackend.all)
    func audienceAndIssuer(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            for settings in [TokenSettings(audience: "other"), TokenSettings(issuer: "other")] {
                let elsewhere = TokenService(
                    database: f.database, accounts: f.accounts, settings: settings, now: f.clock.closure)
                await expectError(AccountsFailure.unauthorizedKind) { try await elsewhere.verify(pair.access.token) }
                // And its tokens are refused here, though signed with the same key.
                let foreign = try await elsewhere.issueAccessToken(for: pair.user)
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(foreign.token) }
            }
        }
    }

    @Test("after a rotation the previous key is accepted, the one before it is not", arguments: AccountsBackend.all)
    func rotation(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let first = try await login(f)
            try await f.tokens.rotateSigningKey()
            let second = try await f.tokens.issueAccessToken(for: first.user)
            #expect(
                try ForgedToken.parts(of: second.token).header["kid"] as? String
                    != ForgedToken.parts(of: first.access.token).header["kid"] as? String)
            _ = try await f.tokens.verify(first.access.token)
            _ = try await f.tokens.verify(second.token)
            f.clock.advance(seconds: 1)
            try await f.tokens.rotateSigningKey()
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(first.access.token) }
            _ = try await f.tokens.verify(second.token)
        }
    }

    @Test(
        "refresh rotates; a rotated token used again revokes its family and is audited", arguments: AccountsBackend.all)
    func refreshReuse(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let first = try await login(f)
            let second = try await f.tokens.refresh(first.refreshToken)
            #expect(second.familyID == first.familyID)
            #expect(second.refreshToken != first.refreshToken)
            let third = try await f.tokens.refresh(second.refreshToken)

            // The stolen first token comes back.
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.tokens.refresh(first.refreshToken, ip: "203.0.113.9")
            }
            // The whole family is gone, including the newest token the legitimate client holds.
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.refresh(third.refreshToken) }
            let reuse = try await f.audit.entries().filter { $0.action == "refresh_token.reused" }
            #expect(reuse.count == 1)
            #expect(reuse.first?.target == "henry")
            #expect(reuse.first?.ip == "203.0.113.9")
            #expect(reuse.first?.detail["family"] == first.familyID)

            // Another login (another family) is unaffected.
            let other = try await f.tokens.login(name: "henry", password: AccountsFixture.password)
            _ = try await f.tokens.refresh(other.refreshToken)

            // Only hashes are stored.
            let stored = try await f.rows("SELECT token_hash FROM refresh_tokens").map {
                try $0.decode(column: "token_hash", as: String.self)
            }
            #expect(!stored.contains(first.refreshToken) && !stored.contains(third.refreshToken))
            #expect(stored.contains(SecretHashing.sha256Hex(first.refreshToken)))
        }
    }

    @Test("unknown and expired refresh tokens are refused; logout revokes the family", arguments: AccountsBackend.all)
    func refreshRefusals(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.tokens.refresh(String(repeating: "0", count: 64))
            }
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.refresh("") }
            try await f.tokens.logout(pair.refreshToken)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.refresh(pair.refreshToken) }
            try await f.tokens.logout("unknown")

            let late = try await f.tokens.login(name: "henry", password: AccountsFixture.password)
            f.clock.advance(seconds: 31 * 86_400)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.refresh(late.refreshToken) }
        }
    }

    @Test(
        "disable, password change and role change refuse old access and refresh tokens", arguments: AccountsBackend.all)
    func revocationOnChange(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            let pair = try await login(f)
            let changes: [(String, @Sendable () async throws -> Void)] = [
                ("disable", { try await f.accounts.setDisabled(true, of: "henry", by: f.admin) }),
                ("enable", { try await f.accounts.setDisabled(false, of: "henry", by: f.admin) }),
                ("password", { try await f.accounts.setPassword("a brand new password", of: "henry", by: f.admin) }),
                ("role", { try await f.accounts.setRole(.viewer, of: "henry", by: f.admin) }),
            ]
            var current = pair
            var password = AccountsFixture.password
            var currentIsValid = true
            for (name, change) in changes {
                if currentIsValid { _ = try await f.tokens.verify(current.access.token) }
                try await change()
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(current.access.token) }
                await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.refresh(current.refreshToken) }
                if name == "password" { password = "a brand new password" }
                currentIsValid = name != "disable"
                if currentIsValid {
                    current = try await f.tokens.login(name: "henry", password: password)
                } else {
                    await expectError(AccountsFailure.unauthorizedKind) {
                        try await f.tokens.login(name: "henry", password: password)
                    }
                }
            }
            #expect(try await f.tokens.verify(current.access.token).scopes == Role.viewer.allowedScopes)
            // A deleted user's tokens are refused too.
            try await f.accounts.deleteUser(named: "henry", by: f.admin)
            await expectError(AccountsFailure.unauthorizedKind) { try await f.tokens.verify(current.access.token) }
        }
    }

    @Test("logins are audited, failures with the attempted name and never the password", arguments: AccountsBackend.all)
    func loginAudit(backend: AccountsBackend) async throws {
        try await AccountsFixture.with(backend) { f in
            _ = try await login(f)
            await expectError(AccountsFailure.unauthorizedKind) {
                try await f.tokens.login(name: "henry", password: "the wrong secret", ip: "198.51.100.7")
            }
            let entries = try await f.audit.entries()
            #expect(entries.map(\.action).suffix(2) == ["login.succeeded", "login.failed"])
            #expect(entries.last?.ip == "198.51.100.7")
            let everything = try await f.rows("SELECT * FROM audit_log").count
            #expect(everything == entries.count)
            let text = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
            #expect(!text.contains("the wrong secret") && !text.contains(AccountsFixture.password))
        }
    }
}
