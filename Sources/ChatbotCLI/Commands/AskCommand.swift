import ArgumentParser
import AsyncHTTPClient
import ChatbotChat
import ChatbotCore
import ChatbotLocalStack
import ChatbotProviders
import ChatbotStorage
import Foundation

/// `chatbot ask`: one question, a streamed answer, recorded in the history.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask a question and stream the answer.",
        discussion: """
            The question comes from the arguments, from stdin, or both: `git diff | chatbot ask "review this"` \
            sends the instruction followed by the piped text. Files given with -f are attached the same way. \
            The exchange is recorded in the history (see `chatbot history`) unless --no-log is given; the \
            question is recorded before the model is called. Ctrl-C stops the answer, keeps the partial text \
            in the history marked interrupted, and exits 130.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The question (words are joined with spaces).")
    var words: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Attach a text file (repeatable).", valueName: "path"))
    var file: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("A system prompt.", valueName: "text"))
    var system: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("An alias, a provider, or provider:model.", valueName: "model"))
    var model: String?

    @Flag(name: [.customShort("c"), .customLong("continue")], help: "Continue the latest conversation.")
    var continueLatest = false

    @Option(help: ArgumentHelp("Continue the conversation with this id (or unique prefix).", valueName: "id"))
    var conversation: String?

    @Option(help: "Sampling temperature (0 is deterministic).")
    var temperature: Double?

    @Option(help: "Maximum number of tokens to generate.")
    var maxTokens: Int?

    @Flag(help: "Print the answer only when it is complete.")
    var noStream = false

    @Flag(help: "Do not record this exchange in the history.")
    var noLog = false

    @Flag(
        inversion: .prefixedNo, help: "Use the response cache for deterministic requests (default: the config's cache)."
    )
    var cache: Bool?

    @Flag(help: "Print one JSON object: answer, model, provider, usage, cost, conversation_id, latency_ms, ….")
    var json = false

    func validate() throws {
        if continueLatest && conversation != nil { throw ValidationError("use either --continue or --conversation") }
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be between 0 and 2")
        }
        if let maxTokens, maxTokens <= 0 { throw ValidationError("--max-tokens must be positive") }
    }

    func run() async throws {
        let prompt = try PromptBuilder(words: words, files: file).build()
        let context = try await CommandContext.make(global, overrides: model.map { ["model": $0] } ?? [:])
        let settings = context.settings
        let useCache = cache ?? settings.cacheResponses
        let target: ConversationTarget = continueLatest ? .latest : conversation.map { .id($0) } ?? .new
        let needsStore = !noLog || target != .new || (useCache && temperature == 0)

        let store = needsStore ? try await context.openStore() : nil
        let timeouts = ProviderTimeouts(
            connect: .milliseconds(Int(settings.connectTimeout * 1000)),
            idle: .milliseconds(Int(settings.idleTimeout * 1000)))
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: timeouts.httpClientConfiguration())
        let localStack = context.localStack
        let quiet = global.quiet
        let chat = FallbackChatProvider(
            provider: OpenAICompatibleClient(httpClient: httpClient, timeouts: timeouts, logger: context.logger),
            retryPolicy: RetryPolicy(maxAttempts: settings.maxAttempts),
            logger: context.logger,
            onConnectionRefused: { candidate in
                guard candidate.endpoint.isManagedLocal else { return false }
                if !quiet { StandardError.write("chatbot: starting the local model server…\n") }
                try await localStack.ensureRunning(.chat)
                return true  // started now or by a concurrent run: try again at once
            }
        )
        let service = AskService(settings: settings, store: store?.conversations, chat: chat, logger: context.logger)
        let input = AskInput(
            prompt: prompt, system: system, model: model, conversation: target, temperature: temperature,
            maxTokens: maxTokens, useCache: useCache, log: !noLog)

        let streaming = !noStream && !json
        let interruption = Interruption()
        let signals = InterruptHandler { interruption.trigger() }
        let result: Result<AskOutcome, any Error>
        do {
            let outcome = try await service.ask(input, interruption: interruption) { text in
                if streaming { StandardOutput.write(text) }
            }
            result = .success(outcome)
        } catch {
            result = .failure(error)
        }
        signals.cancel()
        try? await httpClient.shutdown()
        try? await store?.close()

        switch result {
        case .success(let outcome):
            try printOutcome(outcome, streamed: streaming)
        case .failure(let failure as AskFailure):
            if streaming {
                if !failure.outcome.answer.isEmpty && !failure.outcome.answer.hasSuffix("\n") {
                    StandardOutput.write("\n")
                }
            } else if json {
                try JSONOutput.print(failure.outcome)
            } else if !failure.outcome.answer.isEmpty {
                StandardOutput.write(failure.outcome.answer + "\n")
            }
            throw failure.error
        case .failure(let error):
            throw error
        }
    }

    private func printOutcome(_ outcome: AskOutcome, streamed: Bool) throws {
        if json {
            try JSONOutput.print(outcome)
        } else if streamed {
            if !outcome.answer.hasSuffix("\n") { StandardOutput.write("\n") }
        } else {
            StandardOutput.write(outcome.answer.hasSuffix("\n") ? outcome.answer : outcome.answer + "\n")
        }
        if global.verbose {
            var line = "\(outcome.provider):\(outcome.model), \(outcome.latencyMs) ms"
            if let usage = outcome.usage { line += ", \(usage.promptTokens)+\(usage.completionTokens) tokens" }
            if outcome.cached { line += ", cached" }
            StandardError.write(line + "\n")
        }
    }
}
