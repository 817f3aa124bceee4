import ChatbotCore
import ChatbotProviders
import ChatbotTestSupport
import Foundation
import Testing

@Suite("OpenAICompatibleClient against FaultInjectingServer")
struct OpenAICompatibleClientTests {
    typealias Support = ProviderTestSupport

    @Test("streams model, deltas, usage and finish reason, and sends the request OpenAI expects")
    func streaming() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(
                .stream(["Hel", "lo"], model: "served-model", usage: ChatUsage(promptTokens: 9, completionTokens: 2)))
            let endpoint = Support.endpoint(baseURL, headers: ["X-Title": "chatbot tests"])
            let request = ChatRequest(
                model: "asked-model",
                messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")],
                temperature: 0.5, maxTokens: 16, seed: 42)
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(request, endpoint: endpoint))
            }
            #expect(outcome.error == nil)
            #expect(
                outcome.events == [
                    .model("served-model"), .delta("Hel"), .delta("lo"),
                    .usage(ChatUsage(promptTokens: 9, completionTokens: 2)), .finished(reason: "stop"),
                ])

            let sent = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(sent.method == "POST")
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.header("Authorization") == "Bearer sk-test")
            #expect(sent.header("X-Title") == "chatbot tests")
            #expect(sent.header("Content-Type") == "application/json")
            let body = try #require(sent.chatBody)
            #expect(body.model == "asked-model")
            #expect(body.messages == request.messages)
            #expect(body.stream == true)
            #expect(body.streamOptions?.includeUsage == true)
            #expect(body.temperature == 0.5)
            #expect(body.maxTokens == 16)
            #expect(body.seed == 42)
        }
    }

    @Test("sends no Authorization header and no unset options when there is no key")
    func noKey() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            let outcome = try await Support.withClient { client in
                await Support.collect(
                    client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL + "/", apiKey: nil)))
            }
            #expect(outcome.text == "Hello, world")
            let sent = try #require(server.requests.first)
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.header("Authorization") == nil)
            #expect(!sent.bodyText.contains("temperature"))
            #expect(!sent.bodyText.contains("max_tokens"))
        }
    }

    @Test("a non-streamed JSON answer yields the same events")
    func jsonAnswer() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(
                .json(
                    "Whole answer.", model: "json-model", usage: ChatUsage(promptTokens: 4, completionTokens: 3),
                    finishReason: "length"))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.error == nil)
            #expect(
                outcome.events == [
                    .model("json-model"), .delta("Whole answer."),
                    .usage(ChatUsage(promptTokens: 4, completionTokens: 3)), .finished(reason: "length"),
                ])
        }
    }

    @Test("SSE framing: CRLF, events split across writes, comments, a stream without usage")
    func framing() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(
                .rawSSE([
                    ": keep-alive\r\n\r\n",
                    "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"A\"}}]}\r",
                    "\n\r\ndata: {\"choices\":[{\"delta\":{\"con",
                    "tent\":\"é\"}}]}\r\n\r\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                    "data: [DONE]\n\n",
                ]))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.error == nil)
            #expect(outcome.events == [.model("m"), .delta("A"), .delta("é"), .finished(reason: "stop")])
        }
    }

    @Test("an error status carries the status and the provider's message")
    func serverError() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(500, message: "model failed to load"))
            let outcome = try await Support.withClient { client in
                await Support.collect(
                    client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL, name: "local")))
            }
            let error = try #require(outcome.providerError)
            #expect(error.kind == .httpStatus)
            #expect(error.statusCode == 500)
            #expect(error.providerMessage == "model failed to load")
            #expect(error.description == "local at \(baseURL) answered 500: model failed to load")
            #expect(outcome.events.isEmpty)
        }
    }

    @Test("429 becomes rate limited with Retry-After in seconds or as an HTTP-date")
    func rateLimited() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(429, message: "slow down", retryAfter: "7"))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            // Far enough ahead that a slow, loaded test run cannot eat into the window.
            let inFuture = formatter.string(from: Date(timeIntervalSinceNow: 3600))
            server.enqueue(.status(503, message: "busy", retryAfter: inFuture))
            try await Support.withClient { client in
                let first = try #require(
                    await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
                        .providerError)
                #expect(first.kind == .rateLimited)
                #expect(first.retryAfter == .seconds(7))
                #expect(first.providerMessage == "slow down")
                let second = try #require(
                    await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
                        .providerError)
                #expect(second.kind == .httpStatus)
                let wait = try #require(second.retryAfter)
                #expect(wait > .seconds(3000) && wait <= .seconds(3601))
            }
        }
    }

    @Test("an error body that is not JSON still gives a message")
    func plainErrorBody() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(502, body: "upstream exploded", contentType: "text/plain"))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.providerError?.statusCode == 502)
            #expect(outcome.providerError?.providerMessage == "upstream exploded")
        }
    }

    @Test("malformed SSE data is a malformed-response error, after the good text")
    func malformed() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.malformedSSE(after: ["Good"]))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.text == "Good")
            let error = try #require(outcome.providerError)
            #expect(error.kind == .malformedResponse)
            #expect(!error.isRetryable)
        }
    }

    @Test("a 200 body that is neither SSE nor JSON is a malformed response")
    func notAnEventStream() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.status(200, body: "<html>captive portal</html>", contentType: "text/html"))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.providerError?.kind == .malformedResponse)
            #expect(outcome.events.isEmpty)
        }
    }

    @Test("a connection reset mid-stream is a lost connection, after the text sent so far")
    func resetMidStream() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.resetMidStream(after: ["Par", "tial"]))
            let outcome = try await Support.withClient { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.text == "Partial")
            #expect(outcome.providerError?.kind == .connectionLost)
            #expect(!outcome.events.contains(.finished(reason: "stop")))
        }
    }

    @Test("a slow first byte within the timeouts is fine")
    func slowFirstByte() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.delayed(by: .milliseconds(400), .stream(["late"])))
            let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(5))
            let outcome = try await Support.withClient(timeouts: timeouts) { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.error == nil)
            #expect(outcome.text == "late")
        }
    }

    @Test("twenty answers at once to one provider all reach it: the client queues none behind the first eight")
    func concurrentAnswers() async throws {
        try await FaultInjectingServer.withRunning(defaultBehaviour: .stall(after: ["Held"])) { server, baseURL in
            let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(60))
            try await Support.withClient(timeouts: timeouts) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            _ = await Support.collect(
                                client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
                        }
                    }
                    // Every answer is held open by the server; with a pool of eight connections
                    // the ninth request would never arrive.
                    for _ in 0..<1000 where server.requests.count < 20 {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(server.requests.count == 20)
                    try await server.shutdown()  // ends the held answers
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("a response head that never comes is an idle timeout")
    func noResponse() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.delayed(by: .seconds(30), .stream(["never"])))
            let timeouts = ProviderTimeouts(connect: .milliseconds(200), idle: .milliseconds(300))
            let outcome = try await Support.withClient(timeouts: timeouts) { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(outcome.providerError?.kind == .idleTimeout)
        }
    }

    @Test("a stream that stalls is an idle timeout, after the text sent so far")
    func stall() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.stall(after: ["Stuck"]))
            let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = try await Support.withClient(timeouts: timeouts) { client in
                await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
            }
            #expect(clock.now - start >= .milliseconds(300))
            #expect(outcome.text == "Stuck")
            let error = try #require(outcome.providerError)
            #expect(error.kind == .idleTimeout)
            #expect(error.isRetryable)
        }
    }

    @Test("a slow but steady stream is not idle, yet the overall limit applies")
    func requestTimeout() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            // Margins wide enough for a loaded 2-core machine (the suite runs beside ffmpeg and
            // LibreOffice fixtures): ticks every 100 ms never trip a 2 s idle limit; 60 of them
            // always pass a 3 s overall limit; 4 of them never do.
            let tokens = Array(repeating: "tick ", count: 60)
            server.enqueue(.stream(tokens, chunkDelay: .milliseconds(100)))
            server.enqueue(.stream(Array(tokens.prefix(4)), chunkDelay: .milliseconds(100)))
            let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(2), request: .seconds(3))
            try await Support.withClient(timeouts: timeouts) { client in
                let long = await Support.collect(
                    client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
                #expect(long.providerError?.kind == .requestTimeout)
                #expect(!long.text.isEmpty)
                let short = await Support.collect(
                    client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
                #expect(short.error == nil)
                #expect(short.text == String(repeating: "tick ", count: 4))
            }
        }
    }

    @Test("nothing listening is connection refused, reported at once")
    func connectionRefused() async throws {
        let baseURL = try await FaultInjectingServer.unusedBaseURL()
        // A connect timeout far longer than any test run: if the HTTP client retried the refused
        // connection internally, the error would be a connect timeout (or the test would hang),
        // not connectionRefused.
        let timeouts = ProviderTimeouts(connect: .seconds(600), idle: .seconds(600))
        let outcome = try await Support.withClient(timeouts: timeouts) { client in
            await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint(baseURL)))
        }
        #expect(outcome.providerError?.kind == .connectionRefused)
        #expect(outcome.providerError?.chatbotError.kind == .unavailable)
    }

    @Test("a base URL that is not HTTP is a configuration error")
    func invalidEndpoint() async throws {
        let outcome = try await Support.withClient { client in
            await Support.collect(client.streamChat(Support.request(), endpoint: Support.endpoint("127.0.0.1:8080/v1")))
        }
        #expect(outcome.providerError?.kind == .invalidEndpoint)
    }

    @Test("cancelling the caller cancels the request")
    func cancellation() async throws {
        try await FaultInjectingServer.withRunning { server, baseURL in
            server.enqueue(.stall(after: ["Waiting"]))
            let timeouts = ProviderTimeouts(connect: .seconds(5), idle: .seconds(30))
            try await Support.withClient(timeouts: timeouts) { client in
                let firstDelta = AsyncStream<Void>.makeStream()
                let endpoint = Support.endpoint(baseURL)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await client.chat(Support.request(), endpoint: endpoint) { event in
                                if case .delta = event { firstDelta.continuation.yield() }
                            }
                            Issue.record("the stalled request completed")
                        } catch let error as ProviderError {
                            #expect(error.kind == .cancelled)
                        }
                    }
                    var deltas = firstDelta.stream.makeAsyncIterator()
                    await deltas.next()
                    group.cancelAll()
                    // Without cancellation reaching the request, the stall would end in an idle
                    // timeout (kind .idleTimeout), which the child task's expectation rejects.
                    try await group.waitForAll()
                }
            }
        }
    }
}
