import ChatbotAccounts
import ChatbotServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("chatbot serve: trusted proxies and CORS")
struct ServerProxyAndCORSTests {
    static func failLogin(_ fixture: ServerFixture, forwardedFor: String) async throws {
        try await fixture.client.execute(
            uri: "/api/auth/login", method: .post,
            headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: forwardedFor],
            body: ByteBuffer(string: #"{"username":"nobody","password":"wrong password"}"#)
        ) { #expect($0.status == .unauthorized) }
    }

    static func auditedAddresses(_ fixture: ServerFixture) async throws -> [String?] {
        try await AuditLog(database: SQLStoreAccountsDatabase(fixture.database)).entries()
            .filter { $0.action == "login.failed" }.map(\.ip)
    }

    @Test("X-Forwarded-For from a direct client is ignored: the audit log and the throttle see the peer")
    func spoofedHeaderIgnored() async throws {
        try await ServerFixture.with { fixture in
            try await Self.failLogin(fixture, forwardedFor: "203.0.113.9")
            try await Self.failLogin(fixture, forwardedFor: "198.51.100.7, 203.0.113.10")
            #expect(try await Self.auditedAddresses(fixture) == ["127.0.0.1", "127.0.0.1"])
        }
    }

    @Test("from a trusted proxy, the right-most untrusted address is the client; garbage is not")
    func trustedProxy() async throws {
        try await ServerFixture.with(
            options: ServerOptions(host: "127.0.0.1", port: 0, trustedProxies: ["127.0.0.0/8"])
        ) {
            fixture in
            try await Self.failLogin(fixture, forwardedFor: "198.51.100.7, 203.0.113.9")
            try await Self.failLogin(fixture, forwardedFor: "203.0.113.10, 127.0.0.2")
            try await Self.failLogin(fixture, forwardedFor: "not-an-address")
            #expect(try await Self.auditedAddresses(fixture) == ["203.0.113.9", "203.0.113.10", "127.0.0.1"])
        }
    }

    @Test(
        "CORS: a listed origin is echoed with credentials and preflights get 204; another origin gets no CORS headers")
    func cors() async throws {
        let options = ServerOptions(host: "127.0.0.1", port: 0, corsOrigins: ["https://app.example"])
        try await ServerFixture.with(options: options) { fixture in
            let origin = HTTPField.Name("Origin")!
            try await fixture.client.execute(uri: "/healthz", method: .get, headers: [origin: "https://evil.example"]) {
                #expect($0.headers[.accessControlAllowOrigin] == nil)
            }
            try await fixture.client.execute(uri: "/healthz", method: .get, headers: [origin: "https://app.example"]) {
                #expect($0.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect($0.headers[.accessControlAllowCredentials] == "true")
            }
            try await fixture.client.execute(
                uri: "/api/conversations", method: .options,
                headers: [origin: "https://app.example", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            try await fixture.client.execute(
                uri: "/api/conversations", method: .options,
                headers: [origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.status != .noContent)
            }
        }
    }

    @Test("a path without the request's method answers 405 with Allow; an unknown path or a missing resource 404")
    func methodNotAllowed() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("mona")
            let headers = ServerFixture.bearer(try await fixture.token("mona"))
            let id = UUID().uuidString.lowercased()
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.delete, "/api/auth/me", "GET, HEAD"),
                (.put, "/api/conversations/\(id)", "DELETE, GET, HEAD, PATCH"),
                (.get, "/v1/chat/completions", "POST"),
                (.post, "/healthz", "GET, HEAD"),
            ]
            for (method, path, allow) in cases {
                try await fixture.client.execute(uri: path, method: method, headers: headers) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                }
            }
            try await fixture.client.execute(uri: "/api/auth/me", method: .delete, headers: headers) { response in
                let problem = try ServerFixture.json(response.body)
                #expect((problem["type"] as? String)?.hasSuffix("method-not-allowed") == true, "\(problem)")
            }
            // HEAD answers as GET would, without the body.
            try await fixture.client.execute(uri: "/api/auth/me", method: .head, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.body.readableBytes == 0)
            }
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/no-such-thing"), (.delete, "/api/no-such-thing"),
                (.head, "/api/no-such-thing"),
                (.get, "/api/conversations/\(id)"),  // the route exists; the conversation does not
            ] {
                try await fixture.client.execute(uri: path, method: method, headers: headers) { response in
                    #expect(response.status == .notFound, "\(method) \(path)")
                    #expect(response.headers[.allow] == nil)
                }
            }
        }
    }
}
