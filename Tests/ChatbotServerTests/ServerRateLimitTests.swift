import AsyncHTTPClient
import ChatbotAccounts
import ChatbotCore
import ChatbotServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// Requests per minute per key, per user and per anonymous address: the RateLimit headers on
/// every limited answer, and 429 with Retry-After once a limit is used up.
@Suite("chatbot serve: rate limits")
struct ServerRateLimitTests {
    static func options(key: Int = 0, user: Int = 0, anonymous: Int = 0) -> ServerOptions {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.limits = LimitSettings(
            keyRequestsPerMinute: key, userRequestsPerMinute: user, anonymousRequestsPerMinute: anonymous)
        return options
    }

    @Test("a key's own limit: RateLimit headers, then 429 with Retry-After (problem+json; OpenAI's shape on /v1)")
    func keyLimit() async throws {
        try await ServerFixture.with(options: Self.options(key: 100)) { fixture in
            try await fixture.addUser("rita")
            let limited = try await fixture.keys.create(
                owner: "rita", name: "limited", requestsPerMinute: 3, by: fixture.admin)
            let other = try await fixture.keys.create(owner: "rita", name: "other", by: fixture.admin)
            #expect(limited.key.requestsPerMinute == 3)
            for remaining in [2, 1, 0] {
                try await fixture.client.execute(
                    uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(limited.secret)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("RateLimit-Policy")!] == #""key";q=3;w=60"#)
                    #expect(
                        response.headers[HTTPField.Name("RateLimit")!]?.hasPrefix(#""key";r=\#(remaining);t="#) == true,
                        "\(response.headers)")
                }
            }
            try await fixture.client.execute(
                uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(limited.secret)
            ) { response in
                #expect(response.status == .tooManyRequests)
                // 3 a minute: the next cell 20 s after the first request (less the time the
                // requests took).
                let retry = Int(response.headers[.retryAfter] ?? "") ?? 0
                #expect((1...20).contains(retry), "\(response.headers)")
                #expect(response.headers[HTTPField.Name("RateLimit")!]?.hasPrefix(#""key";r=0;"#) == true)
                let problem = try ServerFixture.json(response.body)
                #expect((problem["type"] as? String)?.hasSuffix("rate-limited") == true, "\(problem)")
                #expect((problem["detail"] as? String)?.contains("API key") == true)
            }
            try await fixture.client.execute(
                uri: "/v1/models", method: .get, headers: ServerFixture.bearer(limited.secret)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                let error = try #require(try ServerFixture.json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "rate_limit_exceeded")
            }
            // Another key of the same user has its own cells, at the server's default.
            try await fixture.client.execute(
                uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(other.secret)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("RateLimit-Policy")!] == #""key";q=100;w=60"#)
            }
        }
    }

    @Test("a user's limit holds over all their keys")
    func userLimit() async throws {
        try await ServerFixture.with(options: Self.options(user: 2)) { fixture in
            try await fixture.addUser("ugo")
            let first = try await fixture.keys.create(owner: "ugo", name: "one", by: fixture.admin)
            let second = try await fixture.keys.create(owner: "ugo", name: "two", by: fixture.admin)
            var statuses: [HTTPResponse.Status] = []
            for key in [first, second, first, second] {
                try await fixture.client.execute(
                    uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(key.secret)
                ) { statuses.append($0.status) }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests, .tooManyRequests])
        }
    }

    @Test("without a valid credential, requests count per client address; a spoofed X-Forwarded-For changes nothing")
    func anonymous() async throws {
        try await ServerFixture.with(options: Self.options(anonymous: 3)) { fixture in
            try await fixture.addUser("ada")
            let key = try await fixture.keys.create(owner: "ada", by: fixture.admin)
            let wrong = ServerFixture.bearer("cbk_0000000000000000_" + String(repeating: "0", count: 64))
            for _ in 0..<3 {
                try await fixture.client.execute(uri: "/api/auth/me", method: .get, headers: wrong) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            var spoofed = wrong
            spoofed[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.7"
            try await fixture.client.execute(uri: "/api/auth/me", method: .get, headers: spoofed) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
            // The public routes share the address's limit.
            try await fixture.client.execute(
                uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"ada","password":"\#(ServerFixture.password)"}"#)
            ) { response in
                #expect(response.status == .tooManyRequests)
            }
            // A valid key is not counted per address.
            try await fixture.client.execute(
                uri: "/api/auth/me", method: .get, headers: ServerFixture.bearer(key.secret)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    static func completion(maxTokens: Int, stream: Bool = false) -> ByteBuffer {
        ByteBuffer(
            string: #"{"messages":[{"role":"user","content":"Count from one to ten."}],"max_tokens":\#(maxTokens),"#
                + #""temperature":0,"stream":\#(stream)}"#)
    }

    @Test(
        "a key's tokens per minute: max_tokens is reserved up front, what the answer did not use comes back",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func tokensPerMinute() async throws {
        try await ServerFixture.with(options: Self.options()) { fixture in
            try await fixture.addUser("tess")
            let key = try await fixture.keys.create(owner: "tess", tokensPerMinute: 1_000, by: fixture.admin)
            #expect(key.key.tokensPerMinute == 1_000)
            // More than a minute's tokens at once: refused before the provider is asked.
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: ServerFixture.bearer(key.secret),
                body: Self.completion(maxTokens: 2_000)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[HTTPField.Name("RateLimit-Policy")!] == #""key-tpm";q=1000;w=60"#)
                let error = try #require(try ServerFixture.json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "rate_limit_exceeded")
                #expect((error["message"] as? String)?.contains("1000 tokens a minute") == true, "\(error)")
            }
            let reserve =
                ChatUsage.estimate(
                    prompt: [ChatMessage(role: .user, content: "Count from one to ten.")], completion: ""
                ).promptTokens + 40
            var used = 0
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: ServerFixture.bearer(key.secret),
                body: Self.completion(maxTokens: 40)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.headers[HTTPField.Name("RateLimit")!]?.hasPrefix(#""key-tpm";r=\#(1_000 - reserve);"#)
                        == true, "\(response.headers)")
                let usage = try #require(try ServerFixture.json(response.body)["usage"] as? [String: Any])
                used = try #require(usage["total_tokens"] as? Int)
            }
            // The first answer's reservation was settled to what it used (plus a little refill).
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: ServerFixture.bearer(key.secret),
                body: Self.completion(maxTokens: 40)
            ) { response in
                #expect(response.status == .ok)
                let field = response.headers[HTTPField.Name("RateLimit")!] ?? ""
                let remaining = Int(field.split(separator: ";").first { $0.hasPrefix("r=") }?.dropFirst(2) ?? "") ?? -1
                let expected = 1_000 - used - reserve
                #expect((expected...(expected + 200)).contains(remaining), "\(field); used \(used)")
            }
        }
    }

    @Test(
        "concurrent streams per user: a second stream is refused while the first runs, and allowed after it",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func concurrentStreams() async throws {
        var options = Self.options()
        options.limits.userStreams = 5
        options.limits.roles["viewer"] = RoleLimits(userStreams: 1)
        try await ServerFixture.with(options: options) { fixture in
            try await fixture.addUser("val", role: .viewer)
            let key = try await fixture.keys.create(owner: "val", scopes: [.chat], by: fixture.admin)
            let port = try #require(fixture.client.port)
            func request(maxTokens: Int) -> HTTPClientRequest {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(key.secret)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(Self.completion(maxTokens: maxTokens, stream: true))
                return request
            }
            let first = try await HTTPClient.shared.execute(request(maxTokens: 200), timeout: .seconds(120))
            #expect(first.status == .ok)
            var body = first.body.makeAsyncIterator()
            _ = try await body.next()
            // The first is still streaming: the viewer's one stream is taken.
            let second = try await HTTPClient.shared.execute(request(maxTokens: 4), timeout: .seconds(60))
            #expect(second.status == .tooManyRequests)
            #expect(second.headers.first(name: "Retry-After") != nil)
            let refusal = String(buffer: try await second.body.collect(upTo: 1 << 16))
            #expect(refusal.contains("streaming for this user already"), "\(refusal)")
            while try await body.next() != nil {}
            // The first ended: its slot is free again.
            let third = try await HTTPClient.shared.execute(request(maxTokens: 4), timeout: .seconds(60))
            #expect(third.status == .ok)
            _ = try await third.body.collect(upTo: 1 << 20)
        }
    }
}
