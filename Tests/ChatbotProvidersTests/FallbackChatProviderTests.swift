import ChatbotCore
import ChatbotProviders
import ChatbotTestSupport
import Synchronization
import Testing

@Suite("FallbackChatProvider: retries and fallback against FaultInjectingServer")
struct FallbackChatProviderTests {
    typealias Support = ProviderTestSupport

    private func candidate(_ baseURL: String, provider: String = "first", model: String = "model-a") -> ChatCandidate {
        ChatCandidate(
            reference: ModelReference(provider: provider, model: model),
            endpoint: Support.endpoint(baseURL, name: provider))
    }

    private func run(
        _ candidates: [ChatCandidate],
        policy: RetryPolicy,
        onConnectionRefused: FallbackChatProvider.ConnectionRefusedHandler? = nil
    ) async throws -> Support.Outcome<FallbackStreamEvent> {
        try await Support.withClient { client in
            let fallback = FallbackChatProvider(
                provider: client, retryPolicy: policy, logger: Support.logger,
                onConnectionRefused: onConnectionRefused)
            return await Support.collect(fallback.streamChat(Support.request(), candidates: candidates))
        }
    }

    @Test("429 with Retry-After is retried after exactly the wait the server asked for")
    func rateLimitedThenSuccess() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(429, message: "slow down", retryAfter: "2"), .stream(["ok"]))
            let sleeps = SleepRecorder()
            let first = candidate(baseURL)
            let outcome = try await run([first], policy: sleeps.policy())
            #expect(outcome.error == nil)
            #expect(outcome.text == "ok")
            #expect(outcome.answeredBy == [first.reference])
            #expect(server.requests.count == 2)
            #expect(sleeps.recorded == [.seconds(2)])
        }
    }

    @Test("500 is retried after a jittered backoff")
    func serverErrorThenSuccess() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(500, message: "oops"), .status(503, message: "loading"), .stream(["fine"]))
            let sleeps = SleepRecorder()
            let outcome = try await run([candidate(baseURL)], policy: sleeps.policy())
            #expect(outcome.error == nil)
            #expect(outcome.text == "fine")
            #expect(server.requests.count == 3)
            // Random source fixed at 0.5: half of 0.5 s, then half of 1 s.
            #expect(sleeps.recorded == [.milliseconds(250), .milliseconds(500)])
        }
    }

    @Test("gives up after the configured attempts with the last error")
    func attemptsExhausted() async throws {
        try await FaultInjectingServer.withRunning(defaultBehaviour: .status(503, message: "busy")) { server, baseURL in
            let sleeps = SleepRecorder()
            let outcome = try await run([candidate(baseURL)], policy: sleeps.policy(maxAttempts: 3))
            #expect(outcome.providerError?.statusCode == 503)
            #expect(server.requests.count == 3)
            #expect(sleeps.recorded.count == 2)
            #expect(outcome.answeredBy.isEmpty)
        }
    }

    @Test("401 is not retried")
    func unauthorizedNotRetried() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(401, message: "invalid api key"))
            let sleeps = SleepRecorder()
            let outcome = try await run([candidate(baseURL)], policy: sleeps.policy())
            let error = try #require(outcome.providerError)
            #expect(error.statusCode == 401)
            #expect(error.providerMessage == "invalid api key")
            #expect(server.requests.count == 1)
            #expect(sleeps.recorded.isEmpty)
        }
    }

    @Test("a failure after text has streamed is terminal: partial text kept, no retry")
    func resetAfterTextNotRetried() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.resetMidStream(after: ["Par", "tial"]), .stream(["Complete"]))
            let second = try await FaultInjectingServer.withRunning { backup, backupURL in
                let sleeps = SleepRecorder()
                let first = candidate(baseURL)
                let outcome = try await run(
                    [first, candidate(backupURL, provider: "second")], policy: sleeps.policy())
                #expect(outcome.text == "Partial")
                #expect(outcome.providerError?.kind == .connectionLost)
                #expect(outcome.answeredBy == [first.reference])
                #expect(sleeps.recorded.isEmpty)
                return backup.requests.count
            }
            #expect(server.requests.count == 1)
            #expect(second == 0)
        }
    }

    @Test("an attempt that failed before text leaves no trace in the events")
    func failedAttemptLeavesNoTrace() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            // The first attempt sends its model name but no text, then drops the connection.
            server.enqueue(.resetMidStream(after: [""], model: "stale-model"), .stream(["Hi"], model: "good-model"))
            let sleeps = SleepRecorder()
            let outcome = try await run([candidate(baseURL)], policy: sleeps.policy())
            #expect(outcome.error == nil)
            let models = outcome.events.compactMap { event -> String? in
                if case .event(.model(let model)) = event { return model }
                return nil
            }
            #expect(models == ["good-model"])
            #expect(sleeps.recorded.count == 1)
            #expect(outcome.events.first.map { if case .answeredBy = $0 { true } else { false } } == true)
        }
    }

    @Test("falls back to the next candidate when one keeps failing with 500, and says who answered")
    func fallbackOnServerError() async throws {
        try await FaultInjectingServer.withRunning(defaultBehaviour: .status(500, message: "down")) {
            broken, brokenURL in
            try await FaultInjectingServer.withRunning { healthy, healthyURL in
                healthy.enqueue(.stream(["From", " backup"]))
                let sleeps = SleepRecorder()
                let first = candidate(brokenURL, provider: "primary", model: "big")
                let second = candidate(healthyURL, provider: "backup", model: "small")
                let outcome = try await run([first, second], policy: sleeps.policy(maxAttempts: 2))
                #expect(outcome.error == nil)
                #expect(outcome.text == "From backup")
                #expect(outcome.answeredBy == [second.reference])
                #expect(broken.requests.count == 2)
                #expect(healthy.requests.first?.chatBody?.model == "small")
                #expect(broken.requests.first?.chatBody?.model == "big")
                let notice = try #require(outcome.events.first)
                guard case .fellBack(let from, let to, let reason) = notice else {
                    Issue.record("expected a fellBack notice first, got \(notice)")
                    return
                }
                #expect(from == first.reference)
                #expect(to == second.reference)
                #expect(reason.statusCode == 500)
            }
        }
    }

    @Test("falls back when nothing listens at the first endpoint")
    func fallbackOnConnectionRefused() async throws {
        let closedURL = try await FaultInjectingServer.unusedBaseURL()
        try await FaultInjectingServer.withRunning { healthy, healthyURL in
            let second = candidate(healthyURL, provider: "backup")
            let outcome = try await run(
                [candidate(closedURL, provider: "local"), second], policy: SleepRecorder().policy(maxAttempts: 2))
            #expect(outcome.error == nil)
            #expect(outcome.answeredBy == [second.reference])
            #expect(outcome.text == "Hello, world")
        }
    }

    @Test("a Retry-After longer than the policy waits moves on without waiting")
    func longRetryAfterFallsBack() async throws {
        try await FaultInjectingServer.withRunning { limited, limitedURL in
            limited.enqueue(.status(429, message: "quota", retryAfter: "3600"))
            try await FaultInjectingServer.withRunning { _, healthyURL in
                let sleeps = SleepRecorder()
                let second = candidate(healthyURL, provider: "backup")
                let outcome = try await run([candidate(limitedURL), second], policy: sleeps.policy())
                #expect(outcome.answeredBy == [second.reference])
                #expect(sleeps.recorded.isEmpty)
                #expect(limited.requests.count == 1)
            }
        }
    }

    @Test("no fallback for a non-retryable error such as 401")
    func noFallbackOn401() async throws {
        try await FaultInjectingServer.withRunning { rejecting, rejectingURL in
            rejecting.enqueue(.status(401, message: "bad key"))
            try await FaultInjectingServer.withRunning { healthy, healthyURL in
                let outcome = try await run(
                    [candidate(rejectingURL), candidate(healthyURL, provider: "backup")],
                    policy: SleepRecorder().policy())
                #expect(outcome.providerError?.statusCode == 401)
                #expect(outcome.answeredBy.isEmpty)
                #expect(healthy.requests.isEmpty)
            }
        }
    }

    @Test("the connection-refused hook can start the server, and the attempt is repeated at once")
    func connectionRefusedHookStartsServer() async throws {
        let baseURL = try await FaultInjectingServer.unusedBaseURL()
        let port = try #require(Int(baseURL.split(separator: ":").last?.split(separator: "/").first ?? ""))
        let server = FaultInjectingServer()
        server.enqueue(.stream(["Started"]))
        let calls = Mutex<[String]>([])
        let sleeps = SleepRecorder()
        let local = candidate(baseURL, provider: "local")
        let outcome = try await run([local], policy: sleeps.policy()) { candidate in
            calls.withLock { $0.append(candidate.endpoint.name) }
            _ = try await server.start(port: port)
            return true
        }
        try await server.shutdown()
        #expect(outcome.error == nil)
        #expect(outcome.text == "Started")
        #expect(outcome.answeredBy == [local.reference])
        #expect(calls.withLock { $0 } == ["local"])
        #expect(sleeps.recorded.isEmpty)
    }

    @Test("when the hook starts nothing, retries and the error follow as usual; the hook runs once")
    func connectionRefusedHookDeclines() async throws {
        let baseURL = try await FaultInjectingServer.unusedBaseURL()
        let calls = Mutex(0)
        let sleeps = SleepRecorder()
        let outcome = try await run([candidate(baseURL, provider: "local")], policy: sleeps.policy(maxAttempts: 3)) {
            _ in
            calls.withLock { $0 += 1 }
            return false
        }
        #expect(outcome.providerError?.kind == .connectionRefused)
        #expect(calls.withLock { $0 } == 1)
        #expect(sleeps.recorded.count == 2)
    }

    @Test("an empty candidate list is a usage error")
    func noCandidates() async throws {
        let outcome = try await run([], policy: RetryPolicy())
        #expect((outcome.error as? ChatbotError)?.kind == .usage)
    }
}
