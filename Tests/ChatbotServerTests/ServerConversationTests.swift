import ChatbotAccounts
import ChatbotCore
import ChatbotStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("chatbot serve: conversations belong to their owner")
struct ServerOwnershipTests {
    @Test(
        "another user's conversation answers 404 to read, rename, delete, continue and export, and is never listed or found"
    )
    func anotherUsersConversation() async throws {
        try await ServerFixture.with { fixture in
            let ann = try await fixture.addUser("ann")
            try await fixture.addUser("bob")
            let annStore = fixture.database.conversations(ownedBy: ann.id)
            let conversation = try await annStore.createConversation(title: "ann's secret plans")
            try await annStore.appendMessage(
                MessageRecord(
                    id: UUID().uuidString.lowercased(), conversationID: conversation.id, role: .user,
                    content: "zebra migration schedule", createdAt: Date()))
            let annToken = try await fixture.token("ann")
            let bobToken = try await fixture.token("bob")
            let bob = ServerFixture.bearer(bobToken)
            let path = "/api/conversations/\(conversation.id)"
            let attempts: [(String, HTTPRequest.Method, String?)] = [
                (path, .get, nil), (path, .patch, #"{"title":"mine now"}"#), (path, .delete, nil),
                (path + "/messages", .post, #"{"message":"hello"}"#), (path + "/export", .get, nil),
            ]
            for (uri, method, body) in attempts {
                try await fixture.client.execute(
                    uri: uri, method: method, headers: bob, body: body.map { ByteBuffer(string: $0) }
                ) { response in
                    #expect(response.status == .notFound, "\(method) \(uri)")
                }
            }
            try await fixture.client.execute(uri: "/api/conversations", method: .get, headers: bob) { response in
                let page = try ServerFixture.json(response.body)
                #expect((page["data"] as? [Any])?.isEmpty == true)
            }
            try await fixture.client.execute(uri: "/api/conversations?q=zebra", method: .get, headers: bob) {
                response in
                #expect(response.status == .ok)
                try #expect((ServerFixture.json(response.body)["data"] as? [Any])?.isEmpty == true)
            }
            // Nothing changed, and the owner sees all of it.
            let ann2 = ServerFixture.bearer(annToken)
            try await fixture.client.execute(uri: path, method: .get, headers: ann2) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["title"] as? String == "ann's secret plans")
                #expect((body["messages"] as? [Any])?.count == 1)
            }
            try await fixture.client.execute(uri: "/api/conversations?q=zebra", method: .get, headers: ann2) {
                response in
                try #expect((ServerFixture.json(response.body)["data"] as? [Any])?.count == 1)
            }
            try await fixture.client.execute(
                uri: path, method: .patch, headers: ann2, body: ByteBuffer(string: #"{"title":"renamed"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await fixture.client.execute(uri: path, method: .delete, headers: ann2) {
                #expect($0.status == .noContent)
            }
            try await fixture.client.execute(uri: path, method: .get, headers: ann2) { #expect($0.status == .notFound) }
        }
    }

    @Test("search text that is SQL or FTS syntax is literal text, never a 500; a forged cursor is a 400")
    func hostileQueries() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("cid")
            let headers = ServerFixture.bearer(try await fixture.token("cid"))
            for query in [
                "' OR 1=1 --", "\"unbalanced", "a AND (b OR", "NEAR(x y)", "*", "col:val", "%00", "a\u{0}b",
                "\u{7}bell",
            ] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                try await fixture.client.execute(uri: "/api/conversations?q=\(encoded)", method: .get, headers: headers)
                {
                    #expect($0.status == .ok, "q=\(query)")
                }
            }
            try await fixture.client.execute(
                uri: "/api/conversations?cursor=bm90LWEtY3Vyc29y", method: .get, headers: headers
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }
}

@Suite(
    "chatbot serve: answers from the local model",
    .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
struct ServerAnswerTests {
    @Test("POST /api/conversations answers as JSON, records both messages, and continues the conversation")
    func askJSON() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ann")
            let headers = ServerFixture.bearer(try await fixture.token("ann"))
            let body = #"{"message":"Say hello.","max_tokens":8,"temperature":0}"#
            let conversationID: String = try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .created)
                let answer = try ServerFixture.json(response.body)
                #expect((answer["answer"] as? String)?.isEmpty == false)
                let result = try #require(answer["result"] as? [String: Any])
                #expect(result["status"] as? String == "complete")
                #expect(result["model"] as? String == "SmolLM2-135M-Instruct")
                return try #require(answer["conversation_id"] as? String)
            }
            try await fixture.client.execute(
                uri: "/api/conversations/\(conversationID)/messages", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"message":"Again.","max_tokens":8}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await fixture.client.execute(
                uri: "/api/conversations/\(conversationID)", method: .get, headers: headers
            ) {
                response in
                let messages = try #require(try ServerFixture.json(response.body)["messages"] as? [[String: Any]])
                #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user", "assistant"])
            }
            // An unknown model is refused before anything is stored.
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"message":"hi","model":"nowhere:none"}"#)
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await fixture.client.execute(uri: "/api/conversations", method: .get, headers: headers) { response in
                try #expect((ServerFixture.json(response.body)["data"] as? [Any])?.count == 1)
            }
        }
    }

    @Test("with Accept: text/event-stream the answer streams as numbered events: conversation, delta…, done")
    func askStream() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("bob")
            var headers = ServerFixture.bearer(try await fixture.token("bob"))
            headers[.accept] = "text/event-stream"
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"message":"Count to three.","max_tokens":12,"temperature":0}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = ServerEvents.parse(ServerFixture.text(response.body))
                #expect(events.first?.name == "conversation")
                #expect(events.first.map { $0.json["message_id"] as? String != nil } == true)
                #expect(events.last?.name == "done")
                #expect(events.contains { $0.name == "delta" })
                // Ids count the answer's bytes: never going back, the last one the whole text.
                let ids = events.compactMap(\.id)
                #expect(ids.count == events.count)
                #expect(ids == ids.sorted())
                #expect(ids.last == ServerEvents.text(of: events).utf8.count)
            }
        }
    }

    @Test(
        "what the model server refuses (two assistant turns at the end, a prompt past its context) is a 400, not a 500; max_tokens is bounded"
    )
    func refusedByTheModel() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("ria")
            let key = try await fixture.keys.create(owner: user.name, by: fixture.admin).secret
            let headers = ServerFixture.bearer(key)
            let twoAssistants =
                #"{"model":"small","messages":[{"role":"assistant","content":"a"},{"role":"assistant","content":"b"}]}"#
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: twoAssistants)
            ) { response in
                #expect(response.status == .badRequest, "\(String(buffer: response.body))")
                let message = (try ServerFixture.json(response.body)["error"] as? [String: Any])?["message"] as? String
                #expect(message?.hasPrefix("the model refused the request") == true, "\(message ?? "")")
                #expect(message?.contains("127.0.0.1") == false, "the model server's address leaked")
            }
            let long = String(repeating: "word ", count: 6000)
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"message":"\#(long)","max_tokens":4}"#)
            ) { response in
                #expect(response.status == .badRequest, "\(String(buffer: response.body).prefix(300))")
            }
            for path in ["/v1/chat/completions", "/api/conversations"] {
                let body =
                    path.hasPrefix("/v1")
                    ? #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":2147483648}"#
                    : #"{"message":"hi","max_tokens":4294967333}"#
                try await fixture.client.execute(
                    uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)
                ) { #expect($0.status == .badRequest, "\(path)") }
            }
        }
    }

    @Test("/v1/chat/completions with an API key: JSON, and stream chunks ending in [DONE]")
    func openAICompatible() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("cid")
            let created = try await fixture.keys.create(owner: user.name, by: fixture.admin)
            let headers = ServerFixture.bearer(created.secret)
            try await fixture.client.execute(uri: "/v1/models", method: .get, headers: headers) { response in
                let ids = (try ServerFixture.json(response.body)["data"] as? [[String: Any]])?.compactMap {
                    $0["id"] as? String
                }
                #expect(ids?.contains(ServerFixture.model) == true)
                #expect(ids?.contains("small") == true)
            }
            let request =
                #"{"model":"small","messages":[{"role":"user","content":"Say hi."}],"max_tokens":8,"temperature":0}"#
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: request)
            ) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["object"] as? String == "chat.completion")
                let choice = try #require((body["choices"] as? [[String: Any]])?.first)
                #expect(((choice["message"] as? [String: Any])?["content"] as? String)?.isEmpty == false)
                #expect((body["usage"] as? [String: Any])?["total_tokens"] as? Int ?? 0 > 0)
            }
            let streaming = request.replacingOccurrences(
                of: #""temperature":0"#, with: #""temperature":0,"stream":true"#)
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: streaming)
            ) { response in
                let lines = ServerFixture.text(response.body).split(separator: "\n").filter { $0.hasPrefix("data: ") }
                #expect(lines.last == "data: [DONE]")
                let chunks = lines.dropLast().compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
                }
                #expect(chunks.count == lines.count - 1)
                #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            }
            try await fixture.client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"model":"nowhere:none","messages":[{"role":"user","content":"x"}]}"#)
            ) { response in
                #expect(response.status == .badRequest)
                try #expect(
                    (ServerFixture.json(response.body)["error"] as? [String: Any])?["type"] as? String
                        == "invalid_request_error")
            }

            // Both answers are accounted to the key and its user, with their tokens and cost; the
            // refused request reached no model and counts for nothing.
            // (The server writes them every half second.)
            let store = fixture.database.conversations
            var byKey = try await store.usageTotals(from: nil, to: nil, by: .key)
            for _ in 0..<100 where byKey.first(where: { $0.id == created.key.id })?.answers != 2 {
                try await Task.sleep(for: .milliseconds(50))
                byKey = try await store.usageTotals(from: nil, to: nil, by: .key)
            }
            let keyTotal = try #require(byKey.first { $0.id == created.key.id }, "\(byKey)")
            #expect(keyTotal.answers == 2)
            #expect(keyTotal.completionTokens > 0 && keyTotal.promptTokens > 0)
            let expected = ServerFixture.price.cost(
                of: ChatUsage(promptTokens: keyTotal.promptTokens, completionTokens: keyTotal.completionTokens))
            #expect(abs(keyTotal.cost - expected) < 1e-9)
            let byUser = try await store.usageTotals(from: nil, to: nil, by: .user)
            #expect(byUser.first { $0.id == user.id }?.answers == 2, "\(byUser)")
            let byModel = try await store.usageTotals(from: nil, to: nil)
            #expect(byModel.first { $0.model == "SmolLM2-135M-Instruct" && $0.provider == "llama" }?.messages == 2)

            // GET /api/usage: the caller's own, per model and per key; everyone's only for admins.
            // An ask (a message in cid's conversation) counts for cid without a key.
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"message":"Say hi.","max_tokens":4}"#)
            ) { #expect($0.status == .created || $0.status == .ok) }
            try await fixture.client.execute(uri: "/api/usage", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let report = try ServerFixture.json(response.body)
                #expect(report["user"] as? String == "cid")
                #expect((report["total"] as? [String: Any])?["answers"] as? Int == 3, "\(report)")
                let keys = try #require(report["keys"] as? [[String: Any]])
                // Every group has an id: a key's, or null (never absent) for the ask, made by cid.
                #expect(keys.allSatisfy { $0.keys.contains("id") }, "\(keys)")
                #expect(keys.first { $0["id"] is NSNull }?["answers"] as? Int == 1, "\(keys)")
                let mine = try #require(keys.first { $0["id"] as? String == created.key.id })
                #expect(mine["answers"] as? Int == 2)
                #expect((mine["name"] as? String)?.hasSuffix(created.key.name) == true)
                #expect(abs((mine["cost"] as? Double ?? 0) - keyTotal.cost) < 1e-9)
            }
            for query in ["?all=true", "?user=admin"] {
                try await fixture.client.execute(uri: "/api/usage\(query)", method: .get, headers: headers) {
                    response in
                    #expect(response.status == .forbidden, "\(query)")
                }
            }
            try await fixture.client.execute(uri: "/api/usage?since=yesterday", method: .get, headers: headers) {
                #expect($0.status == .badRequest)
            }
            try await fixture.client.execute(
                uri: "/api/usage?until=2000-01-01", method: .get, headers: headers
            ) { response in
                let report = try ServerFixture.json(response.body)
                #expect((report["total"] as? [String: Any])?["answers"] as? Int == 0)
            }
            let admin = try await fixture.addUser("boss", role: .admin)
            let adminKey = try await fixture.keys.create(owner: admin.name, scopes: [.admin, .chat], by: fixture.admin)
            try await fixture.client.execute(
                uri: "/api/usage?all=true", method: .get, headers: ServerFixture.bearer(adminKey.secret)
            ) { response in
                #expect(response.status == .ok)
                let users = try #require(try ServerFixture.json(response.body)["users"] as? [[String: Any]])
                #expect(users.first { $0["name"] as? String == "cid" }?["answers"] as? Int == 3, "\(users)")
            }
        }
    }
}
