import ChatbotAccounts
import ChatbotCore
import ChatbotProviders
import ChatbotServices
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The OpenAI-compatible endpoints an OpenAI SDK or `curl` expects: `GET /v1/models` and
/// `POST /v1/chat/completions` (JSON, or `stream: true` for `chat.completion.chunk` events ending
/// in `data: [DONE]`). Stateless like OpenAI's: the client sends the whole conversation, and the
/// answer goes through the same provider stack (fallback, retries, local server) as `chatbot ask`.
struct OpenAIRoutes {
    let services: ChatbotServices

    struct CompletionBody: Decodable {
        var model: String?
        var messages: [Message]
        var stream: Bool?
        var temperature: Double?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var seed: Int?
        var streamOptions: StreamOptions?

        struct StreamOptions: Decodable {
            var includeUsage: Bool?
        }

        struct Message: Decodable {
            var role: String
            var content: Content?

            /// A string, or an array of parts of which the text parts count.
            enum Content: Decodable {
                case text(String)
                case parts([Part])

                struct Part: Decodable {
                    var type: String
                    var text: String?
                }

                init(from decoder: any Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    if let text = try? container.decode(String.self) {
                        self = .text(text)
                    } else {
                        self = .parts(try container.decode([Part].self))
                    }
                }

                var text: String {
                    switch self {
                    case .text(let text): text
                    case .parts(let parts):
                        parts.compactMap { $0.type == "text" ? $0.text : nil }.joined(separator: "\n")
                    }
                }
            }
        }
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/models") { request, context in try models(request, context) }
        group.post("/chat/completions") { request, context in try await completions(request, context) }
        group.post("/embeddings") { request, context in try await embeddings(request, context) }
    }

    /// The configured default model, its fallbacks and every alias.
    private func models(_ request: Request, _ context: ServerContext) throws -> Response {
        _ = try context.require(.chat)
        let settings = services.settings
        var names: [String] = []
        for name in [settings.defaultModel] + settings.fallback + settings.aliases.keys.sorted()
        where !names.contains(name) {
            names.append(name)
        }
        let data = names.map { ["id": $0, "object": "model", "created": 0, "owned_by": "chatbot"] as [String: Any] }
        return Self.json(["object": "list", "data": data])
    }

    private func completions(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try context.require(.chat)
        let body = try await request.decode(as: CompletionBody.self, context: context)
        guard !body.messages.isEmpty else { throw ServerError.badRequest("messages must not be empty") }
        var messages: [ChatMessage] = []
        for message in body.messages {
            guard let role = ChatRole(rawValue: message.role == "developer" ? "system" : message.role) else {
                throw ServerError.badRequest("unsupported message role '\(message.role.prefix(32))'")
            }
            messages.append(ChatMessage(role: role, content: message.content?.text ?? ""))
        }
        let maxTokens = body.maxCompletionTokens ?? body.maxTokens
        if let maxTokens, maxTokens < 1 { throw ServerError.badRequest("max_tokens must be at least 1") }
        let settings = services.settings
        let requested = body.model ?? settings.defaultModel
        let chain = try settings.modelChain(primary: requested)
        let candidates = try chain.map {
            ChatCandidate(reference: $0, endpoint: try settings.endpoint(for: $0.provider))
        }
        guard let primary = candidates.first else { throw ServerError.badRequest("no model to ask") }
        let chatRequest = ChatRequest(
            model: primary.reference.model, messages: messages, temperature: body.temperature, maxTokens: maxTokens,
            seed: body.seed)
        let id = "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = Int(Date().timeIntervalSince1970)
        let chat = services.chat()

        if body.stream == true {
            let includeUsage = body.streamOptions?.includeUsage == true
            let logger = context.logger
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    let chunks = Self.chunkStream(
                        chat: chat, request: chatRequest, candidates: candidates, id: id, created: created,
                        model: requested, includeUsage: includeUsage, logger: logger)
                    for await chunk in chunks {
                        try await writer.write(ByteBuffer(string: "data: \(chunk)\n\n"))
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
        }

        let collected = Collected()
        try await chat.chat(chatRequest, candidates: candidates) { event in
            await collected.add(event)
        }
        let (text, usage, finish) = await collected.result
        var answer: [String: Any] = [
            "id": id, "object": "chat.completion", "created": created, "model": requested,
            "choices": [
                [
                    "index": 0, "message": ["role": "assistant", "content": text],
                    "finish_reason": finish ?? "stop",
                ] as [String: Any]
            ],
        ]
        if let usage {
            answer["usage"] = Self.usage(usage)
        }
        return Self.json(answer)
    }

    struct EmbeddingBody: Decodable {
        var model: String?
        var input: Input

        enum Input: Decodable {
            case one(String)
            case many([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self = .one(text)
                } else {
                    self = .many(try container.decode([String].self))
                }
            }

            var texts: [String] {
                switch self {
                case .one(let text): [text]
                case .many(let texts): texts
                }
            }
        }
    }

    /// `POST /v1/embeddings` through the configured embedder (the local one by default).
    private func embeddings(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try context.require(.chat)
        let body = try await request.decode(as: EmbeddingBody.self, context: context)
        let texts = body.input.texts
        guard (1...256).contains(texts.count), texts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 32_768 }) else {
            throw ServerError.badRequest("input is 1 to 256 non-empty texts of at most 32 KiB each")
        }
        guard let embedder = try services.embedder() else {
            throw ChatbotError(.unavailable, "no embedding model is configured")
        }
        let vectors = try await embedder.embed(texts, purpose: .document)
        let data = vectors.enumerated().map { index, vector in
            ["object": "embedding", "index": index, "embedding": vector.map(Double.init)] as [String: Any]
        }
        return Self.json([
            "object": "list", "data": data, "model": body.model ?? embedder.model,
            "usage": ["prompt_tokens": 0, "total_tokens": 0],
        ])
    }

    /// The chunks of a streamed completion as JSON texts; a failure mid-stream becomes a last chunk
    /// holding an `error` object (the status line is long sent).
    static func chunkStream(
        chat: FallbackChatProvider, request: ChatRequest, candidates: [ChatCandidate], id: String, created: Int,
        model: String, includeUsage: Bool, logger: Logger
    ) -> AsyncStream<String> {
        AsyncStream { continuation in
            let task = Task {
                @Sendable func chunk(
                    _ delta: [String: Any], finish: String?, usage: ChatUsage? = nil, empty: Bool = false
                )
                    -> String
                {
                    var object: [String: Any] = [
                        "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": empty
                            ? [] : [["index": 0, "delta": delta, "finish_reason": finish ?? NSNull()] as [String: Any]],
                    ]
                    if let usage { object["usage"] = Self.usage(usage) }
                    return jsonText(object)
                }
                continuation.yield(chunk(["role": "assistant", "content": ""], finish: nil))
                let usageBox = Collected()
                do {
                    try await chat.chat(request, candidates: candidates) { event in
                        await usageBox.add(event)
                        if case .event(.delta(let text)) = event {
                            continuation.yield(chunk(["content": text], finish: nil))
                        }
                    }
                    let (_, usage, finish) = await usageBox.result
                    continuation.yield(chunk([:], finish: finish ?? "stop"))
                    if includeUsage, let usage {
                        continuation.yield(chunk([:], finish: nil, usage: usage, empty: true))
                    }
                } catch {
                    let problem = Problem(error, logger: logger)
                    continuation.yield(
                        jsonText([
                            "error": [
                                "message": problem.detail, "type": Problem.openAIType(status: problem.status),
                                "code": NSNull(),
                            ]
                        ]))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func usage(_ usage: ChatUsage) -> [String: Any] {
        [
            "prompt_tokens": usage.promptTokens, "completion_tokens": usage.completionTokens,
            "total_tokens": usage.promptTokens + usage.completionTokens,
        ]
    }

    static func jsonText(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: jsonText(object))))
    }
}

/// The text, usage and finish reason of a completion, gathered from its events.
actor Collected {
    private var text = ""
    private var usage: ChatUsage?
    private var finish: String?

    func add(_ event: FallbackStreamEvent) {
        switch event {
        case .event(.delta(let piece)): text += piece
        case .event(.usage(let value)): usage = value
        case .event(.finished(let reason)): finish = reason
        default: break
        }
    }

    var result: (String, ChatUsage?, String?) { (text, usage, finish) }
}
