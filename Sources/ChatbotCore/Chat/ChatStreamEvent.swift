/// One event of a streamed chat completion.
public enum ChatStreamEvent: Sendable, Hashable {
    /// Generated text to append to the answer.
    case delta(String)
    /// Token usage, usually sent once near the end of the stream.
    case usage(ChatUsage)
    /// The model that actually answered, as the provider reports it.
    case model(String)
    /// The stream finished normally; the provider's finish reason when it gave one.
    case finished(reason: String?)
}
