import ChatbotAccounts
import ChatbotCore
import ChatbotServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Budgets on the server, spent by real answers of the local model at the fixture's price: once
/// one is used up the next request is refused before the provider is called (a counting proxy in
/// front of llama-server shows it), with 429 `budget-exceeded` (`insufficient_quota` on /v1).
@Suite("chatbot serve: budgets")
struct ServerBudgetTests {
    static func completion(_ text: String, stream: Bool = false) -> ByteBuffer {
        ByteBuffer(
            string:
                #"{"messages":[{"role":"user","content":"\#(text)"}],"max_tokens":8,"temperature":0,"stream":\#(stream)}"#
        )
    }

    @Test(
        "a key's cost budget: answers spend it, then /v1 and conversations refuse without calling the provider",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func keyBudget() async throws {
        let llama = try #require(ServerFixture.llamaURL)
        try await CountingProxy.with(upstream: llama) { proxy, url in
            try await ServerFixture.with(providerURL: url) { fixture in
                try await fixture.addUser("bea")
                // At the fixture's price (1000/2000 USD per million tokens) one short answer costs
                // a few cents: a budget of 5 cents lasts one or two.
                let budget = Budget(cost: 0.05, period: .day)
                let key = try await fixture.keys.create(
                    owner: "bea", name: "ci", scopes: [.chat], budget: budget, by: fixture.admin)
                #expect(key.key.budget == budget)
                var answered = 0
                var refused = false
                for attempt in 0..<8 where !refused {
                    try await fixture.client.execute(
                        uri: "/v1/chat/completions", method: .post,
                        headers: ServerFixture.bearer(key.secret),
                        body: Self.completion("Say hello number \(attempt).", stream: attempt % 2 == 1)
                    ) { response in
                        if response.status == .tooManyRequests {
                            refused = true
                        } else {
                            #expect(response.status == .ok, "\(String(buffer: response.body))")
                            answered += 1
                        }
                    }
                }
                #expect(refused, "the budget never ran out")
                #expect(answered >= 1)
                #expect(proxy.requests == answered, "only answers reached the provider")

                // Refused again: /v1 in OpenAI's shape, streaming or not, and a conversation.
                for stream in [false, true] {
                    try await fixture.client.execute(
                        uri: "/v1/chat/completions", method: .post,
                        headers: ServerFixture.bearer(key.secret),
                        body: Self.completion("Once more.", stream: stream)
                    ) { response in
                        #expect(response.status == .tooManyRequests)
                        #expect(response.headers[HTTPField.Name("x-should-retry")!] == "false")
                        let retry = Int(response.headers[.retryAfter] ?? "") ?? 0
                        #expect((1...86_400).contains(retry), "\(response.headers)")
                        let error = try #require(try ServerFixture.json(response.body)["error"] as? [String: Any])
                        #expect(error["code"] as? String == "insufficient_quota")
                        #expect(error["type"] as? String == "insufficient_quota")
                        let message = error["message"] as? String ?? ""
                        #expect(
                            message.contains("daily cost budget of $0.05 for API key 'ci' is used up"), "\(message)")
                        #expect(message.contains("renews at"))
                    }
                }
                try await fixture.client.execute(
                    uri: "/api/conversations", method: .post,
                    headers: ServerFixture.bearer(key.secret),
                    body: ByteBuffer(string: #"{"message":"Hello?"}"#)
                ) { response in
                    #expect(response.status == .tooManyRequests)
                    let problem = try ServerFixture.json(response.body)
                    #expect(problem["type"] as? String == "urn:chatbot:problem:budget-exceeded", "\(problem)")
                }
                #expect(proxy.requests == answered, "a refused request reached the provider")

                // Another key of the same user still answers; /api/usage shows the spent budget.
                let other = try await fixture.keys.create(
                    owner: "bea", name: "other", scopes: [.chat], by: fixture.admin)
                try await fixture.client.execute(
                    uri: "/api/usage", method: .get, headers: ServerFixture.bearer(key.secret)
                ) { response in
                    #expect(response.status == .ok)
                    let budgets = try #require(try ServerFixture.json(response.body)["budgets"] as? [[String: Any]])
                    #expect(budgets.count == 1)
                    #expect(budgets.first?["scope"] as? String == "key")
                    #expect(budgets.first?["name"] as? String == "ci")
                    #expect(budgets.first?["exhausted"] as? Bool == true)
                    #expect(budgets.first?["remaining_cost"] as? Double == 0)
                    #expect((budgets.first?["spent_cost"] as? Double ?? 0) >= 0.05)
                }
                try await fixture.client.execute(
                    uri: "/v1/chat/completions", method: .post,
                    headers: ServerFixture.bearer(other.secret),
                    body: Self.completion("Hi.")
                ) { #expect($0.status == .ok) }
                #expect(proxy.requests == answered + 1)
            }
        }
    }

    @Test(
        "a role's token budget covers its users' conversations; the user's own budget replaces it",
        .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
    func userBudget() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.limits.roles["viewer"] = RoleLimits(userBudget: Budget(tokens: 1, period: .month))
        try await ServerFixture.with(options: options) { fixture in
            try await fixture.addUser("vic", role: .viewer)
            try await fixture.addUser("max", role: .viewer)
            try await fixture.accounts.setLimits(
                UserLimits(budget: Budget(tokens: 1_000_000, period: .month)), of: "max", by: fixture.admin)
            for name in ["vic", "max"] {
                let token = try #require(try await fixture.login(name)["access_token"] as? String)
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<2 {
                    try await fixture.client.execute(
                        uri: "/api/conversations", method: .post,
                        headers: ServerFixture.bearer(token),
                        body: ByteBuffer(string: #"{"message":"Hello?","max_tokens":4}"#)
                    ) { response in
                        statuses.append(response.status)
                        if response.status == .tooManyRequests {
                            let detail = try ServerFixture.json(response.body)["detail"] as? String ?? ""
                            #expect(
                                detail.contains("monthly budget of 1 tokens for user 'vic' is used up"), "\(detail)")
                        }
                    }
                }
                // vic's role budget (1 token) is gone after one answer; max's own budget is not.
                #expect(
                    statuses == (name == "vic" ? [.created, .tooManyRequests] : [.created, .created]),
                    "\(name): \(statuses)")
            }
        }
    }
}
