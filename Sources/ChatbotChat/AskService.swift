public import ChatbotCore
public import ChatbotProviders
public import Foundation
public import Logging

/// One question, answered and recorded: the shared core of `chatbot ask` and the server's chat
/// endpoints.
///
/// Order of work: resolve the model chain; load the conversation; commit the user message
/// (before the provider is called, so a crash never loses the question); answer from the cache
/// or stream from the first model of the chain that answers; record the answer with its model,
/// usage, cost, latency and status (complete, interrupted or failed, keeping partial text).
public struct AskService: Sendable {
    private let settings: ChatbotSettings
    private let store: (any ConversationStore)?
    private let chat: FallbackChatProvider
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Creates a service. `store` may be `nil` when nothing is to be read or recorded.
    public init(
        settings: ChatbotSettings,
        store: (any ConversationStore)?,
        chat: FallbackChatProvider,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        self.store = store
        self.chat = chat
        self.logger = logger
        self.now = now
    }

    /// Asks, calling `onRecorded` once the question (and, with ``AskInput/answerID``, the answer's
    /// row) is stored and before the provider is called, then `onText` with each piece of the
    /// answer as it arrives.
    ///
    /// - Throws: ``AskFailure`` when the answer did not complete: its `error` is ``ChatbotError``
    ///   `.interrupted` after `interruption` fired, or the ``ProviderError`` that ended it; its
    ///   `outcome` is what was recorded (the partial answer, marked interrupted or failed).
    ///   Errors before the provider is called (unknown model, store failures) are thrown as they are.
    public func ask(
        _ input: AskInput,
        interruption: Interruption? = nil,
        onRecorded: (@Sendable () async -> Void)? = nil,
        onText: @escaping @Sendable (String) async -> Void
    ) async throws -> AskOutcome {
        let chain = try settings.modelChain(primary: input.model ?? settings.defaultModel)
        let candidates = try chain.map {
            ChatCandidate(reference: $0, endpoint: try settings.endpoint(for: $0.provider))
        }
        guard let primary = candidates.first else {
            throw ChatbotError(.usage, "no model to ask")
        }

        var recorder = try await ConversationRecorder.start(
            input, store: input.log ? store : nil, readStore: store, now: now)
        if let answerID = input.answerID {
            try await recorder.beginAnswer(id: answerID, reference: primary.reference)
        }
        await onRecorded?()
        let request = ChatRequest(
            model: primary.reference.model,
            messages: recorder.history + [ChatMessage(role: .user, content: input.prompt)],
            temperature: input.temperature,
            maxTokens: input.maxTokens
        )

        let cacheKey =
            (input.useCache && request.isDeterministic && store != nil)
            ? ResponseCacheKey(request: request, endpoint: primary.endpoint).hex : nil
        if let cacheKey, let store, let hit = try await store.cachedResponse(key: cacheKey) {
            logger.debug("answered from the response cache", metadata: ["key": "\(cacheKey)"])
            await onText(hit.content)
            return try await recorder.finish(
                answer: hit.content, reference: ModelReference(provider: hit.provider, model: hit.model),
                usage: hit.usage, cost: nil, latencyMs: 0, cached: true, status: .complete, error: nil, fallbacks: [])
        }

        let progress = StreamProgress()
        let started = ContinuousClock.now
        let saver = recorder.streamingTarget.map { target in
            Self.saveWhileStreaming(
                target, progress: progress, every: input.saveInterval, interruption: interruption, now: now,
                logger: logger)
        }
        let failure: (any Error)? = await Self.race(interruption) {
            try await chat.chat(request, candidates: candidates) { event in
                switch event {
                case .answeredBy(let reference):
                    await progress.answered(by: reference)
                case .fellBack(let from, _, let reason):
                    await progress.fellBack(from: from, reason: reason.description)
                case .event(.delta(let text)):
                    await progress.append(text)
                    await onText(text)
                case .event(.usage(let usage)):
                    await progress.record(usage)
                case .event(.model), .event(.finished):
                    break
                }
            }
        }
        saver?.cancel()
        await saver?.value
        let latencyMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        let snapshot = await progress.snapshot()
        let reference = snapshot.reference ?? primary.reference
        // An answer cut or failed before its usage arrived still used tokens: budgets count an
        // estimate of them.
        var usage = snapshot.usage
        if usage == nil, failure != nil, !snapshot.text.isEmpty {
            usage = ChatUsage.estimate(prompt: request.messages, completion: snapshot.text)
        }
        let cost = usage.flatMap { price(for: reference)?.cost(of: $0) }

        switch failure {
        case nil:
            let outcome = try await recorder.finish(
                answer: snapshot.text, reference: reference, usage: snapshot.usage, cost: cost, latencyMs: latencyMs,
                cached: false, status: .complete, error: nil, fallbacks: snapshot.fallbacks)
            if let cacheKey, let store {
                try await store.storeCachedResponse(
                    CachedResponse(
                        key: cacheKey, provider: reference.provider, model: reference.model, content: snapshot.text,
                        usage: snapshot.usage, createdAt: now()))
            }
            return outcome
        case is RaceInterrupted:
            let outcome = try await recorder.finish(
                answer: snapshot.text, reference: reference, usage: usage, cost: cost, latencyMs: latencyMs,
                cached: false, status: .interrupted, error: "interrupted by the user", fallbacks: snapshot.fallbacks)
            throw AskFailure(error: ChatbotError(.interrupted, "interrupted"), outcome: outcome)
        case let error?:
            let outcome = try await recorder.finish(
                answer: snapshot.text, reference: reference, usage: usage, cost: cost, latencyMs: latencyMs,
                cached: false, status: .failed, error: String(describing: error), fallbacks: snapshot.fallbacks)
            throw AskFailure(error: error, outcome: outcome)
        }
    }

    /// Saves the partial answer every `interval` until cancelled; a save refused because the
    /// answer was stopped from elsewhere triggers `interruption`.
    private static func saveWhileStreaming(
        _ target: (store: any ConversationStore, id: String), progress: StreamProgress, every interval: Duration,
        interruption: Interruption?, now: @escaping @Sendable () -> Date, logger: Logger
    ) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                let text = await progress.snapshot().text
                do {
                    if try await !target.store.saveStreamingText(messageID: target.id, content: text, at: now()) {
                        interruption?.trigger()
                        return
                    }
                } catch {
                    logger.warning("could not save the partial answer", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// The configured price of a model: by `provider:model`, then by model name.
    private func price(for reference: ModelReference) -> ModelPrice? {
        settings.prices[reference.description] ?? settings.prices[reference.model]
    }

    /// Runs `work` until it finishes or `interruption` fires (then `work` is cancelled).
    /// Returns the error `work` threw, ``RaceInterrupted``, or `nil` on success.
    private static func race(_ interruption: Interruption?, _ work: @escaping @Sendable () async throws -> Void) async
        -> (any Error)?
    {
        await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do {
                    try await work()
                    return nil
                } catch {
                    return error
                }
            }
            if let interruption {
                group.addTask {
                    await interruption.wait()
                    return Task.isCancelled ? nil : RaceInterrupted()
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// The interruption won the race against the provider stream.
struct RaceInterrupted: Error {}

/// An ask that ended without a complete answer; the partial answer was recorded.
public struct AskFailure: Error, Sendable, CustomStringConvertible {
    /// Why it ended: ``ChatbotError`` `.interrupted`, or the provider's error.
    public var error: any Error
    /// What was recorded (answer so far, model, conversation).
    public var outcome: AskOutcome

    /// A failure with `error`, after `outcome` was recorded.
    public init(error: any Error, outcome: AskOutcome) {
        self.error = error
        self.outcome = outcome
    }

    /// The underlying error's description.
    public var description: String { String(describing: error) }
}
