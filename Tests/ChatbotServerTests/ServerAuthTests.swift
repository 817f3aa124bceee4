import ChatbotAccounts
import ChatbotCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("chatbot serve: conventions and authentication")
struct ServerAuthTests {
    @Test("health answers without credentials, with a request id and the security headers on every response")
    func health() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await fixture.client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            // A well-formed request id comes back; one that could forge a log line is replaced.
            try await fixture.client.execute(
                uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"]
            ) { response in
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            }
            try await fixture.client.execute(
                uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "a b\"c"]
            ) { response in
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != "a b\"c")
            }
        }
    }

    @Test(
        "no credential, a garbage one, or a forged one: 401 problem+json with WWW-Authenticate, on every spelling of the path"
    )
    func unauthenticated() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ann")
            let token = try await fixture.token("ann")
            let parts = token.split(separator: ".").map(String.init)
            try #require(parts.count == 3)
            // The payload changed (role: admin) with the old signature kept.
            var payload = try #require(Data(base64Encoded: Self.padded(parts[1])))
            var claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            claims["role"] = "admin"
            payload = try JSONSerialization.data(withJSONObject: claims)
            let forged = [parts[0], Self.base64URL(payload), parts[2]].joined(separator: ".")
            // alg: none with the same claims and no signature.
            let none = [Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)), parts[1], ""].joined(separator: ".")
            let headers: [HTTPFields] = [
                [:], [.authorization: "Bearer"], [.authorization: "Basic YW5uOnB3"],
                [.authorization: "Bearer nonsense"],
                [.authorization: "Bearer \(forged)"], [.authorization: "Bearer \(none)"],
                [.authorization: "Bearer cbk_0000000000000000_" + String(repeating: "0", count: 64)],
            ]
            for header in headers {
                for path in ["/api/auth/me", "/api/conversations", "/v1/models"] {
                    try await fixture.client.execute(uri: path, method: .get, headers: header) { response in
                        #expect(response.status == .unauthorized, "\(path) with \(header)")
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    }
                }
            }
            try await fixture.client.execute(uri: "/api/conversations", method: .get) { response in
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try ServerFixture.json(response.body)
                #expect(body["type"] as? String == "urn:chatbot:problem:unauthorized")
                #expect(body["status"] as? Int == 401)
            }
            try await fixture.client.execute(uri: "/v1/models", method: .get) { response in
                let body = try ServerFixture.json(response.body)
                let error = try #require(body["error"] as? [String: Any])
                #expect(error["type"] as? String == "authentication_error")
            }
            // The real token works.
            try await fixture.client.execute(uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(token)) {
                response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["name"] as? String == "ann")
                #expect(body["password_hash"] == nil)
            }
        }
    }

    @Test("a wrong password and an unknown user get the same answer")
    func loginFailuresLookAlike() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("bob")
            var answers: [String] = []
            for (name, password) in [("bob", "wrong password!"), ("nobody-here", "wrong password!")] {
                try await fixture.client.execute(
                    uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"username":"\#(name)","password":"\#(password)"}"#)
                ) { response in
                    #expect(response.status == .unauthorized)
                    var body = try ServerFixture.json(response.body)
                    body["request_id"] = nil
                    answers.append(String(describing: body.sorted { $0.key < $1.key }))
                }
            }
            #expect(answers.count == 2 && answers[0] == answers[1])
        }
    }

    @Test("refresh rotates; a rotated token used again revokes the family; logout ends it")
    func refreshRotation() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("cat")
            let first = try #require(try await fixture.login("cat")["refresh_token"] as? String)
            let second = try await refresh(fixture, first, expect: .ok)
            let secondToken = try #require(second?["refresh_token"] as? String)
            #expect(secondToken != first)
            // Reuse of the rotated token: refused, and the family's live token dies with it.
            _ = try await refresh(fixture, first, expect: .unauthorized)
            _ = try await refresh(fixture, secondToken, expect: .unauthorized)
            // A new login, then logout: its refresh token no longer works.
            let third = try #require(try await fixture.login("cat")["refresh_token"] as? String)
            try await fixture.client.execute(
                uri: "/api/auth/logout", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"refresh_token":"\#(third)"}"#)
            ) { response in
                #expect(response.status == .noContent)
            }
            _ = try await refresh(fixture, third, expect: .unauthorized)
        }
    }

    @Test("a refresh by cookie alone from another origin is refused; from the server's own page it works")
    func cookieRefreshNeedsSameOrigin() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("dan")
            let token = try #require(try await fixture.login("dan")["refresh_token"] as? String)
            try await fixture.client.execute(
                uri: "/api/auth/refresh", method: .post,
                headers: [.cookie: "chatbot_refresh=\(token)", HTTPField.Name("Origin")!: "https://evil.example"]
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await fixture.client.execute(
                uri: "/api/auth/refresh", method: .post,
                headers: [.cookie: "chatbot_refresh=\(token)", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie]?.contains("HttpOnly; SameSite=Strict") == true)
            }
        }
    }

    @Test("a disabled user's access token and API key stop working at once")
    func disableRevokes() async throws {
        try await ServerFixture.with { fixture in
            let eve = try await fixture.addUser("eve")
            let token = try await fixture.token("eve")
            let key = try await fixture.keys.create(owner: eve.name, by: fixture.admin).secret
            for credential in [token, key] {
                try await fixture.client.execute(
                    uri: "/v1/models", method: .get, headers: ServerFixture.bearer(credential)
                ) {
                    #expect($0.status == .ok)
                }
            }
            _ = try await fixture.accounts.setDisabled(true, of: "eve", by: fixture.admin)
            for credential in [token, key] {
                try await fixture.client.execute(
                    uri: "/v1/models", method: .get, headers: ServerFixture.bearer(credential)
                ) {
                    #expect($0.status == .unauthorized)
                }
            }
        }
    }

    @Test("malformed and oversized bodies get 4xx problems and the server keeps serving")
    func badBodies() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.client.execute(
                uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            for path in ["/api/auth/refresh", "/api/auth/logout"] {
                for body in [#"{"refresh_token": 5}"#, "[]", "not json"] {
                    try await fixture.client.execute(
                        uri: path, method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ) { response in
                        #expect(response.status == .badRequest, "\(path) \(body): \(response.status)")
                    }
                }
            }
            let huge = ByteBuffer(
                string: #"{"username":""# + String(repeating: "a", count: 3 << 20) + #"","password":"x"}"#)
            try await fixture.client.execute(
                uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"], body: huge
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await fixture.client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    private func refresh(_ fixture: ServerFixture, _ token: String, expect status: HTTPResponse.Status) async throws
        -> [String: Any]?
    {
        try await fixture.client.execute(
            uri: "/api/auth/refresh", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"refresh_token":"\#(token)"}"#)
        ) { response in
            #expect(response.status == status)
            return status == .ok ? try ServerFixture.json(response.body) : nil
        }
    }

    static func padded(_ text: String) -> String {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return base64
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

@Suite("chatbot serve: login throttling")
struct ServerLoginThrottleTests {
    static func login(_ fixture: ServerFixture, _ name: String, _ password: String) async throws -> (
        Int, String?, String
    ) {
        try await fixture.client.execute(
            uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(name)","password":"\#(password)"}"#)
        ) { response in
            var body = try ServerFixture.json(response.body)
            body["request_id"] = nil
            return (
                Int(response.status.code), response.headers[.retryAfter],
                String(describing: body.sorted { $0.key < $1.key })
            )
        }
    }

    @Test(
        "the 6th wrong password in a minute is refused with Retry-After even with the right password, alike for a missing account"
    )
    func sixthAttempt() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("amy")
            for _ in 0..<5 {
                #expect(try await Self.login(fixture, "amy", "wrong password 1").0 == 401)
                #expect(try await Self.login(fixture, "ghost", "wrong password 1").0 == 401)
            }
            let amy = try await Self.login(fixture, "Amy", ServerFixture.password)
            let ghost = try await Self.login(fixture, "ghost", ServerFixture.password)
            #expect(amy.0 == 429)
            #expect(Int(amy.1 ?? "") ?? 0 >= 1)
            // The same answer whether the account exists (the seconds to wait aside).
            let shape = { (text: String) in text.filter { !$0.isNumber } }
            #expect(amy.0 == ghost.0 && shape(amy.2) == shape(ghost.2))
            // Another account from the same address still works.
            try await fixture.addUser("bea")
            #expect(try await Self.login(fixture, "bea", ServerFixture.password).0 == 200)
        }
    }
}
