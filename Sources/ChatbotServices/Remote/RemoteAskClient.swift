public import AsyncHTTPClient
public import ChatbotChat
public import ChatbotCore
public import ChatbotRetrieval
public import Foundation
import NIOCore
import NIOHTTP1

/// `chatbot ask --remote`: the same question asked through a running `chatbot serve`, streamed
/// back over server-sent events. The conversation is stored on the server, under the key's owner.
public struct RemoteAskClient: Sendable {
    /// The server's base URL (`http://host:port`, without `/api`).
    public let baseURL: String
    private let apiKey: String
    private let httpClient: HTTPClient

    /// A client for the server at `baseURL`, authenticated by `apiKey` (`cbk_…`).
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for a URL that is not http(s).
    public init(baseURL: String, apiKey: String, httpClient: HTTPClient) throws {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil
        else {
            throw ChatbotError(.usage, "the remote server '\(baseURL)' is not an http(s) URL")
        }
        self.baseURL = base
        self.apiKey = apiKey
        self.httpClient = httpClient
    }

    /// Asks `input` (prompt, system, model, temperature, max tokens and conversation), calling
    /// `onText` with each piece as it arrives.
    ///
    /// - Throws: ``AskFailure`` when the answer did not complete (its outcome holds the partial
    ///   text); ``ChatbotError`` for a refusal (with the server's message and the kind of its problem
    ///   type) or a server that cannot be reached.
    /// With `collection`, the server answers from that collection (one the key's owner may read)
    /// and `onSources` hears the chunks it sent as sources, before the text.
    public func ask(
        _ input: AskInput, collection: String? = nil, top: Int? = nil, interruption: Interruption? = nil,
        onSources: @escaping @Sendable ([RetrievedChunk]) async -> Void = { _ in },
        onText: @escaping @Sendable (String) async -> Void
    ) async throws -> AskOutcome {
        let path: String
        switch input.conversation {
        case .new: path = "/api/conversations"
        case .id(let id): path = "/api/conversations/\(try await conversationID(matching: id))/messages"
        case .latest:
            guard let latest = try await latestConversationID() else {
                throw ChatbotError(.notFound, "there is no conversation on the server to continue")
            }
            path = "/api/conversations/\(latest)/messages"
        }
        var body: [String: Any] = ["message": input.prompt]
        if let system = input.system { body["system"] = system }
        if let model = input.model { body["model"] = model }
        if let temperature = input.temperature { body["temperature"] = temperature }
        if let maxTokens = input.maxTokens { body["max_tokens"] = maxTokens }
        if let collection { body["collection"] = collection }
        if let top { body["top"] = top }
        var request = makeRequest(path, method: .POST)
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await execute(request)
        guard response.status == .ok || response.status == .created else {
            throw try await Self.refusal(response)
        }
        let state = RemoteAnswerState()
        let reader = Task {
            var buffer = ""
            for try await chunk in response.body {
                buffer += String(buffer: chunk)
                while let end = buffer.range(of: "\n\n") {
                    let block = String(buffer[..<end.lowerBound])
                    buffer.removeSubrange(..<end.upperBound)
                    if let text = await state.take(block) { await onText(text) }
                    if let sources = await state.takeSources() { await onSources(sources) }
                }
            }
        }
        if let interruption {
            let watcher = Task {
                await interruption.wait()
                if let id = await state.messageID { try? await cancel(messageID: id) }
            }
            _ = await reader.result
            watcher.cancel()
        } else {
            _ = await reader.result
        }
        if case .failure(let error) = await reader.result { throw ChatbotError.normalizing(error) }
        return try await state.outcome()
    }

    /// Stops an answer on the server.
    public func cancel(messageID: String) async throws {
        let response = try await execute(makeRequest("/api/messages/\(messageID)/cancel", method: .POST))
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    private func conversationID(matching id: String) async throws -> String {
        // The server takes whole ids; a prefix is looked up among the newest conversations.
        if id.count == 36 { return id.lowercased() }
        let list = try await getJSON("/api/conversations?limit=100")
        let ids = (list["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            .filter { $0.hasPrefix(id.lowercased()) }
        guard ids.count == 1 else {
            throw ChatbotError(
                ids.isEmpty ? .notFound : .usage,
                ids.isEmpty
                    ? "no conversation on the server matches '\(id)'" : "'\(id)' matches more than one conversation")
        }
        return ids[0]
    }

    private func latestConversationID() async throws -> String? {
        let list = try await getJSON("/api/conversations?limit=1")
        return (list["data"] as? [[String: Any]])?.first?["id"] as? String
    }

    private func getJSON(_ path: String) async throws -> [String: Any] {
        let response = try await execute(makeRequest(path, method: .GET))
        guard response.status == .ok else { throw try await Self.refusal(response) }
        let body = try await response.body.collect(upTo: 8 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    private func makeRequest(_ path: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "User-Agent", value: "chatbot/\(ChatbotVersion.current)")
        return request
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(request, timeout: .seconds(3600))
        } catch {
            let normalized = ChatbotError.normalizing(error)
            throw ChatbotError(
                .unavailable, "cannot reach the chatbot server at \(baseURL) (\(normalized.message))")
        }
    }

    /// The server's problem answer as a ``ChatbotError`` of the same kind, with its detail.
    static func refusal(_ response: HTTPClientResponse) async throws -> ChatbotError {
        let body = try await response.body.collect(upTo: 1 << 20)
        let problem = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        let slug = (problem["type"] as? String)?.replacingOccurrences(of: "urn:chatbot:problem:", with: "")
        let kind =
            ChatbotError.Kind.allKinds.first { $0.problemType == slug } ?? kind(forStatus: Int(response.status.code))
        let detail = problem["detail"] as? String ?? "the server answered \(response.status.code)"
        return ChatbotError(kind, "the server refused: \(detail)")
    }

    static func kind(forStatus status: Int) -> ChatbotError.Kind {
        ChatbotError.Kind.allKinds.first { $0.httpStatus == status } ?? (status >= 500 ? .unavailable : .runtime)
    }

    static func parse(_ block: String) -> (name: String, json: [String: Any])? {
        var name = "message"
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        guard let json = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] else {
            return nil
        }
        return (name, json)
    }
}

/// What the events of one remote answer said so far.
actor RemoteAnswerState {
    private(set) var messageID: String?
    private var conversationID: String?
    private var text = ""
    private var done: [String: Any]?
    private var error: [String: Any]?
    private var sources: [RetrievedChunk]?

    /// The sources of a `sources` event just read, once.
    func takeSources() -> [RetrievedChunk]? {
        defer { sources = nil }
        return sources
    }

    /// Reads one event; returns the text of a `delta`.
    func take(_ block: String) -> String? {
        guard let event = RemoteAskClient.parse(block) else { return nil }
        switch event.name {
        case "sources":
            if let list = event.json["sources"], let data = try? JSONSerialization.data(withJSONObject: list) {
                sources = try? JSONDecoder().decode([RetrievedChunk].self, from: data)
            }
        case "conversation":
            messageID = event.json["message_id"] as? String
            conversationID = (event.json["conversation"] as? [String: Any])?["id"] as? String
        case "delta":
            let piece = event.json["text"] as? String ?? ""
            text += piece
            return piece
        case "done": done = event.json
        case "error": error = event.json
        default: break
        }
        return nil
    }

    func outcome() throws -> AskOutcome {
        let summary = done ?? [:]
        let status = (summary["status"] as? String).flatMap(MessageStatus.init(rawValue:)) ?? .failed
        let usage = (summary["prompt_tokens"] as? Int).flatMap { prompt in
            (summary["completion_tokens"] as? Int).map { ChatUsage(promptTokens: prompt, completionTokens: $0) }
        }
        let outcome = AskOutcome(
            answer: text, model: summary["model"] as? String ?? "", provider: summary["provider"] as? String ?? "",
            usage: usage, cost: summary["cost"] as? Double, conversationID: conversationID,
            messageID: summary["message_id"] as? String ?? messageID, latencyMs: summary["latency_ms"] as? Int ?? 0,
            cached: summary["cached"] as? Bool ?? false, status: status, fallbacks: [])
        if status == .complete && error == nil { return outcome }
        let slug = (error?["type"] as? String)?.replacingOccurrences(of: "urn:chatbot:problem:", with: "")
        let kind =
            status == .interrupted
            ? ChatbotError.Kind.interrupted
            : ChatbotError.Kind.allKinds.first { $0.problemType == slug } ?? .unavailable
        let message =
            error?["detail"] as? String ?? (done == nil ? "the server closed the answer early" : "the answer failed")
        throw AskFailure(error: ChatbotError(kind, message), outcome: outcome)
    }
}
