import ChatbotAccounts
import ChatbotChat
import ChatbotCore
import ChatbotStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `GET /api/messages/{id}/events` and `POST /api/messages/{id}/cancel`: an answer after its
/// request, on any replica. The replica running it serves its live events from memory; any other
/// follows the text it saves to the database. `Last-Event-ID` (the bytes of text the client has)
/// resumes where the client stopped. Another user's answer is 404.
struct MessageRoutes {
    let database: any SQLDatabaseStore
    let registry: AnswerRegistry

    /// How often a replica that is not running the answer reads its saved text.
    static let pollInterval: Duration = .milliseconds(250)
    /// How long a follower waits on an answer whose text stops growing before giving up.
    static let followLimit: Duration = .seconds(600)

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/messages/:id/events") { request, context in try await events(request, context) }
        group.post("/messages/:id/cancel") { _, context in try await cancel(context) }
    }

    /// `identity`'s assistant message `id`, else 404.
    private func message(_ id: String, identity: Identity) async throws -> (MessageRecord, SQLConversationStore) {
        guard identity.scopes.contains(.chat) else {
            throw ServerError.forbidden("this credential lacks the 'chat' scope")
        }
        let store = database.conversations(ownedBy: identity.user.id)
        guard ConversationRoutes.isConversationID(id), let record = try await store.message(id: id),
            record.role == .assistant
        else { throw ServerError.notFound("message") }
        return (record, store)
    }

    private func events(_ request: Request, _ context: ServerContext) async throws -> Response {
        let offset = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) }.map { max(0, $0) } ?? 0
        return EventStreamResponse.make(
            try await events(
                of: try context.parameters.require("id"), identity: try context.requireIdentity(),
                after: offset))
    }

    /// The events of `identity`'s answer `id` after `offset` bytes of text: live from this
    /// replica's memory when it runs the answer, else followed in the database.
    func events(of id: String, identity: Identity, after offset: Int) async throws -> AsyncStream<ServerEvent> {
        let (record, store) = try await message(id, identity: identity)
        if let entry = await registry.entry(record.id, owner: identity.user.id) {
            return await entry.channel.subscribe(afterOffset: offset)
        }
        return Self.follow(record.id, in: store, after: offset)
    }

    /// The saved text after `offset`, then what is added while it is `streaming`, then `done`.
    static func follow(_ id: String, in store: SQLConversationStore, after offset: Int) -> AsyncStream<ServerEvent> {
        AsyncStream { continuation in
            let task = Task {
                var sent = offset
                let deadline = ContinuousClock.now + followLimit
                while !Task.isCancelled {
                    guard let record = try? await store.message(id: id) else { break }
                    let length = record.content.utf8.count
                    if length > sent {
                        let rest = AnswerText.after(sent, in: record.content)
                        continuation.yield(
                            ServerEvent(id: length, name: "delta", json: ServerJSON.text(["text": rest])))
                        sent = length
                    }
                    if record.status != .streaming {
                        if record.status != .complete, let error = record.error {
                            let event = ["type": Problem.typeURI(record.status.rawValue), "detail": error]
                            continuation.yield(ServerEvent(id: length, name: "error", json: ServerJSON.text(event)))
                        }
                        continuation.yield(
                            ServerEvent(id: length, name: "done", json: ServerJSON.text(AnswerSummary(record))))
                        break
                    }
                    guard ContinuousClock.now < deadline else { break }
                    try? await Task.sleep(for: pollInterval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func cancel(_ context: ServerContext) async throws -> Response {
        try await cancel(try context.parameters.require("id"), identity: try context.requireIdentity())
        return Response(
            status: .accepted, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"cancelling"}"#)))
    }

    /// Stops `identity`'s running answer `id` wherever it runs.
    func cancel(_ id: String, identity: Identity) async throws {
        let (record, store) = try await message(id, identity: identity)
        guard record.status == .streaming else {
            throw ChatbotError(.conflict, "the answer has already ended (\(record.status.rawValue))")
        }
        if let entry = await registry.entry(record.id, owner: identity.user.id) {
            entry.interruption.trigger()
        } else {
            // Running on another replica: it sees the status at its next save and stops.
            _ = try await store.stopStreaming(messageID: record.id, reason: "cancelled")
        }
    }
}
