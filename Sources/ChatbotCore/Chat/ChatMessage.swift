/// Who wrote a message in a conversation.
public enum ChatRole: String, Sendable, Codable, Hashable, CaseIterable {
    case system
    case user
    case assistant
}

/// One message sent to or received from a chat model.
public struct ChatMessage: Sendable, Codable, Hashable {
    /// Who wrote the message.
    public var role: ChatRole
    /// The message text.
    public var content: String

    /// Creates a message.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}
