import ChatbotAccounts
import ChatbotCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// `GET /api/ws`: one WebSocket that carries asks, cancels and subscriptions for several answers
/// at once, for the web page and other long-lived clients.
///
/// - No credential in the URL: the first message must be `{"type":"auth","token":…}` (an access
///   token or an API key) within 5 seconds, else the socket is closed (1008).
/// - A browser's `Origin` must be this server's own or one of `--cors-origin`; others are refused
///   before the upgrade (403).
/// - Messages in: `ask` (as `POST /api/conversations`, plus `conversation_id` to continue and a
///   client `ref`), `subscribe` (`message_id`, `last_event_id`), `unsubscribe`, `cancel`, `ping`.
///   Out: `ready`, `event` (an answer's events as SSE carries them: `event`, `id`, `data`, with
///   the `message_id` and the `ref`), `cancelled`, `pong` and `error` (`status`, `detail`, `ref`).
/// - The credential is checked again on every request, so a disabled user or a revoked key is
///   cut off at their next message. Protocol pings every 30 s; a client that stops answering
///   them is dropped.
/// - Backpressure: one writer per socket waits for the client's TCP window; a client that lets
///   more than ``maxQueued`` messages pile up is closed (1008) rather than buffered without end.
struct WebSocketRoutes {
    let accounts: ServerAccounts
    let conversations: ConversationRoutes
    let messages: MessageRoutes
    let corsOrigins: [String]
    let metrics: ServerMetrics

    static let authTimeout: Duration = .seconds(5)
    static let maxMessageSize = 64 << 10
    static let maxSubscriptions = 16
    static let maxQueued = 4096

    func register(_ group: RouterGroup<ServerContext>) {
        group.ws(
            "/ws",
            shouldUpgrade: { request, context in
                // `Upgrade` and `Connection` are hop-by-hop and never reach the router; the handshake's
                // own key does.
                let upgradeRequired = HTTPError(
                    .upgradeRequired, headers: [.upgrade: "websocket"], message: "this is a WebSocket")
                guard request.headers[.secWebSocketKey] != nil else { throw upgradeRequired }
                guard Self.originAllowed(request, corsOrigins: corsOrigins) else {
                    throw ServerError.forbidden("WebSocket connections from this origin are not allowed")
                }
                // Only the handshake's responder can upgrade: a key without `Upgrade: websocket`
                // arrives through the plain one, where "upgrading" would answer an empty 200.
                guard context.canUpgrade else { throw upgradeRequired }
                return .upgrade([:])
            },
            onUpgrade: { inbound, outbound, context in
                await session(inbound: inbound, outbound: outbound, logger: context.logger)
            })
    }

    /// A browser sends `Origin` (`http(s)://host[:port]`, or `null` from a sandboxed or local
    /// page); it must name this server (the `Host` it called) or an allowed origin. Other
    /// clients send none, or something no browser sends (`ws://…`), which says nothing about a
    /// web page and is let through.
    static func originAllowed(_ request: Request, corsOrigins: [String]) -> Bool {
        let origins = request.headers[values: .origin].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for origin in origins {
            if corsOrigins.contains(origin) { continue }
            let lowered = origin.lowercased()
            if lowered == "null" { return false }
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else { continue }
            guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host
            else { return false }
            let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
            if originAuthority.lowercased() != host.lowercased() { return false }
        }
        return true
    }

    // MARK: - A session

    private struct Incoming: Decodable {
        var type: String
        var token: String?
        var ref: String?
        var messageId: String?
        var lastEventId: Int?
        var conversationId: String?
        var message: String?
        var model: String?
        var system: String?
        var temperature: Double?
        var maxTokens: Int?
        var collection: String?
        var top: Int?
    }

    private func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        metrics.webSocket(1)
        defer { metrics.webSocket(-1) }
        let outbox = Outbox(outbound)
        let state = SessionState()
        let watchdog = Task {
            try await Task.sleep(for: Self.authTimeout)
            if state.token == nil { await outbox.close(.policyViolation, "authenticate within 5 seconds") }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            do {
                for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
                    guard case .text(let text) = message,
                        let incoming = try? Self.decoder.decode(Incoming.self, from: Data(text.utf8))
                    else {
                        outbox.send(["type": "error", "status": 400, "detail": "messages are JSON objects with a type"])
                        continue
                    }
                    guard await handle(incoming, state: state, outbox: outbox, logger: logger) else { break }
                }
            } catch {
                logger.debug("WebSocket ended", metadata: ["error": "\(error)"])
            }
            watchdog.cancel()
            state.cancelAll()
            outbox.finish()
        }
    }

    /// Handles one message; `false` ends the session.
    private func handle(_ incoming: Incoming, state: SessionState, outbox: Outbox, logger: Logger) async -> Bool {
        if incoming.type == "auth" {
            guard state.token == nil, let token = incoming.token,
                let identity = try? await AuthenticationMiddleware.identity(
                    of: token, accounts: accounts, logger: logger)
            else {
                await outbox.close(.policyViolation, "authentication failed")
                return false
            }
            state.token = token
            outbox.send([
                "type": "ready", "user": ["id": identity.user.id, "name": identity.user.name],
            ])
            return true
        }
        // Every other message needs the socket's credential, checked again now.
        guard let token = state.token else {
            await outbox.close(.policyViolation, "the first message must be {\"type\":\"auth\",\"token\":…}")
            return false
        }
        guard let identity = try? await AuthenticationMiddleware.identity(of: token, accounts: accounts, logger: logger)
        else {
            await outbox.close(.policyViolation, "the credential is no longer valid")
            return false
        }
        let ref = incoming.ref.map { String($0.prefix(128)) }
        do {
            switch incoming.type {
            case "ping":
                outbox.send(["type": "pong", "ref": ref as Any])
            case "ask":
                guard state.subscriptions < Self.maxSubscriptions else {
                    throw ChatbotError(.temporary, "too many answers on this socket at once")
                }
                let body = ConversationRoutes.AskBody(
                    message: incoming.message ?? "", model: incoming.model, system: incoming.system,
                    temperature: incoming.temperature, maxTokens: incoming.maxTokens, collection: incoming.collection,
                    top: incoming.top)
                let started = try await conversations.startAnswer(
                    body, in: incoming.conversationId, identity: identity, clientAddress: nil, logger: logger)
                forward(
                    await started.channel.subscribe(), messageID: started.messageID, ref: ref, state: state,
                    outbox: outbox)
            case "subscribe":
                guard let id = incoming.messageId else { throw ServerError.badRequest("subscribe needs a message_id") }
                guard state.subscriptions < Self.maxSubscriptions else {
                    throw ChatbotError(.temporary, "too many answers on this socket at once")
                }
                let events = try await messages.events(
                    of: id, identity: identity, after: max(0, incoming.lastEventId ?? 0))
                forward(events, messageID: id, ref: ref, state: state, outbox: outbox)
            case "unsubscribe":
                guard let id = incoming.messageId else {
                    throw ServerError.badRequest("unsubscribe needs a message_id")
                }
                state.cancel(id)
            case "cancel":
                guard let id = incoming.messageId else { throw ServerError.badRequest("cancel needs a message_id") }
                try await messages.cancel(id, identity: identity)
                outbox.send(["type": "cancelled", "message_id": id, "ref": ref as Any])
            default:
                throw ServerError.badRequest("unknown message type '\(incoming.type.prefix(32))'")
            }
        } catch {
            let problem = Problem(error, logger: logger)
            outbox.send(["type": "error", "status": problem.status, "detail": problem.detail, "ref": ref as Any])
        }
        return true
    }

    /// Sends the events of one answer as `event` messages until it ends or is unsubscribed.
    private func forward(
        _ events: AsyncStream<ServerEvent>, messageID: String, ref: String?, state: SessionState, outbox: Outbox
    ) {
        let task = Task {
            for await event in events {
                let data = (try? JSONSerialization.jsonObject(with: Data(event.json.utf8))) ?? [:]
                outbox.send([
                    "type": "event", "message_id": messageID, "ref": ref as Any, "event": event.name, "id": event.id,
                    "data": data,
                ])
            }
            state.finished(messageID)
        }
        state.add(messageID, task)
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

/// The credential and running subscriptions of one socket.
private final class SessionState: Sendable {
    private struct State {
        var token: String?
        var tasks: [String: Task<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    var token: String? {
        get { state.withLock { $0.token } }
        set { state.withLock { $0.token = newValue } }
    }

    var subscriptions: Int { state.withLock { $0.tasks.count } }

    func add(_ id: String, _ task: Task<Void, Never>) {
        let previous = state.withLock { state in
            defer { state.tasks[id] = task }
            return state.tasks[id]
        }
        previous?.cancel()
    }

    func finished(_ id: String) { _ = state.withLock { $0.tasks.removeValue(forKey: id) } }

    func cancel(_ id: String) { state.withLock { $0.tasks.removeValue(forKey: id) }?.cancel() }

    func cancelAll() {
        for task in state.withLock({ state in
            defer { state.tasks = [:] }
            return state.tasks.values
        }) {
            task.cancel()
        }
    }
}

/// The one writer of a socket: messages queue here and go out in order, each awaiting the
/// client's window. Too many waiting means the client is not reading: the socket is closed.
private final class Outbox: Sendable {
    private let outbound: WebSocketOutboundWriter
    private let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let queued = Mutex(0)

    init(_ outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
        (stream, continuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Queues `object` as a JSON text message (`nil` values left out).
    func send(_ object: [String: Any]) {
        let cleaned = object.filter { !($0.value is NSNull) && !Self.isNil($0.value) }
        guard let data = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys]) else { return }
        let count = queued.withLock { count in
            count += 1
            return count
        }
        if count > WebSocketRoutes.maxQueued {
            continuation.finish()
            return
        }
        continuation.yield(String(decoding: data, as: UTF8.self))
    }

    private static func isNil(_ value: Any) -> Bool {
        if case Optional<Any>.none = value { return true }
        return false
    }

    /// Writes queued messages until ``finish()``; then closes the socket if the queue overflowed.
    func run() async {
        for await text in stream {
            queued.withLock { $0 -= 1 }
            do {
                try await outbound.writeTextMessage(text)
            } catch {
                break
            }
        }
        if queued.withLock({ $0 }) > WebSocketRoutes.maxQueued {
            try? await outbound.close(.policyViolation, reason: "the client is not reading")
        }
    }

    func finish() { continuation.finish() }

    func close(_ code: WebSocketErrorCode, _ reason: String) async {
        try? await outbound.close(code, reason: reason)
    }
}
