import ChatbotCore
import Foundation

/// Loads the conversation an ask continues, commits the user message, and records the answer.
struct ConversationRecorder: Sendable {
    /// Earlier messages to send, oldest first (system prompt first when there is one).
    let history: [ChatMessage]
    private let store: (any ConversationStore)?
    private let conversationID: String?
    private let now: @Sendable () -> Date
    /// The answer's id when it was recorded as `streaming` up front (``beginAnswer(id:reference:)``).
    private(set) var answerID: String?

    /// Resolves the conversation and, when recording, commits the system and user messages.
    static func start(
        _ input: AskInput,
        store: (any ConversationStore)?,
        readStore: (any ConversationStore)?,
        now: @escaping @Sendable () -> Date
    ) async throws -> ConversationRecorder {
        var conversation: Conversation?
        var earlier: [MessageRecord] = []
        switch input.conversation {
        case .new:
            break
        case .latest, .id:
            guard let readStore else {
                throw ChatbotError(.usage, "continuing a conversation needs the history store")
            }
            if case .id(let id) = input.conversation {
                conversation = try await readStore.conversation(matching: id)
                if conversation == nil {
                    throw ChatbotError(.notFound, "no conversation matches '\(id)'", hint: "see `chatbot history list`")
                }
            } else {
                conversation = try await readStore.latestConversation()
            }
            if let conversation { earlier = try await readStore.messages(conversationID: conversation.id) }
        }

        var history: [ChatMessage] = []
        let earlierSystem = earlier.last { $0.role == .system }?.content
        if let system = input.system ?? earlierSystem { history.append(ChatMessage(role: .system, content: system)) }
        for message in earlier where message.role != .system && !message.content.isEmpty {
            // Keep what the user saw: complete and interrupted answers; drop failed fragments.
            if message.role == .assistant && message.status == .failed { continue }
            history.append(ChatMessage(role: message.role, content: message.content))
        }

        guard let store else {
            return ConversationRecorder(history: history, store: nil, conversationID: conversation?.id, now: now)
        }
        var messages: [MessageRecord] = []
        let conversationID = conversation?.id ?? ""  // a new conversation's id is the store's to choose
        if let system = input.system, system != earlierSystem {
            messages.append(
                MessageRecord(
                    id: newID(), conversationID: conversationID, role: .system, content: system, createdAt: now()))
        }
        messages.append(
            MessageRecord(
                id: newID(), conversationID: conversationID, role: .user, content: input.prompt, createdAt: now()))
        let target: Conversation
        if let conversation {
            target = conversation
            for message in messages { try await store.appendMessage(message) }
        } else {
            // One commit for the conversation and its question.
            target = try await store.createConversation(
                title: ConversationTitle.of(input.prompt), startingWith: messages)
        }
        return ConversationRecorder(history: history, store: store, conversationID: target.id, now: now)
    }

    /// Records the answer as `streaming` with no text yet, so that it exists before the provider
    /// is called; ``finish`` then completes that row instead of appending one.
    mutating func beginAnswer(id: String, reference: ModelReference) async throws {
        guard let store, let conversationID else { return }
        try await store.appendMessage(
            MessageRecord(
                id: id, conversationID: conversationID, role: .assistant, content: "", model: reference.model,
                provider: reference.provider, status: .streaming, createdAt: now()))
        answerID = id
    }

    /// The store and id of an answer recorded up front, for saving its partial text.
    var streamingTarget: (store: any ConversationStore, id: String)? {
        guard let store, let answerID else { return nil }
        return (store, answerID)
    }

    /// Records the answer (when recording) and returns the outcome.
    func finish(
        answer: String,
        reference: ModelReference,
        usage: ChatUsage?,
        cost: Double?,
        latencyMs: Int,
        cached: Bool,
        status: MessageStatus,
        error: String?,
        fallbacks: [AskOutcome.FallbackNote]
    ) async throws -> AskOutcome {
        var messageID: String?
        if let store, let conversationID {
            let record = MessageRecord(
                id: answerID ?? Self.newID(), conversationID: conversationID, role: .assistant, content: answer,
                model: reference.model, provider: reference.provider, promptTokens: usage?.promptTokens,
                completionTokens: usage?.completionTokens, cost: cost, latencyMs: latencyMs, status: status,
                error: error, cached: cached, createdAt: now())
            if answerID != nil {
                try await store.updateMessage(record)
            } else {
                try await store.appendMessage(record)
            }
            messageID = record.id
        }
        return AskOutcome(
            answer: answer, model: reference.model, provider: reference.provider, usage: usage, cost: cost,
            conversationID: store == nil ? nil : conversationID, messageID: messageID, latencyMs: latencyMs,
            cached: cached, status: status, fallbacks: fallbacks)
    }

    private static func newID() -> String { UUID().uuidString.lowercased() }

}

/// The title a new conversation gets from its first question: the first line, at most 80
/// characters. The CLI's asks and the server's use the same one.
public enum ConversationTitle {
    /// The title for a conversation starting with `prompt`.
    public static func of(_ prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? prompt
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 80 ? String(trimmed.prefix(79)) + "…" : trimmed
    }
}
