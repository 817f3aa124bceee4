import ChatbotAccounts
import ChatbotChat
import ChatbotCore
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `/api/conversations`: list (with full-text search), read with messages, rename, delete,
/// export, and ask — a new conversation or the next message of one — as JSON or as server-sent
/// events. Every store a handler touches is the caller's own (``SQLConversationStore/owned(by:)``),
/// so another user's conversation is simply not found.
struct ConversationRoutes {
    let services: ChatbotServices
    let database: any SQLDatabaseStore
    let runner: AnswerRunner
    let registry: AnswerRegistry
    let metrics: ServerMetrics
    let budgets: ServerBudgets
    let limits: RateLimits

    struct AskBody: Decodable {
        var message: String
        var model: String?
        var system: String?
        var temperature: Double?
        var maxTokens: Int?
        /// Answer from this collection's documents, citing them.
        var collection: String?
        /// How many chunks go with the question as sources (1–50, default 5).
        var top: Int?
    }

    struct RenameBody: Decodable {
        var title: String
    }

    struct ConversationView: ResponseEncodable, Codable {
        var id: String
        var title: String
        var createdAt: Date
        var updatedAt: Date
        var messages: [MessageView]?

        init(_ conversation: Conversation, messages: [MessageRecord]? = nil) {
            id = conversation.id
            title = conversation.title
            createdAt = conversation.createdAt
            updatedAt = conversation.updatedAt
            self.messages = messages?.map(MessageView.init)
        }
    }

    struct MessageView: Codable, Sendable {
        var id: String
        var role: String
        var content: String
        var model: String?
        var provider: String?
        var promptTokens: Int?
        var completionTokens: Int?
        var cost: Double?
        var latencyMs: Int?
        var status: String
        var createdAt: Date

        init(_ record: MessageRecord) {
            id = record.id
            role = record.role.rawValue
            content = record.content
            model = record.model
            provider = record.provider
            promptTokens = record.promptTokens
            completionTokens = record.completionTokens
            cost = record.cost
            latencyMs = record.latencyMs
            status = record.status.rawValue
            createdAt = record.createdAt
        }
    }

    struct Page: ResponseEncodable {
        var data: [ConversationView]
        var nextCursor: String?
    }

    struct SearchHitView: Codable, Sendable {
        var conversationId: String
        var message: MessageView
        var snippet: String
    }

    struct SearchPage: ResponseEncodable {
        var data: [SearchHitView]
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/conversations") { request, context in try await list(request, context) }
        group.post("/conversations") { request, context in try await ask(request, context, in: nil) }
        group.get("/conversations/:id") { _, context in try await show(context) }
        group.patch("/conversations/:id") { request, context in try await rename(request, context) }
        group.delete("/conversations/:id") { _, context in try await delete(context) }
        group.post("/conversations/:id/messages") { request, context in
            try await ask(request, context, in: try context.parameters.require("id"))
        }
        group.get("/conversations/:id/export") { request, context in try await export(request, context) }
    }

    private func store(_ context: ServerContext) throws -> SQLConversationStore {
        database.conversations(ownedBy: try context.require(.chat).user.id)
    }

    /// The caller's conversation with exactly this id, else 404.
    private func conversation(_ context: ServerContext) async throws -> Conversation {
        let id = try context.parameters.require("id")
        guard Self.isConversationID(id), let found = try await store(context).conversation(matching: id), found.id == id
        else { throw ServerError.notFound("conversation") }
        return found
    }

    static func isConversationID(_ text: String) -> Bool {
        text.utf8.count == 36
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }
    }

    private func list(_ request: Request, _ context: ServerContext) async throws -> Response {
        let store = try store(context)
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 20, 1), 100)
        if let query = request.uri.queryParameters.get("q"), !query.isEmpty {
            guard query.utf8.count <= 500 else { throw ServerError.badRequest("the search text is too long") }
            let hits = try await store.searchMessages(query, limit: limit)
            return try SearchPage(
                data: hits.map {
                    SearchHitView(
                        conversationId: $0.message.conversationID, message: MessageView($0.message), snippet: $0.snippet
                    )
                }
            ).response(from: request, context: context)
        }
        let offset = try Cursor.decode(request.uri.queryParameters.get("cursor"))
        let rows = try await store.listConversations(limit: limit + 1, offset: offset)
        let page = Page(
            data: rows.prefix(limit).map { ConversationView($0) },
            nextCursor: rows.count > limit ? Cursor.encode(offset + limit) : nil)
        return try page.response(from: request, context: context)
    }

    private func show(_ context: ServerContext) async throws -> ConversationView {
        let found = try await conversation(context)
        return ConversationView(found, messages: try await store(context).messages(conversationID: found.id))
    }

    private func rename(_ request: Request, _ context: ServerContext) async throws -> ConversationView {
        let body = try await request.decode(as: RenameBody.self, context: context)
        let title = body.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else {
            throw ServerError.badRequest("a title is 1 to 200 characters")
        }
        let found = try await conversation(context)
        guard try await store(context).renameConversation(id: found.id, title: title) else {
            throw ServerError.notFound("conversation")
        }
        var renamed = found
        renamed.title = title
        return ConversationView(renamed)
    }

    private func delete(_ context: ServerContext) async throws -> Response {
        let found = try await conversation(context)
        guard try await store(context).deleteConversation(id: found.id) else {
            throw ServerError.notFound("conversation")
        }
        return Response(status: .noContent)
    }

    private func export(_ request: Request, _ context: ServerContext) async throws -> Response {
        let view = try await show(context)
        var response = try view.response(from: request, context: context)
        response.headers[.contentDisposition] = "attachment; filename=\"conversation-\(view.id).json\""
        return response
    }

    // MARK: - Asking

    private func ask(_ request: Request, _ context: ServerContext, in conversationID: String?) async throws -> Response
    {
        let identity = try context.require(.chat)
        let body = try await request.decode(as: AskBody.self, context: context)
        let started = try await startAnswer(
            body, in: conversationID, identity: identity, clientAddress: context.clientAddress, logger: context.logger)
        let (target, channel, sources) = (started.conversation, started.channel, started.sources)

        if Self.wantsEventStream(request) {
            return EventStreamResponse.make(await channel.subscribe())
        }
        var text = ""
        var summary: String?
        var failure: ErrorEvent?
        for await event in await channel.subscribe() {
            switch event.name {
            case "delta":
                text += (try? JSONDecoder().decode([String: String].self, from: Data(event.json.utf8)))?["text"] ?? ""
            case "done": summary = event.json
            case "error": failure = try? JSONDecoder().decode(ErrorEvent.self, from: Data(event.json.utf8))
            default: break
            }
        }
        if let failure, text.isEmpty {
            throw ChatbotError(failure.kind, failure.detail)
        }
        let json =
            "{\"answer\":\(Self.jsonString(text)),\"conversation_id\":\(Self.jsonString(target.id)),"
            + "\"result\":\(summary ?? "null")"
            + (sources.map {
                ",\"collection\":\(Self.jsonString($0.collection)),\"sources\":\(ServerJSON.text($0.sources))"
            }
                ?? "") + "}"
        return Response(
            status: conversationID == nil ? .created : .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// An answer that has been handed to the runner.
    struct StartedAnswer: Sendable {
        var conversation: Conversation
        var messageID: String
        var channel: AnswerChannel
        var sources: SourcesEvent?
    }

    /// Checks `body`, records the conversation (a new one, or the caller's `conversationID`) and
    /// hands the answer to the runner: what the HTTP ask and the WebSocket's `ask` share. Every
    /// refusal (bad input, unknown model, a conversation or collection the caller may not see)
    /// comes before anything is recorded.
    func startAnswer(
        _ body: AskBody, in conversationID: String?, identity: Identity, clientAddress: String?, logger: Logger
    ) async throws -> StartedAnswer {
        guard identity.scopes.contains(.chat) else {
            throw ServerError.forbidden("this credential lacks the 'chat' scope")
        }
        guard !body.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServerError.badRequest("the message is empty")
        }
        if let maxTokens = body.maxTokens, !(1...OpenAIRoutes.maxTokensLimit).contains(maxTokens) {
            throw ServerError.badRequest("max_tokens must be 1 to \(OpenAIRoutes.maxTokensLimit)")
        }
        if let top = body.top, !(1...50).contains(top) { throw ServerError.badRequest("top must be 1 to 50") }
        // An unknown model is a 400 now, not an error event later.
        _ = try services.settings.modelChain(primary: body.model ?? services.settings.defaultModel)
        // An exhausted budget refuses before anything is recorded or any provider is called.
        try await budgets.check(identity)
        // Answers carry the key they were asked with, for the key's budget.
        let store = database.conversations(ownedBy: identity.user.id, apiKey: identity.keyID)
        var existing: Conversation?
        if let conversationID {
            guard Self.isConversationID(conversationID),
                let found = try await store.conversation(matching: conversationID), found.id == conversationID
            else { throw ServerError.notFound("conversation") }
            existing = found
        }
        // A collection the caller may not read is a 404, before anything is recorded.
        var grounding: SourcesEvent?
        if let collection = body.collection {
            let reader = try CollectionRoutes.reader(identity, .documentsRead, clientAddress: clientAddress)
            let catalog = CollectionCatalog(store: database, objects: try services.objectStore(), logger: logger)
            let summary: CollectionSummary
            do {
                summary = try await catalog.summary(collection, readableBy: reader)
            } catch let error as ChatbotError where error.kind == .notFound {
                // A field of the body, not the resource of the path: a 400 (as for an unknown
                // model, and as `chatbot ask -C` exits 64), the same for missing and not readable.
                throw ChatbotError(.usage, error.message)
            }
            let found = try await GroundedAsk(retriever: try services.retriever(store: database))
                .ground(body.message, collection: summary.name, top: body.top ?? 5)
            grounding = SourcesEvent(collection: summary.name, sources: found.sources, warning: found.warning)
        }
        let sources = grounding
        // One of the user's concurrent streams, held while the answer runs (wherever it is read);
        // the last refusal, before the conversation is recorded.
        let hold = try await limits.openStream(identity)
        let target: Conversation
        do {
            if let existing {
                target = existing
            } else {
                target = try await store.createConversation(title: ConversationTitle.of(body.message))
            }
        } catch {
            await hold?.close()
            throw error
        }
        var input = GroundedAsk.input(
            AskInput(
                prompt: body.message, system: body.system, model: body.model, conversation: .id(target.id),
                temperature: body.temperature, maxTokens: body.maxTokens),
            citing: sources?.sources ?? [])
        let answerID = UUID().uuidString.lowercased()
        input.answerID = answerID
        let channel = AnswerChannel()
        let start = StartEvent(conversation: ConversationView(target), messageId: answerID)
        let service = services.askService(store: store)
        let interruption = Interruption()
        await registry.add(answerID, .init(owner: identity.user.id, channel: channel, interruption: interruption))
        let registry = registry
        let metrics = metrics
        let askInput = input
        let started = runner.submit {
            do {
                // The first event goes out once the answer's row exists, so its id can be cancelled
                // or followed from any replica at once.
                let outcome = try await service.ask(
                    askInput, interruption: interruption,
                    onRecorded: {
                        await channel.start("conversation", start)
                        if let sources { await channel.start("sources", sources) }
                    }
                ) { text in
                    await channel.delta(text)
                }
                metrics.tokens(model: outcome.model, usage: outcome.usage)
                await channel.end("done", AnswerSummary(outcome))
            } catch let failure as AskFailure {
                metrics.tokens(model: failure.outcome.model, usage: failure.outcome.usage)
                await channel.end("error", ErrorEvent(failure.error, logger: logger))
                await channel.end("done", AnswerSummary(failure.outcome))
            } catch {
                await channel.end("error", ErrorEvent(error, logger: logger))
            }
            await channel.finish()
            await hold?.close()
            await registry.remove(answerID)
        }
        guard started else {
            await hold?.close()
            await registry.remove(answerID)
            throw ChatbotError(.unavailable, "the server is shutting down")
        }
        return StartedAnswer(conversation: target, messageID: answerID, channel: channel, sources: sources)
    }

    static func wantsEventStream(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/event-stream") ?? false
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// The first event of an answer: its conversation and the id of the answer's message (for
/// `GET /api/messages/{id}/events` and `POST /api/messages/{id}/cancel`).
struct StartEvent: Codable, Sendable {
    var conversation: ConversationRoutes.ConversationView
    var messageId: String
}

/// The `sources` event of an answer from a collection: the chunks sent with the question, which
/// the answer cites as `[rank]`.
struct SourcesEvent: Codable, Sendable {
    var collection: String
    var sources: [RetrievedChunk]
    var warning: String?
}

/// The end of an answer, as the `done` event and the JSON answer carry it.
struct AnswerSummary: Codable, Sendable {
    var messageId: String?
    var model: String
    var provider: String
    var promptTokens: Int?
    var completionTokens: Int?
    var cost: Double?
    var latencyMs: Int
    var cached: Bool
    var status: String

    init(_ outcome: AskOutcome) {
        messageId = outcome.messageID
        model = outcome.model
        provider = outcome.provider
        promptTokens = outcome.usage?.promptTokens
        completionTokens = outcome.usage?.completionTokens
        cost = outcome.cost
        latencyMs = outcome.latencyMs
        cached = outcome.cached
        status = outcome.status.rawValue
    }

    init(_ record: MessageRecord) {
        messageId = record.id
        model = record.model ?? ""
        provider = record.provider ?? ""
        promptTokens = record.promptTokens
        completionTokens = record.completionTokens
        cost = record.cost
        latencyMs = record.latencyMs ?? 0
        cached = record.cached
        status = record.status.rawValue
    }
}

/// An `error` event: the problem type and the user-facing message, never a raw error.
struct ErrorEvent: Codable, Sendable {
    var type: String
    var status: Int
    var detail: String

    init(_ error: any Error, logger: Logger) {
        let problem = Problem(error, logger: logger)
        type = Problem.typeURI(problem.slug)
        status = problem.status
        detail = problem.detail
    }

    var kind: ChatbotError.Kind {
        ChatbotError.Kind.allKinds.first {
            $0.problemType == type.replacingOccurrences(of: "urn:chatbot:problem:", with: "")
        }
            ?? .runtime
    }
}

/// Offset cursors, opaque to clients.
enum Cursor {
    static func encode(_ offset: Int) -> String {
        Data("o:\(offset)".utf8).base64EncodedString()
    }

    static func decode(_ cursor: String?) throws -> Int {
        guard let cursor, !cursor.isEmpty else { return 0 }
        guard cursor.utf8.count <= 64, let data = Data(base64Encoded: cursor),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("o:"),
            let offset = Int(text.dropFirst(2)), offset >= 0, offset <= 1_000_000
        else { throw ServerError.badRequest("the cursor is not one this server gave") }
        return offset
    }
}

/// A `text/event-stream` response over a stream of events.
enum EventStreamResponse {
    static func make(_ events: AsyncStream<ServerEvent>) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                for await event in events {
                    try await writer.write(
                        ByteBuffer(
                            string: EventStreamFrame.encode(id: String(event.id), event: event.name, data: event.json)))
                }
                try await writer.finish(nil)
            })
    }
}
