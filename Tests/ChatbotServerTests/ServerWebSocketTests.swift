import ChatbotAccounts
import ChatbotCore
import ChatbotStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import Testing

/// `/api/ws` against a live server: authentication in the first message (none in the URL), the
/// Origin check, several answers on one socket from the real llama-server, cancel, and a
/// disconnect mid-answer that a later subscription resumes exactly once.
@Suite("chatbot serve: WebSocket")
struct ServerWebSocketTests {
    static let logger = Logger(label: "ws-test")

    /// A scripted client session: JSON in, JSON out, with a deadline on every read.
    struct Session {
        var inbound: WebSocketInboundMessageStream.AsyncIterator
        let outbound: WebSocketOutboundWriter

        func send(_ object: [String: Any]) async throws {
            let data = try JSONSerialization.data(withJSONObject: object)
            try await outbound.writeTextMessage(String(decoding: data, as: UTF8.self))
        }

        /// The next JSON message, or `nil` when the server closed the socket.
        mutating func next() async throws -> [String: Any]? {
            guard let message = try await inbound.next() else { return nil }
            guard case .text(let text) = message else { return [:] }
            return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        }

        /// Messages until `done` holds (or the socket closes).
        mutating func collect(until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
            var seen: [[String: Any]] = []
            while !done(seen), let message = try await next() { seen.append(message) }
            return seen
        }
    }

    /// Runs `script` on a socket to the fixture's server; returns the server's close frame.
    @discardableResult
    static func connect(
        _ fixture: ServerFixture, headers: HTTPFields = [:],
        _ script: @escaping @Sendable (inout Session) async throws -> Void
    ) async throws -> WebSocketCloseFrame? {
        let port = try #require(fixture.client.port)
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 16, additionalHeaders: headers)
        configuration.autoPing = .disabled
        return try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)/api/ws", configuration: configuration, logger: logger
        ) { inbound, outbound, _ in
            var session = Session(inbound: inbound.messages(maxSize: 1 << 20).makeAsyncIterator(), outbound: outbound)
            try await script(&session)
        }
    }

    @Test(
        "no auth message within 5 s, a bad token or a request before auth: closed with 1008; a foreign Origin is refused"
    )
    func authentication() async throws {
        try await ServerFixture.with { fixture in
            let silent = try await Self.connect(fixture) { session in
                let reply = try await session.next()
                #expect(reply == nil)
            }
            #expect(silent?.closeCode == .policyViolation, "\(String(describing: silent))")

            let forged = try await Self.connect(fixture) { session in
                try await session.send(["type": "auth", "token": "cbk_00_00"])
                let reply = try await session.next()
                #expect(reply == nil)
            }
            #expect(forged?.closeCode == .policyViolation)

            let early = try await Self.connect(fixture) { session in
                try await session.send(["type": "ask", "message": "hi"])
                let reply = try await session.next()
                #expect(reply == nil)
            }
            #expect(early?.closeCode == .policyViolation)

            for foreign in ["https://evil.example", "http://127.0.0.1:1", "null"] {
                await #expect(throws: (any Error).self, "\(foreign)") {
                    try await Self.connect(fixture, headers: [.origin: foreign]) { _ in
                        Issue.record("the origin \(foreign) was upgraded")
                    }
                }
            }
            // Same origin (the Host it called) is fine.
            try await fixture.addUser("wendy")
            let token = try await fixture.token("wendy")
            let port = try #require(fixture.client.port)
            try await Self.connect(fixture, headers: [.origin: "http://127.0.0.1:\(port)"]) { session in
                try await session.send(["type": "auth", "token": token])
                let ready = try await session.next()
                #expect(ready?["type"] as? String == "ready")
                try await session.send(["type": "ping", "ref": "p1"])
                let pong = try await session.next()
                #expect(pong?["type"] as? String == "pong" && pong?["ref"] as? String == "p1")
            }
            // Plain HTTP to the socket's route: 426.
            try await fixture.client.execute(uri: "/api/ws", method: .get) { #expect($0.status == .upgradeRequired) }
            // A handshake key without `Upgrade: websocket` is no handshake either: 426, not an empty 200.
            let keyOnly = try await ServerOperationsTests.exchange(
                port: port,
                send: "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Connection: close\r\n\r\n",
                waitUpTo: 5)
            #expect(keyOnly.received.hasPrefix("HTTP/1.1 426"), "\(keyOnly.received)")
            #expect(keyOnly.received.contains("application/problem+json"), "\(keyOnly.received)")
        }
    }

    @Test("a disabled user is cut off at the next message; another user's answer is not found on the socket")
    func revocation() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("dora")
            let token = try await fixture.token("dora")
            let close = try await Self.connect(fixture) { session in
                try await session.send(["type": "auth", "token": token])
                let reply = try await session.next()
                #expect(reply?["type"] as? String == "ready")
                try await session.send(["type": "subscribe", "message_id": UUID().uuidString.lowercased(), "ref": "s"])
                let missing = try await session.next()
                #expect(missing?["type"] as? String == "error" && missing?["status"] as? Int == 404)
                _ = try await fixture.accounts.setDisabled(true, of: "dora", by: fixture.admin)
                try await session.send(["type": "ping"])
                let afterDisable = try await session.next()
                #expect(afterDisable == nil)
            }
            #expect(close?.closeCode == .policyViolation)
        }
    }

    @Test("two answers at once on one socket, each complete and as stored; cancel stops a third")
    func severalAnswers() async throws {
        guard ServerFixture.llamaURL != nil else { return }
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("sam")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            let store = fixture.database.conversations(ownedBy: user.id)
            try await Self.connect(fixture) { session in
                try await session.send(["type": "auth", "token": key])
                let reply = try await session.next()
                #expect(reply?["type"] as? String == "ready")
                for ref in ["a", "b"] {
                    try await session.send([
                        "type": "ask", "ref": ref, "message": "Name a colour (\(ref)).", "max_tokens": 12,
                        "temperature": 0,
                    ])
                }
                let seen = try await session.collect { messages in
                    Set(messages.filter { $0["event"] as? String == "done" }.compactMap { $0["ref"] as? String })
                        == ["a", "b"]
                }
                for ref in ["a", "b"] {
                    let events = seen.filter { $0["ref"] as? String == ref }
                    #expect(events.first?["event"] as? String == "conversation", "\(ref): \(events)")
                    let messageID = try #require(events.first?["message_id"] as? String)
                    let text = events.filter { $0["event"] as? String == "delta" }
                        .compactMap { ($0["data"] as? [String: Any])?["text"] as? String }.joined()
                    let stored = try #require(try await store.message(id: messageID))
                    #expect(stored.content == text && !text.isEmpty)
                    #expect(stored.status == .complete)
                }

                try await session.send([
                    "type": "ask", "ref": "c", "message": "Count from one to two hundred in words.", "max_tokens": 400,
                ])
                var cancelled = false
                var messageID: String?
                var done: [String: Any]?
                while done == nil, let message = try await session.next() {
                    if message["event"] as? String == "conversation" { messageID = message["message_id"] as? String }
                    if message["event"] as? String == "delta", !cancelled, let messageID {
                        try await session.send(["type": "cancel", "message_id": messageID, "ref": "c"])
                        cancelled = true
                    }
                    if message["event"] as? String == "done" { done = message["data"] as? [String: Any] }
                }
                #expect(done?["status"] as? String == "interrupted", "\(String(describing: done))")
                let cancelledID = try #require(messageID)
                let stored = try #require(try await store.message(id: cancelledID))
                #expect(stored.status == .interrupted)
            }
        }
    }

    @Test(
        "a socket closed mid-answer does not stop it; a new socket's subscribe with last_event_id gets the rest exactly once"
    )
    func resume() async throws {
        guard ServerFixture.llamaURL != nil else { return }
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("rosa")
            let token = try await fixture.token("rosa")
            let store = fixture.database.conversations(ownedBy: user.id)
            let first = Mutex<(id: String, text: String, offset: Int)>(("", "", 0))
            try await Self.connect(fixture) { session in
                try await session.send(["type": "auth", "token": token])
                let reply = try await session.next()
                #expect(reply?["type"] as? String == "ready")
                try await session.send([
                    "type": "ask", "message": "Write three sentences about the sea.", "max_tokens": 64,
                    "temperature": 0,
                ])
                while let message = try await session.next() {
                    if message["event"] as? String == "conversation" {
                        first.withLock { $0.id = message["message_id"] as? String ?? "" }
                    }
                    if message["event"] as? String == "delta" {
                        let piece = (message["data"] as? [String: Any])?["text"] as? String ?? ""
                        first.withLock {
                            $0.text += piece
                            $0.offset = message["id"] as? Int ?? 0
                        }
                        break  // leave after the first piece: the socket closes with the script
                    }
                }
            }
            let (id, prefix, offset) = first.withLock { $0 }
            #expect(!id.isEmpty && !prefix.isEmpty && offset == prefix.utf8.count)
            var stored = try #require(try await store.message(id: id))
            for _ in 0..<600 where stored.status == .streaming {
                try await Task.sleep(for: .milliseconds(100))
                stored = try #require(try await store.message(id: id))
            }
            #expect(stored.status == .complete, "the answer stopped with its socket: \(stored.status)")
            let final = stored
            try await Self.connect(fixture) { session in
                try await session.send(["type": "auth", "token": token])
                let reply = try await session.next()
                #expect(reply?["type"] as? String == "ready")
                try await session.send(["type": "subscribe", "message_id": id, "last_event_id": offset])
                let events = try await session.collect { $0.last?["event"] as? String == "done" }
                let rest = events.filter { $0["event"] as? String == "delta" }
                    .compactMap { ($0["data"] as? [String: Any])?["text"] as? String }.joined()
                #expect(
                    prefix + rest == final.content, "prefix \(prefix.debugDescription) + rest \(rest.debugDescription)")
            }
        }
    }
}
