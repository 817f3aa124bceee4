import AsyncHTTPClient
import ChatbotCore
import ChatbotProviders
import Logging
import Synchronization

/// Shared helpers for the provider tests.
enum ProviderTestSupport {
    static let logger = Logger(label: "chatbot.tests.providers")

    /// Timeouts generous enough for a loaded CI machine, short enough that a hang shows.
    static let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(10))

    /// Runs `body` with a client on a fresh `HTTPClient`, shut down afterwards.
    static func withClient<Result>(
        timeouts: ProviderTimeouts = ProviderTestSupport.timeouts,
        _ body: (OpenAICompatibleClient) async throws -> Result
    ) async throws -> Result {
        let httpClient = HTTPClient(configuration: timeouts.httpClientConfiguration(), backgroundActivityLogger: logger)
        let client = OpenAICompatibleClient(httpClient: httpClient, timeouts: timeouts, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        return result
    }

    static func endpoint(
        _ baseURL: String,
        name: String = "fake",
        apiKey: String? = "sk-test",
        headers: [String: String] = [:]
    ) -> ProviderEndpoint {
        ProviderEndpoint(name: name, baseURL: baseURL, apiKey: apiKey, headers: headers)
    }

    static func request(model: String = "fake-model") -> ChatRequest {
        ChatRequest(model: model, messages: [ChatMessage(role: .user, content: "Say hello")])
    }

    /// Everything a stream produced, and how it ended.
    struct Outcome<Event: Sendable>: Sendable {
        var events: [Event] = []
        var error: (any Error)?

        var providerError: ProviderError? { error as? ProviderError }
    }

    static func collect<Event>(_ stream: AsyncThrowingStream<Event, any Error>) async -> Outcome<Event> {
        var outcome = Outcome<Event>()
        do {
            for try await event in stream { outcome.events.append(event) }
        } catch {
            outcome.error = error
        }
        return outcome
    }
}

extension ProviderTestSupport.Outcome where Event == ChatStreamEvent {
    /// The concatenated deltas.
    var text: String {
        events.reduce(into: "") { text, event in
            if case .delta(let piece) = event { text += piece }
        }
    }
}

extension ProviderTestSupport.Outcome where Event == FallbackStreamEvent {
    /// The concatenated deltas.
    var text: String {
        events.reduce(into: "") { text, event in
            if case .event(.delta(let piece)) = event { text += piece }
        }
    }

    /// Every model reference announced with `.answeredBy`.
    var answeredBy: [ModelReference] {
        events.compactMap { event in
            if case .answeredBy(let reference) = event { return reference }
            return nil
        }
    }
}

/// A `RetryPolicy.sleep` that records the requested waits and returns at once.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])

    var recorded: [Duration] { delays.withLock { $0 } }

    func sleep(_ duration: Duration) async throws {
        delays.withLock { $0.append(duration) }
        try Task.checkCancellation()
    }

    /// A policy with this recorder and a fixed random source (0.5: half the backoff ceiling).
    func policy(maxAttempts: Int = 3, maxRetryAfter: Duration = .seconds(60)) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts,
            maxRetryAfter: maxRetryAfter,
            sleep: { try await self.sleep($0) },
            random: { 0.5 }
        )
    }
}
