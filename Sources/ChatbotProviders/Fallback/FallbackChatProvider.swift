public import ChatbotCore
public import Logging

/// Asks an ordered list of candidates (model + endpoint) for an answer, with retries on each,
/// and reports which candidate answered.
///
/// Policy, per candidate:
/// - An attempt that fails with a retryable ``ProviderError`` (connection, timeout, 429, 5xx)
///   *before any text reached the consumer* is retried as ``RetryPolicy`` allows.
/// - Once a `.delta` has been passed on, the answer is committed to that candidate: a later
///   failure ends the stream with the error, and the consumer keeps the partial text
///   (and should record the answer as failed). It is never retried or sent elsewhere, so no text
///   is duplicated or mixed between models.
/// - When a candidate's retries are spent on retryable errors, the next candidate is tried.
///   A non-retryable error (400, 401, 404, a malformed response) ends the request at once:
///   a wrong key or a bad request is a configuration problem that another model would mask.
/// - A refused connection first calls the `onConnectionRefused` hook (once per candidate), so
///   the caller can start a managed local server; if it returns `true` the candidate is tried
///   again at once, without using up an attempt.
public struct FallbackChatProvider: Sendable {
    /// Called when a candidate's server refused the connection. Return `true` after starting the
    /// server (the candidate is then tried again at once), `false` to carry on with the retry
    /// policy and the next candidate; throw to end the request with your own error.
    public typealias ConnectionRefusedHandler = @Sendable (ChatCandidate) async throws -> Bool

    private let provider: any ChatProvider
    private let retryPolicy: RetryPolicy
    private let logger: Logger
    private let onConnectionRefused: ConnectionRefusedHandler?

    /// Creates a fallback chain over `provider` (usually an ``OpenAICompatibleClient``).
    public init(
        provider: some ChatProvider,
        retryPolicy: RetryPolicy = RetryPolicy(),
        logger: Logger,
        onConnectionRefused: ConnectionRefusedHandler? = nil
    ) {
        self.provider = provider
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.onConnectionRefused = onConnectionRefused
    }

    /// Streams the answer to `request` from the first candidate that gives one.
    ///
    /// Each candidate is asked for its own model (`request.model` is replaced by the
    /// candidate's). The stream throws the terminal error: the first non-retryable
    /// ``ProviderError``, the last candidate's error when all failed, or the error that cut a
    /// committed answer short. The work runs in a task owned by the stream and is cancelled when
    /// the consumer stops iterating.
    public func streamChat(
        _ request: ChatRequest,
        candidates: [ChatCandidate]
    ) -> AsyncThrowingStream<FallbackStreamEvent, any Error> {
        AsyncThrowingStream.producing { continuation in
            try await chat(request, candidates: candidates) { event in
                continuation.yield(event)
            }
        }
    }

    /// The structured form of ``streamChat(_:candidates:)``: calls `onEvent` for each event and
    /// returns when the answer is complete.
    public func chat(
        _ request: ChatRequest,
        candidates: [ChatCandidate],
        onEvent: @escaping @Sendable (FallbackStreamEvent) async throws -> Void
    ) async throws {
        guard let first = candidates.first else {
            throw ChatbotError(.usage, "no model to ask", hint: "configure a provider or pass -m provider:model")
        }
        var failure = ProviderError.cancelled(first.endpoint)
        for (index, candidate) in candidates.enumerated() {
            guard let candidateFailure = try await answer(request, from: candidate, onEvent: onEvent) else {
                return
            }
            failure = candidateFailure
            guard index + 1 < candidates.count else { break }
            let next = candidates[index + 1]
            logger.warning(
                "chat candidate failed, falling back",
                metadata: [
                    "failed": "\(candidate.reference)", "next": "\(next.reference)",
                    "error": "\(candidateFailure.kind)",
                ])
            try await onEvent(.fellBack(from: candidate.reference, to: next.reference, reason: candidateFailure))
        }
        throw failure
    }

    /// Tries one candidate with retries. Returns `nil` when it answered, or the retryable error
    /// that made it give up before any text; throws when the request must end.
    private func answer(
        _ request: ChatRequest,
        from candidate: ChatCandidate,
        onEvent: @escaping @Sendable (FallbackStreamEvent) async throws -> Void
    ) async throws -> ProviderError? {
        var request = request
        request.model = candidate.reference.model
        var attempt = 0
        var calledConnectionRefusedHook = false
        while true {
            attempt += 1
            guard let error = try await attemptOnce(request, candidate: candidate, onEvent: onEvent) else {
                return nil
            }
            guard let failure = error as? ProviderError else { throw error }
            if failure.kind == .cancelled || Task.isCancelled { throw ProviderError.cancelled(candidate.endpoint) }

            if failure.kind == .connectionRefused, !calledConnectionRefusedHook, let onConnectionRefused {
                calledConnectionRefusedHook = true
                if try await onConnectionRefused(candidate) {
                    logger.info(
                        "retrying chat request after starting the server", metadata: ["model": "\(candidate.reference)"]
                    )
                    attempt -= 1
                    continue
                }
            }
            if let delay = retryPolicy.delay(afterAttempt: attempt, failure: failure) {
                logger.notice(
                    "retrying chat request",
                    metadata: [
                        "model": "\(candidate.reference)", "attempt": "\(attempt)",
                        "delay": "\(delay)", "error": "\(failure.kind)",
                    ])
                do {
                    try await retryPolicy.sleep(delay)
                } catch {
                    throw ProviderError.cancelled(candidate.endpoint)
                }
                continue
            }
            guard failure.isRetryable else { throw failure }
            return failure
        }
    }

    /// One attempt. Events before the first text are held back, so that a failed attempt leaves
    /// no trace; the first `.delta` (or `.finished`) commits the answer to this candidate.
    /// Returns `nil` when the answer completed, or the error of an attempt that failed before
    /// committing; rethrows an error after committing.
    private func attemptOnce(
        _ request: ChatRequest,
        candidate: ChatCandidate,
        onEvent: @Sendable (FallbackStreamEvent) async throws -> Void
    ) async throws -> (any Error)? {
        var committed = false
        var heldBack: [ChatStreamEvent] = []
        func commit() async throws {
            committed = true
            try await onEvent(.answeredBy(candidate.reference))
            for event in heldBack { try await onEvent(.event(event)) }
            heldBack.removeAll()
        }
        do {
            for try await event in provider.streamChat(request, endpoint: candidate.endpoint) {
                if committed {
                    try await onEvent(.event(event))
                    continue
                }
                switch event {
                case .delta, .finished:
                    try await commit()
                    try await onEvent(.event(event))
                case .model, .usage:
                    heldBack.append(event)
                }
            }
            // A cancelled consumer ends the inner stream early without an error.
            if Task.isCancelled { throw ProviderError.cancelled(candidate.endpoint) }
            if !committed { try await commit() }
            return nil
        } catch {
            if committed { throw error }
            return error
        }
    }
}
