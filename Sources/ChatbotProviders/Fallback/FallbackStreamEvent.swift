public import ChatbotCore

/// One event of an answer streamed through a ``FallbackChatProvider``.
///
/// A stream yields, in order: zero or more ``fellBack(from:to:reason:)`` notices, exactly one
/// ``answeredBy(_:)`` naming the candidate whose answer follows, then that candidate's
/// ``event(_:)``s (its `.model`, `.delta`s, `.usage`, `.finished`). Events of attempts that failed
/// before producing text are never forwarded.
public enum FallbackStreamEvent: Sendable, Hashable {
    /// A candidate failed with a retryable error before producing text, and the next one is tried.
    /// For a warning on stderr; the failed candidate's retries are already spent.
    case fellBack(from: ModelReference, to: ModelReference, reason: ProviderError)
    /// The candidate whose answer the following events carry: attribution, cost accounting
    /// (the configured price of that model) and the conversation log should use it.
    case answeredBy(ModelReference)
    /// An event of the answer.
    case event(ChatStreamEvent)
}
