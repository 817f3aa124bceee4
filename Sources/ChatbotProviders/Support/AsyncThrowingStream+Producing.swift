extension AsyncThrowingStream where Failure == any Error {
    /// A stream fed by `produce`, which runs in a task owned by the stream.
    ///
    /// ``ChatProvider`` returns a stream synchronously, so the producing work needs a task of its
    /// own. It is bound to the stream, not fire-and-forget: the stream finishes when `produce`
    /// returns (or throws), and the task is cancelled as soon as the consumer stops iterating or
    /// is itself cancelled.
    static func producing(
        _ produce: @escaping @Sendable (Continuation) async throws -> Void
    ) -> AsyncThrowingStream<Element, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Element, any Error>.makeStream()
        let task = Task {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
