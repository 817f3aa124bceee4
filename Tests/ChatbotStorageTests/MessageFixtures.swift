import ChatbotCore
import Foundation

extension MessageRecord {
    /// A message with a new id; times are whole milliseconds so they survive storage unchanged.
    static func fixture(
        in conversationID: String,
        role: ChatRole = .user,
        content: String,
        model: String? = nil,
        provider: String? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        cost: Double? = nil,
        status: MessageStatus = .complete,
        at createdAt: Date = Date(timeIntervalSince1970: 1_750_000_000)
    ) -> MessageRecord {
        MessageRecord(
            id: UUID().uuidString.lowercased(),
            conversationID: conversationID,
            role: role,
            content: content,
            model: model,
            provider: provider,
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            cost: cost,
            status: status,
            createdAt: createdAt
        )
    }
}
