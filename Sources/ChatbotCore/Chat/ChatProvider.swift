/// Something that answers chat requests by streaming events.
///
/// The OpenAI-compatible HTTP client implements it; so do test doubles.
public protocol ChatProvider: Sendable {
    /// Streams the answer to `request` from `endpoint`.
    ///
    /// The stream finishes after `.finished`, or throws. Cancelling the consuming task cancels
    /// the underlying request.
    func streamChat(
        _ request: ChatRequest,
        endpoint: ProviderEndpoint
    ) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}
