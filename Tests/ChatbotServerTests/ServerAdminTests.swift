import ChatbotAccounts
import ChatbotCore
import ChatbotServer
import ChatbotTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("chatbot serve: users, keys and the audit log over HTTP")
struct ServerAdminTests {
    @Test(
        "an admin manages users; a member cannot, and cannot set fields it may not (role, owner, scopes beyond its role)"
    )
    func usersAndMassAssignment() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ada", role: .admin)
            try await fixture.addUser("mel")
            let admin = ServerFixture.bearer(try await fixture.token("ada"))
            let member = ServerFixture.bearer(try await fixture.token("mel"))
            let newUser =
                #"{"name":"neo","password":"a long enough password","role":"viewer","id":"x","disabled":true}"#
            try await fixture.client.execute(
                uri: "/api/users", method: .post, headers: member, body: ByteBuffer(string: newUser)
            ) {
                #expect($0.status == .forbidden)
            }
            try await fixture.client.execute(
                uri: "/api/users", method: .post, headers: admin, body: ByteBuffer(string: newUser)
            ) {
                response in
                #expect(response.status == .created)
                let body = try ServerFixture.json(response.body)
                #expect(body["role"] as? String == "viewer")
                #expect(body["id"] as? String != "x")
                #expect(body["disabled"] as? Bool == false)
                #expect(body["password_hash"] == nil)
            }
            try await fixture.client.execute(
                uri: "/api/users/neo", method: .patch, headers: admin, body: ByteBuffer(string: #"{"disabled":true}"#)
            ) { response in
                try #expect(ServerFixture.json(response.body)["disabled"] as? Bool == true)
            }
            // A member asks for a key with the admin scope, or for another user: refused.
            try await fixture.client.execute(
                uri: "/api/keys", method: .post, headers: member, body: ByteBuffer(string: #"{"scopes":["admin"]}"#)
            ) { #expect($0.status == .forbidden) }
            try await fixture.client.execute(
                uri: "/api/keys", method: .post, headers: member, body: ByteBuffer(string: #"{"user":"ada"}"#)
            ) { #expect($0.status == .forbidden) }
            // Its own key: the secret once; the list shows a prefix only.
            let secret: String = try await fixture.client.execute(
                uri: "/api/keys", method: .post, headers: member,
                body: ByteBuffer(string: #"{"name":"ci","scopes":["chat"]}"#)
            ) { response in
                #expect(response.status == .created)
                return try #require(try ServerFixture.json(response.body)["key"] as? String)
            }
            #expect(secret.hasPrefix("cbk_"))
            try await fixture.client.execute(uri: "/api/keys", method: .get, headers: member) { response in
                let text = ServerFixture.text(response.body)
                #expect(!text.contains(String(secret.suffix(20))))
                #expect(text.contains("cbk_"))
            }
            // The admin's view of the audit log holds the changes, never a secret.
            try await fixture.client.execute(uri: "/api/audit", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                let text = ServerFixture.text(response.body)
                #expect(text.contains("user.created") && text.contains("api_key.created"))
                #expect(!text.contains(String(secret.suffix(20))))
                #expect(!text.contains("a long enough password"))
            }
            try await fixture.client.execute(uri: "/api/audit", method: .get, headers: member) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("keys made over HTTP carry their own limits and budget; a member may lower the server's, not raise them")
    func keyLimits() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.limits = .off
        options.limits.keyRequestsPerMinute = 60
        options.limits.keyTokensPerMinute = 1000
        try await ServerFixture.with(options: options) { fixture in
            try await fixture.addUser("ada", role: .admin)
            try await fixture.addUser("mel")
            let admin = ServerFixture.bearer(try await fixture.token("ada"))
            let member = ServerFixture.bearer(try await fixture.token("mel"))
            func create(_ body: String, as headers: HTTPFields) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await fixture.client.execute(
                    uri: "/api/keys", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) { response in (response.status, (try? ServerFixture.json(response.body)) ?? [:]) }
            }
            let (made, key) = try await create(
                #"{"name":"ci","rpm":10,"tpm":500,"budget":{"tokens":2000,"period":"day"}}"#, as: member)
            #expect(made == .created)
            #expect(key["rpm"] as? Int == 10 && key["tpm"] as? Int == 500)
            #expect((key["budget"] as? [String: Any])?["tokens"] as? Int == 2000)
            #expect((key["budget"] as? [String: Any])?["period"] as? String == "day")
            let id = try #require(key["id"] as? String)
            let stored = try #require(
                try await fixture.keys.list(owner: "mel", by: fixture.admin).first { $0.id == id })
            #expect(stored.requestsPerMinute == 10 && stored.tokensPerMinute == 500)
            #expect(stored.budget == Budget(tokens: 2000, period: .day))

            // Above the server's limits: refused for a member, and nothing is created.
            for body in [#"{"name":"fast","rpm":61}"#, #"{"name":"fast","tpm":1001}"#] {
                let (status, problem) = try await create(body, as: member)
                #expect(status == .forbidden, "\(body)")
                #expect((problem["detail"] as? String)?.contains("only an admin") == true, "\(problem)")
            }
            #expect(try await fixture.keys.list(owner: "mel", by: fixture.admin).count == 1)
            // An admin may.
            #expect(try await create(#"{"name":"fast","rpm":5000,"user":"mel"}"#, as: admin).0 == .created)
            // Bad budgets and limits out of range.
            for body in [
                #"{"budget":{}}"#, #"{"budget":{"tokens":-1}}"#, #"{"budget":{"cost":1,"period":"week"}}"#,
                #"{"rpm":0}"#,
            ] {
                #expect(try await create(body, as: member).0 == .badRequest, "\(body)")
            }
        }
    }

    @Test("an admin's key made for chatting cannot administer")
    func keyWithoutAdminScope() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ada", role: .admin)
            let key = try await fixture.keys.create(owner: "ada", scopes: [.chat], by: fixture.admin).secret
            try await fixture.client.execute(uri: "/api/users", method: .get, headers: ServerFixture.bearer(key)) {
                #expect($0.status == .forbidden)
            }
            try await fixture.client.execute(
                uri: "/api/keys?user=mel", method: .get, headers: ServerFixture.bearer(key)
            ) {
                #expect($0.status.code >= 400)
            }
        }
    }

    @Test(
        "/v1/embeddings answers OpenAI's shape from the real embedding server",
        .enabled(if: ServerFixture.embeddingsURL != nil, "CHATBOT_TEST_EMBEDDINGS_URL is not set"))
    func embeddings() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ann")
            let headers = ServerFixture.bearer(try await fixture.token("ann"))
            try await fixture.client.execute(
                uri: "/v1/embeddings", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"input":["the sea","la mer"]}"#)
            ) { response in
                #expect(response.status == .ok)
                let data = try #require(ServerFixture.json(response.body)["data"] as? [[String: Any]])
                #expect(data.count == 2)
                #expect((data.first?["embedding"] as? [Double])?.count ?? 0 > 100)
            }
            try await fixture.client.execute(
                uri: "/v1/embeddings", method: .post, headers: headers, body: ByteBuffer(string: #"{"input":[]}"#)
            ) { #expect($0.status == .badRequest) }
        }
    }
}

@Suite("chatbot serve: secrets stay out of logs")
struct ServerLogSecrecyTests {
    @Test("at trace level, no log line or metadata holds a password, access or refresh token, or API key")
    func noSecretsLogged() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ann")
            let tokens = try await fixture.login("ann")
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            let key = try await fixture.keys.create(owner: "ann", by: fixture.admin).secret
            let headers = ServerFixture.bearer(access)
            try await fixture.client.execute(uri: "/api/conversations", method: .get, headers: headers) { _ in }
            try await fixture.client.execute(uri: "/v1/models", method: .get, headers: ServerFixture.bearer(key)) { _ in
            }
            try await fixture.client.execute(uri: "/v1/models", method: .get, headers: ServerFixture.bearer(key + "x"))
            { _ in }
            try await fixture.client.execute(
                uri: "/api/auth/refresh", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#)
            ) { _ in }
            _ = try await ServerLoginThrottleTests.login(fixture, "ann", "the wrong password")
            let logged = fixture.logs.entries.map { entry in
                ([entry.message] + entry.metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
            }
            #expect(!logged.isEmpty)
            let secrets = [
                ServerFixture.password, "the wrong password", String(access.split(separator: ".")[2]), refresh,
                String(key.suffix(64)),
            ]
            for secret in secrets {
                #expect(!logged.contains { $0.contains(secret) }, "a log line holds a secret")
            }
        }
    }
}
