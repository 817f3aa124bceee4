import ChatbotAccounts
import ChatbotCore
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every route the router holds, tried with every kind of bad credential and as every role. A
/// route added without a rule here fails the test.
@Suite("chatbot serve: authorization matrix")
struct ServerAuthorizationMatrixTests {
    enum Rule {
        /// Anyone, no credential.
        case open
        /// Any signed-in user with the `chat` scope (their own things only).
        case user
        /// Members and admins (a write scope); viewers get 403.
        case writer
        /// Admins only; others get 403.
        case admin
    }

    /// The rule of each route. Keep in step with the router: a missing entry fails.
    static let rules: [String: Rule] = [
        "GET /healthz": .open, "GET /readyz": .open, "GET /metrics": .admin, "GET /openapi.json": .open,
        "GET /": .open, "GET /app.js": .open, "GET /markdown.js": .open, "GET /app.css": .open,
        "GET /api/ws": .open, "POST /api/auth/login": .open, "POST /api/auth/refresh": .open,
        "POST /api/auth/logout": .open,
        "GET /api/auth/me": .user,
        "GET /api/conversations": .user, "POST /api/conversations": .user,
        "GET /api/conversations/{id}": .user, "PATCH /api/conversations/{id}": .user,
        "DELETE /api/conversations/{id}": .user, "POST /api/conversations/{id}/messages": .user,
        "GET /api/conversations/{id}/export": .user,
        "GET /api/messages/{id}/events": .user, "POST /api/messages/{id}/cancel": .user,
        "GET /api/collections": .user, "POST /api/collections": .writer, "GET /api/collections/{name}": .user,
        "PATCH /api/collections/{name}": .writer, "DELETE /api/collections/{name}": .writer, "GET /api/search": .user,
        "GET /api/keys": .user, "POST /api/keys": .user, "DELETE /api/keys/{id}": .user,
        "GET /api/users": .admin, "POST /api/users": .admin, "GET /api/users/{name}": .admin,
        "PATCH /api/users/{name}": .admin, "DELETE /api/users/{name}": .admin,
        "POST /api/users/{name}/password": .admin, "GET /api/audit": .admin,
        "GET /api/usage": .user, "GET /v1/models": .user, "POST /v1/chat/completions": .user,
        "POST /v1/embeddings": .user,
        "POST /v1/audio/transcriptions": .user,
        "POST /api/collections/{name}/documents": .writer, "POST /api/collections/{name}/urls": .writer,
        "POST /api/transcriptions": .user, "GET /api/jobs": .user, "GET /api/jobs/{id}": .user,
        "GET /api/jobs/{id}/events": .user, "POST /api/jobs/{id}/cancel": .user, "POST /api/jobs/{id}/retry": .user,
    ]

    @Test(
        "no credential, an expired token, a token from another key, alg none, HS256: 401 on every protected route; roles get what their rule says"
    )
    func matrix() async throws {
        try await ServerFixture.with { fixture in
            let routes = fixture.routes.map { (key: "\($0.method) \($0.path)", method: $0.method, path: $0.path) }
            let unknown = routes.map(\.key).filter { Self.rules[$0] == nil }
            #expect(unknown.isEmpty, "routes without a rule: \(unknown)")
            #expect(Set(routes.map(\.key)) == Set(Self.rules.keys), "rules for routes that are gone")

            let viewer = try await fixture.addUser("vic", role: .viewer)
            try await fixture.addUser("mel", role: .member)
            try await fixture.addUser("ada", role: .admin)
            let real = try await fixture.token("vic")
            let bad = try await Self.badTokens(fixture, user: viewer, real: real)
            let roles = [("vic", Role.viewer), ("mel", .member), ("ada", .admin)]
            var tokens: [Role: String] = [:]
            for (name, role) in roles { tokens[role] = try await fixture.token(name) }

            for route in routes {
                let rule = try #require(Self.rules[route.key])
                let uri = route.path.replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
                    .replacingOccurrences(of: "{name}", with: "nobody")
                let body = ByteBuffer(string: "{}")
                guard rule != .open else { continue }
                for (label, credential) in bad {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let credential { headers[.authorization] = "Bearer \(credential)" }
                    try await fixture.client.execute(uri: uri, method: route.method, headers: headers, body: body) {
                        #expect($0.status == .unauthorized, "\(route.key) with \(label): \($0.status)")
                    }
                }
                for (_, role) in roles {
                    let token = try #require(tokens[role])
                    try await fixture.client.execute(
                        uri: uri, method: route.method, headers: ServerFixture.bearer(token), body: body
                    ) { response in
                        #expect(response.status != .unauthorized, "\(route.key) as \(role)")
                        if (rule == .admin && role != .admin) || (rule == .writer && role == .viewer) {
                            #expect(response.status == .forbidden, "\(route.key) as \(role): \(response.status)")
                        } else {
                            #expect(response.status != .forbidden, "\(route.key) as \(role): \(response.status)")
                        }
                        #expect(response.status.code < 500, "\(route.key) as \(role): \(response.status)")
                    }
                }
            }
        }
    }

    /// Credentials that must never pass: none, expired, signed by a key the server does not hold,
    /// `alg: none`, HS256 keyed with the server's own public key id, and a garbage key.
    static func badTokens(_ fixture: ServerFixture, user: User, real: String) async throws -> [(String, String?)] {
        let parts = real.split(separator: ".").map(String.init)
        let header = try #require(
            try JSONSerialization.jsonObject(with: Self.base64URLDecode(parts[0])) as? [String: Any])
        let kid = header["kid"] as? String ?? ""
        var claims = try #require(
            try JSONSerialization.jsonObject(with: Self.base64URLDecode(parts[1])) as? [String: Any])

        // Expired: issued an hour ago by the server's own key.
        let past = Date().addingTimeInterval(-3600)
        let oldTokens = TokenService(
            database: SQLStoreAccountsDatabase(fixture.database), accounts: fixture.accounts, now: { past })
        let expired = try await oldTokens.issueAccessToken(for: user).token

        // Signed with a key the server never made, under the real kid.
        let stranger = Curve25519.Signing.PrivateKey()
        let signingInput = parts[0] + "." + parts[1]
        let strangerSignature = try stranger.signature(for: Data(signingInput.utf8))
        let foreign = signingInput + "." + Self.base64URL(strangerSignature)

        claims["role"] = "admin"
        let payload = Self.base64URL(try JSONSerialization.data(withJSONObject: claims))
        let none = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + payload + "."
        let hsHeader = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT","kid":"\#(kid)"}"#.utf8))
        let hsInput = hsHeader + "." + payload
        let mac = HMAC<SHA256>.authenticationCode(for: Data(hsInput.utf8), using: SymmetricKey(data: Data(kid.utf8)))
        let hs256 = hsInput + "." + Self.base64URL(Data(mac))
        return [
            ("no credential", nil), ("expired", expired), ("foreign key", foreign), ("alg none", none),
            ("HS256", hs256), ("garbage key", "cbk_00_00"),
        ]
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) throws -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return try #require(Data(base64Encoded: base64))
    }
}
