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
    /// The largest `max_tokens` taken: above any model's output, below the 32-bit values some
    /// model servers wrap around.
    static let maxTokensLimit = 1 << 20

    let services: ChatbotServices
    let ledger: UsageLedger
    let metrics: ServerMetrics
    let budgets: ServerBudgets
    let limits: RateLimits

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
        let identity = try context.require(.chat)
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
        if let maxTokens, !(1...Self.maxTokensLimit).contains(maxTokens) {
            throw ServerError.badRequest("max_tokens must be 1 to \(Self.maxTokensLimit)")
        }
        let settings = services.settings
        let requested = body.model ?? settings.defaultModel
        let chain = try settings.modelChain(primary: requested)
        let candidates = try chain.map {
            ChatCandidate(reference: $0, endpoint: try settings.endpoint(for: $0.provider))
        }
        guard let primary = candidates.first else { throw ServerError.badRequest("no model to ask") }
        // An exhausted budget refuses here, before any provider is called. The ledger's pending
        // records go first, so the answers this process just finished count.
        if !budgets.budgets(for: identity).isEmpty {
            await ledger.flush()
            try await budgets.check(identity)
        }
        // A key's tokens per minute: the prompt's estimate and max_tokens are reserved now and
        // settled against what the answer used when it ends.
        let reservation = try await limits.reserveTokens(
            identity, ChatUsage.estimate(prompt: messages, completion: "").promptTokens + (maxTokens ?? 0))
        let limitHeaders = reservation.map { RateLimits.headers([$0.decision]) } ?? [:]
        let chatRequest = ChatRequest(
            model: primary.reference.model, messages: messages, temperature: body.temperature, maxTokens: maxTokens,
            seed: body.seed)
        let id = "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = Int(Date().timeIntervalSince1970)
        let chat = services.chat()
        let accounting = UsageAccounting(
            ledger: ledger, prices: settings.prices, userID: identity.user.id, keyID: identity.keyID,
            fallback: primary.reference, prompt: messages, reservation: reservation, logger: context.logger)

        if body.stream == true {
            let includeUsage = body.streamOptions?.includeUsage == true
            let logger = context.logger
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
            headers.append(contentsOf: limitHeaders)
            // One of the user's concurrent streams, held until the stream ends however it ends.
            let hold: StreamHold?
            do {
                hold = try await limits.openStream(identity)
            } catch {
                await reservation?.settle(used: 0, logger: logger)
                throw error
            }
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody { writer in
                    do {
                        let chunks = Self.chunkStream(
                            chat: chat, request: chatRequest, candidates: candidates, id: id, created: created,
                            model: requested, includeUsage: includeUsage, metrics: metrics, accounting: accounting,
                            logger: logger)
                        for await chunk in chunks {
                            try await writer.write(ByteBuffer(string: "data: \(chunk)\n\n"))
                        }
                        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                        try await writer.finish(nil)
                    } catch {
                        await hold?.close()
                        throw error
                    }
                    await hold?.close()
                })
        }

        let collected = Collected()
        do {
            try await chat.chat(chatRequest, candidates: candidates) { event in
                await collected.add(event)
            }
        } catch {
            await accounting.record(collected, status: error is CancellationError ? "interrupted" : "failed")
            throw error
        }
        await accounting.record(collected, status: "completed")
        let (text, usage, finish) = await collected.result
        metrics.tokens(model: requested, usage: usage)
        let answer = CompletionJSON.completion(
            id: id, created: created, model: requested, text: text, finish: finish ?? "stop", usage: usage)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: limitHeaders)
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
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
        model: String, includeUsage: Bool, metrics: ServerMetrics, accounting: UsageAccounting, logger: Logger
    ) -> AsyncStream<String> {
        AsyncStream { continuation in
            let task = Task {
                @Sendable func chunk(_ delta: CompletionJSON.Delta, finish: String? = nil, usage: ChatUsage? = nil)
                    -> String
                {
                    CompletionJSON.chunk(
                        id: id, created: created, model: model, delta: delta, finish: finish, usage: usage)
                }
                continuation.yield(chunk(.role))
                let usageBox = Collected()
                do {
                    try await chat.chat(request, candidates: candidates) { event in
                        await usageBox.add(event)
                        if case .event(.delta(let text)) = event {
                            continuation.yield(chunk(.content(text)))
                        }
                    }
                    await accounting.record(usageBox, status: "completed")
                    let (_, usage, finish) = await usageBox.result
                    metrics.tokens(model: model, usage: usage)
                    continuation.yield(chunk(.none, finish: finish ?? "stop"))
                    if includeUsage, let usage {
                        continuation.yield(chunk(.none, usage: usage))
                    }
                } catch {
                    await accounting.record(usageBox, status: Task.isCancelled ? "interrupted" : "failed")
                    let problem = Problem(error, logger: logger)
                    continuation.yield(
                        jsonText([
                            "error": [
                                "message": problem.detail,
                                "type": Problem.openAIType(status: problem.status, slug: problem.slug),
                                "code": NSNull(),
                            ]
                        ]))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
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

/// Records what a `/v1` completion used, for its user and key, once it ends (completed, failed
/// or cut off): the tokens the provider reported and their cost at the configured prices.
struct UsageAccounting: Sendable {
    let ledger: UsageLedger
    let prices: [String: ModelPrice]
    let userID: String
    let keyID: String?
    /// The model asked for, when no candidate answered.
    let fallback: ModelReference
    /// The request's messages, for an estimate when the provider's count never came.
    var prompt: [ChatMessage] = []
    /// The key's tokens per minute held for this answer, settled here.
    var reservation: TokenReservation?
    let logger: Logger

    func record(_ collected: Collected, status: String) async {
        let answeredBy = await collected.answeredBy
        let (text, usage, _) = await collected.result
        // Nothing reached a model (refused before any answer): nothing to count.
        if usage == nil, answeredBy == nil, status != "completed" {
            await reservation?.settle(used: 0, logger: logger)
            return
        }
        let reference = answeredBy ?? fallback
        // A stream cut or failed before the usage chunk still used tokens: budgets count an
        // estimate, so cutting streams is no way around them.
        let tokens =
            usage
            ?? (text.isEmpty && status == "completed"
                ? ChatUsage(promptTokens: 0, completionTokens: 0)
                : ChatUsage.estimate(prompt: prompt, completion: text))
        await reservation?.settle(used: tokens.totalTokens, logger: logger)
        let price = prices[reference.description] ?? prices[reference.model]
        let record = UsageRecord(
            at: Date(), userID: userID, apiKeyID: keyID, source: "v1.chat.completions", provider: reference.provider,
            model: reference.model, promptTokens: tokens.promptTokens, completionTokens: tokens.completionTokens,
            cost: price?.cost(of: tokens), status: status)
        await ledger.record(record)
    }
}

/// The text, usage and finish reason of a completion, gathered from its events.
actor Collected {
    private var text = ""
    private var usage: ChatUsage?
    private var finish: String?
    private(set) var answeredBy: ModelReference?

    func add(_ event: FallbackStreamEvent) {
        switch event {
        case .answeredBy(let reference): answeredBy = reference
        case .event(.delta(let piece)): text += piece
        case .event(.usage(let value)): usage = value
        case .event(.finished(let reason)): finish = reason
        default: break
        }
    }

    var result: (String, ChatUsage?, String?) { (text, usage, finish) }
}
