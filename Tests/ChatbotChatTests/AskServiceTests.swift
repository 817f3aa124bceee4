import ChatbotChat
import ChatbotCore
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Testing

@Suite("AskService: record, stream, price, cache, interrupt")
struct AskServiceTests {
    @Test("records the question and the answer with model, usage, cost and latency")
    func recordsExchange() async throws {
        let prices = ["fake:m": ModelPrice(inputPerMillion: 2, outputPerMillion: 4)]
        try await AskFixture.with(prices: prices) { fixture in
            fixture.server.enqueue(
                .stream(["Hi", " there"], usage: ChatUsage(promptTokens: 1000, completionTokens: 500)))
            let collector = TextCollector()
            let outcome = try await fixture.service.ask(AskInput(prompt: "Hello?")) { await collector.append($0) }
            #expect(await collector.pieces == ["Hi", " there"])
            #expect(outcome.answer == "Hi there")
            #expect(outcome.provider == "fake")
            #expect(outcome.model == "m")
            #expect(outcome.status == .complete)
            #expect(outcome.usage == ChatUsage(promptTokens: 1000, completionTokens: 500))
            let cost = try #require(outcome.cost)
            #expect(abs(cost - (1000 * 2 + 500 * 4) / 1_000_000) < 1e-12)

            let messages = try await fixture.latestMessages()
            #expect(messages.map(\.role) == [.user, .assistant])
            #expect(messages[0].content == "Hello?")
            #expect(messages[1].content == "Hi there")
            #expect(messages[1].cost == outcome.cost)
            #expect(messages[1].promptTokens == 1000)
            #expect(messages[1].id == outcome.messageID)
            #expect(messages[1].conversationID == outcome.conversationID)
        }
    }

    @Test("a price given by model name alone applies too")
    func priceByModelName() async throws {
        try await AskFixture.with(prices: ["m": ModelPrice(inputPerMillion: 1_000_000, outputPerMillion: 0)]) {
            fixture in
            fixture.server.enqueue(.stream(["x"], usage: ChatUsage(promptTokens: 3, completionTokens: 9)))
            let outcome = try await fixture.service.ask(AskInput(prompt: "q")) { _ in }
            #expect(outcome.cost == 3)
        }
    }

    @Test("an interruption stops the stream, keeps the partial answer as interrupted, and throws .interrupted")
    func interruption() async throws {
        try await AskFixture.with { fixture in
            fixture.server.enqueue(.stall(after: ["Once", " upon"]))
            let interruption = Interruption()
            let collector = TextCollector()
            let failure = try await #require(throws: AskFailure.self) {
                try await fixture.service.ask(AskInput(prompt: "story"), interruption: interruption) { piece in
                    await collector.append(piece)
                    if await collector.text == "Once upon" { interruption.trigger() }
                }
            }
            #expect((failure.error as? ChatbotError)?.kind == .interrupted)
            #expect(failure.outcome.status == .interrupted)
            #expect(failure.outcome.answer == "Once upon")
            let assistant = try #require(try await fixture.latestMessages().last)
            #expect(assistant.role == .assistant)
            #expect(assistant.status == .interrupted)
            #expect(assistant.content == "Once upon")
        }
    }

    @Test("a failed answer is recorded as failed but not sent again when the conversation continues")
    func failedFragmentsAreNotResent() async throws {
        try await AskFixture.with { fixture in
            fixture.server.enqueue(.resetMidStream(after: ["Broken"]), .stream(["Fine"]))
            await #expect(throws: AskFailure.self) {
                try await fixture.service.ask(AskInput(prompt: "first")) { _ in }
            }
            let failed = try #require(try await fixture.latestMessages().last)
            #expect(failed.status == .failed)
            #expect(failed.content == "Broken")
            #expect(failed.error?.isEmpty == false)

            _ = try await fixture.service.ask(AskInput(prompt: "second", conversation: .latest)) { _ in }
            let sent = try #require(fixture.server.requests.last?.chatBody?.messages)
            #expect(sent == [ChatMessage(role: .user, content: "first"), ChatMessage(role: .user, content: "second")])
        }
    }

    @Test("the cache answers a deterministic repeat only; other requests go to the server")
    func cache() async throws {
        try await AskFixture.with { fixture in
            let deterministic = AskInput(prompt: "same", temperature: 0, useCache: true)
            let first = try await fixture.service.ask(deterministic) { _ in }
            #expect(!first.cached)
            let collector = TextCollector()
            let second = try await fixture.service.ask(deterministic) { await collector.append($0) }
            #expect(second.cached)
            #expect(second.answer == first.answer)
            #expect(await collector.text == first.answer)
            #expect(fixture.server.requests.count == 1)
            #expect(try await fixture.latestMessages().last?.cached == true)

            _ = try await fixture.service.ask(AskInput(prompt: "same", temperature: 0.7, useCache: true)) { _ in }
            _ = try await fixture.service.ask(AskInput(prompt: "same", temperature: 0, useCache: false)) { _ in }
            _ = try await fixture.service.ask(AskInput(prompt: "other", temperature: 0, useCache: true)) { _ in }
            #expect(fixture.server.requests.count == 4)
        }
    }

    @Test("log: false records nothing")
    func noLog() async throws {
        try await AskFixture.with { fixture in
            let outcome = try await fixture.service.ask(AskInput(prompt: "private", log: false)) { _ in }
            #expect(outcome.conversationID == nil)
            #expect(outcome.messageID == nil)
            #expect(try await fixture.store.latestConversation() == nil)
        }
    }

    @Test("the fallback chain answers from the next model and notes the skipped one")
    func fallback() async throws {
        let closed = try await FaultInjectingServer.unusedBaseURL()
        try await AskFixture.with(fallback: ["fake:m"], extraProviders: ["down": closed]) { fixture in
            let outcome = try await fixture.service.ask(AskInput(prompt: "q", model: "down:x")) { _ in }
            #expect(outcome.provider == "fake")
            #expect(outcome.fallbacks.map(\.model) == ["down:x"])
            #expect(try await fixture.latestMessages().last?.provider == "fake")
        }
    }

    @Test("an unknown model is a usage error and records nothing")
    func unknownModel() async throws {
        try await AskFixture.with { fixture in
            let error = try await #require(throws: ChatbotError.self) {
                try await fixture.service.ask(AskInput(prompt: "q", model: "nosuch:x")) { _ in }
            }
            #expect(error.kind == .usage)
            #expect(try await fixture.store.latestConversation() == nil)
            #expect(fixture.server.requests.isEmpty)
        }
    }
}
