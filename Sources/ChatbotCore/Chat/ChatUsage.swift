/// Token counts reported by a provider for one completion.
public struct ChatUsage: Sendable, Codable, Hashable {
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int

    /// Creates a usage record.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Prompt plus completion tokens.
    public var totalTokens: Int { promptTokens + completionTokens }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}

extension ChatUsage {
    /// An estimate for an answer the provider did not count (cut mid-stream, failed before its
    /// usage arrived): about four UTF-8 bytes a token, as for English text with common tokenizers,
    /// plus a few tokens of framing per message. Budgets count such answers with it, so cutting
    /// streams is not a way around them.
    public static func estimate(prompt: [ChatMessage], completion: String) -> ChatUsage {
        func tokens(_ text: String) -> Int { (text.utf8.count + 3) / 4 }
        let promptTokens = prompt.reduce(0) { $0 + tokens($1.content) + 4 }
        return ChatUsage(promptTokens: promptTokens, completionTokens: tokens(completion))
    }
}
