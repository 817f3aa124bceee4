/// A one-shot signal that the user wants the current answer stopped (Ctrl-C).
///
/// ``AskService`` races the provider stream against it: the stream is cancelled, the partial
/// answer is kept and recorded as interrupted. The asking task itself is not cancelled, so the
/// record can still be written.
public final class Interruption: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates an untriggered interruption.
    public init() {
        (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Signals the interruption; safe to call from a signal handler's dispatch queue, and more than once.
    public func trigger() {
        continuation.yield(())
    }

    /// Returns when triggered, or when the waiting task is cancelled. One waiter at a time.
    public func wait() async {
        for await _ in stream { return }
    }
}
