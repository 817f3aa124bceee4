import AsyncHTTPClient
import ChatbotAccounts
import ChatbotCore
import ChatbotStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import ChatbotServer

@Suite("chatbot serve: answers outlive their connection")
struct ServerAnswerLifetimeTests {
    @Test("another replica follows an answer from the database: the text after Last-Event-ID, what is added, then done")
    func followFromDatabase() async throws {
        try await ServerFixture.with { fixture in
            let ann = try await fixture.addUser("ann")
            let store = fixture.database.conversations(ownedBy: ann.id)
            let conversation = try await store.createConversation(title: "t")
            let id = UUID().uuidString.lowercased()
            try await store.appendMessage(
                MessageRecord(
                    id: id, conversationID: conversation.id, role: .assistant, content: "", model: "m", provider: "p",
                    status: .streaming, createdAt: Date()))
            #expect(try await store.saveStreamingText(messageID: id, content: "Hello", at: Date()))
            var headers = ServerFixture.bearer(try await fixture.token("ann"))
            headers[HTTPField.Name("Last-Event-ID")!] = "2"
            // The answer grows and ends while the client follows it.
            let writer = Task {
                try await Task.sleep(for: .milliseconds(600))
                _ = try await store.saveStreamingText(messageID: id, content: "Hello world", at: Date())
                try await Task.sleep(for: .milliseconds(600))
                var done = try #require(try await store.message(id: id))
                done.content = "Hello world!"
                done.status = .complete
                try await store.updateMessage(done)
            }
            try await fixture.client.execute(uri: "/api/messages/\(id)/events", method: .get, headers: headers) {
                response in
                #expect(response.status == .ok)
                let events = ServerEvents.parse(ServerFixture.text(response.body))
                #expect(ServerEvents.text(of: events) == "llo world!")
                #expect(events.last?.name == "done")
                #expect(events.last?.json["status"] as? String == "complete")
                #expect(events.last?.id == 12)
            }
            try await writer.value
            // Another user: 404 to follow and to cancel.
            try await fixture.addUser("bob")
            let bob = ServerFixture.bearer(try await fixture.token("bob"))
            try await fixture.client.execute(uri: "/api/messages/\(id)/events", method: .get, headers: bob) {
                #expect($0.status == .notFound)
            }
            try await fixture.client.execute(uri: "/api/messages/\(id)/cancel", method: .post, headers: bob) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test("a cancel from a replica that does not run the answer stops it at its next save; the text is kept")
    func cancelThroughDatabase() async throws {
        try await ServerFixture.with { fixture in
            let ann = try await fixture.addUser("ann")
            let store = fixture.database.conversations(ownedBy: ann.id)
            let conversation = try await store.createConversation(title: "t")
            let id = UUID().uuidString.lowercased()
            try await store.appendMessage(
                MessageRecord(
                    id: id, conversationID: conversation.id, role: .assistant, content: "partial", status: .streaming,
                    createdAt: Date()))
            let headers = ServerFixture.bearer(try await fixture.token("ann"))
            try await fixture.client.execute(uri: "/api/messages/\(id)/cancel", method: .post, headers: headers) {
                #expect($0.status == .accepted)
            }
            // The running process's next save is refused: that is how it learns to stop.
            #expect(try await !store.saveStreamingText(messageID: id, content: "partial and more", at: Date()))
            let record = try #require(try await store.message(id: id))
            #expect(record.status == .interrupted)
            #expect(record.content == "partial")
            try await fixture.client.execute(uri: "/api/messages/\(id)/cancel", method: .post, headers: headers) {
                #expect($0.status == .conflict)
            }
        }
    }

    @Test("answers whose process died (no heartbeat) are marked interrupted with their text; live ones are left alone")
    func abandonedAnswers() async throws {
        try await ServerFixture.with { fixture in
            let store = fixture.database.conversations
            let conversation = try await store.createConversation(title: "t")
            let dead = UUID().uuidString.lowercased()
            let alive = UUID().uuidString.lowercased()
            for (id, age) in [(dead, -120.0), (alive, -1.0)] {
                try await store.appendMessage(
                    MessageRecord(
                        id: id, conversationID: conversation.id, role: .assistant, content: "so far",
                        status: .streaming, createdAt: Date().addingTimeInterval(age)))
            }
            await AbandonedAnswerSweeper(store: store, logger: ServerFixture.logger).sweep()
            let deadRecord = try #require(try await store.message(id: dead))
            #expect(deadRecord.status == .interrupted)
            #expect(deadRecord.content == "so far")
            #expect(deadRecord.error == AbandonedAnswerSweeper.reason)
            #expect(try await store.message(id: alive)?.status == .streaming)
        }
    }
}

@Suite(
    "chatbot serve: live answers outlive their connection",
    .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
struct ServerLiveAnswerTests {
    @Test(
        "a client that disconnects after the first event does not stop the answer; it is recorded whole and can be resumed"
    )
    func disconnectThenResume() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("ann")
            let token = try await fixture.token("ann")
            let port = try #require(fixture.client.port)
            let messageID = try await Self.firstEventThenDisconnect(
                port: port, token: token,
                body: #"{"message":"Write two sentences about the sea.","max_tokens":48,"temperature":0}"#)
            // Resume from the start: the whole answer, then done with status complete.
            try await fixture.client.execute(
                uri: "/api/messages/\(messageID)/events", method: .get, headers: ServerFixture.bearer(token)
            ) { response in
                let events = ServerEvents.parse(ServerFixture.text(response.body))
                #expect(events.last?.name == "done")
                #expect(events.last?.json["status"] as? String == "complete")
                let text = ServerEvents.text(of: events)
                #expect(!text.isEmpty)
                let ann = try #require(try await fixture.accounts.user(named: "ann"))
                let stored = try await fixture.database.conversations(ownedBy: ann.id).message(id: messageID)
                #expect(stored?.content == text)
                #expect(stored?.status == .complete)
            }
        }
    }

    @Test("POST /api/messages/{id}/cancel stops a running answer; it is recorded interrupted with its partial text")
    func cancelRunning() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("bob")
            let token = try await fixture.token("bob")
            let port = try #require(fixture.client.port)
            let messageID = try await Self.firstEventThenDisconnect(
                port: port, token: token,
                body:
                    #"{"message":"Tell a very long story about a lighthouse keeper.","max_tokens":300,"temperature":0}"#
            )
            try await fixture.client.execute(
                uri: "/api/messages/\(messageID)/cancel", method: .post, headers: ServerFixture.bearer(token)
            ) { response in
                #expect(response.status == .accepted)
            }
            try await fixture.client.execute(
                uri: "/api/messages/\(messageID)/events", method: .get, headers: ServerFixture.bearer(token)
            ) { response in
                let events = ServerEvents.parse(ServerFixture.text(response.body))
                #expect(events.last?.name == "done")
                #expect(events.last?.json["status"] as? String == "interrupted")
                #expect(events.last?.json["completion_tokens"] as? Int ?? 0 < 300)
            }
        }
    }

    /// Starts a streamed ask over a connection of its own, reads the first event, and closes the
    /// connection; returns the answer's message id.
    static func firstEventThenDisconnect(port: Int, token: String, body: String) async throws -> String {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/conversations")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "text/event-stream")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(60))
            var received = ""
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("\n\n") { break }
            }
            try await client.shutdown()
            let first = try #require(ServerEvents.parse(received).first)
            return try #require(first.json["message_id"] as? String)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
