import ChatbotAccounts
import ChatbotStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `/api/collections` and `/api/search`: a private collection is its owner's (and admins')
/// alone — to anyone else it does not exist, on every verb and in every list or search — a
/// shared one every user may read and search but only its owner or an admin may change; and an
/// ask with a collection answers with its sources.
@Suite("chatbot serve: collections and search")
struct ServerCollectionTests {
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    /// Alice's two collections with a document each, made through the API.
    static func aliceCollections(_ fixture: ServerFixture, token: String) async throws {
        for (name, visibility) in [("alice-notes", "private"), ("team-handbook", "shared")] {
            try await fixture.client.execute(
                uri: "/api/collections", method: .post, headers: ServerFixture.bearer(token),
                body: body(#"{"name":"\#(name)","visibility":"\#(visibility)"}"#)
            ) { response in
                #expect(response.status == .created, "\(name): \(response.status)")
                let made = try ServerFixture.json(response.body)
                #expect(made["name"] as? String == name && made["visibility"] as? String == visibility)
                #expect(made["owner"] as? Bool == true)
            }
        }
        let texts = [
            "alice-notes": "The lighthouse keeper's salary is a secret kept in Alice's notes.",
            "team-handbook": "The lighthouse lamp is checked every evening before sunset by the duty keeper.",
        ]
        for (collection, text) in texts {
            try await fixture.database.documents.replace(
                DocumentRecord(
                    collection: collection, source: "/docs/\(collection).md",
                    contentHash: String(repeating: "a", count: 64), mediaType: "text/markdown", size: text.utf8.count,
                    title: collection),
                chunks: [ChunkRecord(ordinal: 0, text: text)])
        }
    }

    @Test(
        "a private collection is invisible to another member on every verb and in search; a shared one is readable, not changeable"
    )
    func ownership() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("alice")
            let bobUser = try await fixture.addUser("bob")
            try await fixture.addUser("vera", role: .viewer)
            try await fixture.addUser("ada", role: .admin)
            let alice = try await fixture.token("alice")
            let bob = try await fixture.token("bob")
            let vera = try await fixture.token("vera")
            let ada = try await fixture.token("ada")
            try await Self.aliceCollections(fixture, token: alice)

            func names(_ token: String) async throws -> [String] {
                try await fixture.client.execute(
                    uri: "/api/collections", method: .get, headers: ServerFixture.bearer(token)
                ) { response in
                    #expect(response.status == .ok)
                    let data = try ServerFixture.json(response.body)["data"] as? [[String: Any]] ?? []
                    return data.compactMap { $0["name"] as? String }.sorted()
                }
            }
            #expect(try await names(alice) == ["alice-notes", "team-handbook"])
            #expect(try await names(bob) == ["team-handbook"])
            #expect(try await names(vera) == ["team-handbook"])
            #expect(try await names(ada) == ["alice-notes", "team-handbook"])

            // Bob: Alice's private collection does not exist for him, whatever he does.
            // (An ask names the collection in its body: a 400, as for a collection that does not exist.)
            let hidden: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
                (.get, "/api/collections/alice-notes", nil, .notFound),
                (.patch, "/api/collections/alice-notes", #"{"visibility":"shared"}"#, .notFound),
                (.delete, "/api/collections/alice-notes", nil, .notFound),
                (.get, "/api/search?q=lighthouse&collection=alice-notes", nil, .notFound),
                (.post, "/api/conversations", #"{"message":"salary?","collection":"alice-notes"}"#, .badRequest),
                (.post, "/api/conversations", #"{"message":"salary?","collection":"no-such-thing"}"#, .badRequest),
            ]
            for (method, uri, json, expected) in hidden {
                try await fixture.client.execute(
                    uri: uri, method: method, headers: ServerFixture.bearer(bob), body: json.map(Self.body)
                ) { response in
                    #expect(response.status == expected, "\(method) \(uri): \(response.status)")
                    #expect(!String(buffer: response.body).contains("salary"))
                }
            }
            // A shared collection: readable by Bob, but his to change or delete it is not.
            try await fixture.client.execute(
                uri: "/api/collections/team-handbook", method: .get, headers: ServerFixture.bearer(bob)
            ) { response in
                #expect(response.status == .ok)
                let shown = try ServerFixture.json(response.body)
                #expect(shown["owner"] as? Bool == false)
                #expect((shown["sources"] as? [[String: Any]])?.first?["source"] as? String == "/docs/team-handbook.md")
            }
            for (method, json) in [(HTTPRequest.Method.patch, #"{"visibility":"private"}"#), (.delete, nil)] {
                try await fixture.client.execute(
                    uri: "/api/collections/team-handbook", method: method, headers: ServerFixture.bearer(bob),
                    body: json.map(Self.body)
                ) { #expect($0.status == .forbidden, "\(method): \($0.status)") }
            }
            // A viewer creates nothing; a taken name is a conflict; a bad name a 400.
            try await fixture.client.execute(
                uri: "/api/collections", method: .post, headers: ServerFixture.bearer(vera),
                body: Self.body(#"{"name":"vera-stuff"}"#)
            ) { #expect($0.status == .forbidden) }
            try await fixture.client.execute(
                uri: "/api/collections", method: .post, headers: ServerFixture.bearer(bob),
                body: Self.body(#"{"name":"alice-notes"}"#)
            ) { #expect($0.status == .conflict) }
            for bad in [#"{"name":"../etc"}"#, #"{"name":""}"#, #"{"name":"ok","visibility":"public"}"#] {
                try await fixture.client.execute(
                    uri: "/api/collections", method: .post, headers: ServerFixture.bearer(bob), body: Self.body(bad)
                ) { #expect($0.status == .badRequest, "\(bad): \($0.status)") }
            }

            // Search: without a collection, everything Bob may read — never Alice's notes.
            try await fixture.client.execute(
                uri: "/api/search?q=lighthouse%20keeper", method: .get, headers: ServerFixture.bearer(bob)
            ) { response in
                #expect(response.status == .ok)
                let hits = try ServerFixture.json(response.body)["data"] as? [[String: Any]] ?? []
                #expect(hits.map { $0["collection"] as? String } == ["team-handbook"])
                #expect(hits.first?["citation"] as? String == "team-handbook.md")
            }
            try await fixture.client.execute(
                uri: "/api/search?q=lighthouse", method: .get, headers: ServerFixture.bearer(ada)
            ) { response in
                let hits = try ServerFixture.json(response.body)["data"] as? [[String: Any]] ?? []
                #expect(Set(hits.compactMap { $0["collection"] as? String }) == ["alice-notes", "team-handbook"])
            }

            // The owner unshares; Bob loses it. An admin deletes Alice's private one.
            try await fixture.client.execute(
                uri: "/api/collections/team-handbook", method: .patch, headers: ServerFixture.bearer(alice),
                body: Self.body(#"{"visibility":"private"}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await names(bob) == [])
            try await fixture.client.execute(
                uri: "/api/collections/alice-notes", method: .delete, headers: ServerFixture.bearer(ada)
            ) { #expect($0.status == .noContent) }
            #expect(try await names(alice) == ["team-handbook"])
            #expect(try await fixture.database.documents.documents(collection: "alice-notes").isEmpty)
            // Bob never started a conversation: the refused ask recorded nothing.
            let bobs = try await fixture.database.conversations(ownedBy: bobUser.id).listConversations(
                limit: 10, offset: 0)
            #expect(bobs.isEmpty)
        }
    }

    @Test("an ask with a collection sends its chunks as sources: a sources event before the text, sources in the JSON")
    func groundedAsk() async throws {
        guard ServerFixture.llamaURL != nil else { return }
        try await ServerFixture.with { fixture in
            try await fixture.addUser("alice")
            try await fixture.addUser("bob")
            let alice = try await fixture.token("alice")
            let bob = try await fixture.token("bob")
            try await Self.aliceCollections(fixture, token: alice)
            let ask =
                #"{"message":"When is the lighthouse lamp checked?","collection":"team-handbook","max_tokens":8,"temperature":0}"#
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: ServerFixture.bearer(bob), body: Self.body(ask)
            ) { response in
                #expect(response.status == .created)
                let answer = try ServerFixture.json(response.body)
                #expect(answer["collection"] as? String == "team-handbook")
                let sources = answer["sources"] as? [[String: Any]] ?? []
                #expect(sources.count == 1)
                #expect(sources.first?["rank"] as? Int == 1)
                #expect(sources.first?["citation"] as? String == "team-handbook.md")
            }
            var headers = ServerFixture.bearer(bob)
            headers[.accept] = "text/event-stream"
            try await fixture.client.execute(
                uri: "/api/conversations", method: .post, headers: headers, body: Self.body(ask)
            ) { response in
                let events = ServerEvents.parse(String(buffer: response.body))
                let names = events.map(\.name)
                #expect(Array(names.prefix(2)) == ["conversation", "sources"], "\(names)")
                #expect(names.last == "done")
                let cited = (events.dropFirst().first?.json["sources"] as? [[String: Any]])?.first?["citation"]
                #expect(cited as? String == "team-handbook.md")
            }
        }
    }
}
