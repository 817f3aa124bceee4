import ArgumentParser
import AsyncHTTPClient
import ChatbotChat
import ChatbotCore
import ChatbotLocalStack
import ChatbotProviders
import ChatbotRetrieval
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
            Text is sent as it is; documents (PDF, DOCX, PPTX, XLSX, ODT/ODS/ODP, EPUB) are extracted to \
            Markdown, and audio and video are transcribed, so `cat report.pdf | chatbot ask "summarise"` works.

            With --collection NAME the question is first searched in that collection (hybrid search, see \
            `chatbot search`); the best --top chunks are sent with it as numbered sources, the model is \
            asked to cite them as [1], [2], and the answer ends with the list of sources (file with page, \
            slide, sheet, section or time; URL). --json adds "sources": [{"rank", "source", "title", \
            "location", "citation", "score", "text", "cited"}]. \
            The exchange is recorded in the history (see `chatbot history`) unless --no-log is given; the \
            question is recorded before the model is called. Ctrl-C stops the answer, keeps the partial text \
            in the history marked interrupted, and exits 130.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The question (words are joined with spaces).")
    var words: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Attach a file: text, a document, audio or video (repeatable).", valueName: "path"))
    var file: [String] = []

    @Option(
        name: [.customShort("C"), .long],
        help: ArgumentHelp("Answer from this collection, citing its chunks.", valueName: "name"))
    var collection: String?

    @Option(help: ArgumentHelp("With --collection: how many chunks to send as sources.", valueName: "k"))
    var top = 5

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
        if let collection { try IngestOptions.validateCollectionName(collection) }
        guard (1...50).contains(top) else { throw ValidationError("--top must be between 1 and 50") }
    }

    func run() async throws {
        let context = try await CommandContext.make(global, overrides: model.map { ["model": $0] } ?? [:])
        let settings = context.settings
        let useCache = cache ?? settings.cacheResponses
        let target: ConversationTarget = continueLatest ? .latest : conversation.map { .id($0) } ?? .new
        let needsStore = collection != nil || !noLog || target != .new || (useCache && temperature == 0)

        // Documents and media in the input, and retrieval, need the embedding and speech services.
        let services = try RetrievalServices(context: context, quiet: global.quiet, embeddings: collection != nil)
        let built = await Result(catchingAsync: {
            try await PromptBuilder(
                words: words, files: file, transcribe: services.mediaTranscription(quiet: global.quiet)
            ).build()
        })
        let prompt: PromptBuilder.Prompt
        let store: (any DatabaseStore)?
        var sources: [RetrievedChunk] = []
        do {
            prompt = try built.get()
            store = needsStore ? try await context.openStore() : nil
            if let collection, let store {
                let found = try await Retriever(store: store, embedder: services.embedder, logger: context.logger)
                    .search(prompt.question, collection: collection, limit: top)
                if let warning = found.warning, !global.quiet { StandardError.write("chatbot: \(warning)\n") }
                if found.chunks.isEmpty, !global.quiet {
                    StandardError.write("chatbot: nothing in '\(collection)' matches; answering without sources\n")
                }
                sources = found.chunks
            }
        } catch {
            await services.close()
            throw error
        }
        await services.close()
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
        let grounded = !sources.isEmpty
        let input = AskInput(
            prompt: grounded ? CitedPrompt.message(question: prompt.message, chunks: sources) : prompt.message,
            system: grounded ? [CitedPrompt.instructions, system].compactMap { $0 }.joined(separator: "\n\n") : system,
            model: model, conversation: target, temperature: temperature, maxTokens: maxTokens, useCache: useCache,
            log: !noLog)

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
            try printOutcome(outcome, streamed: streaming, sources: sources)
        case .failure(let failure as AskFailure):
            if streaming {
                if !failure.outcome.answer.isEmpty && !failure.outcome.answer.hasSuffix("\n") {
                    StandardOutput.write("\n")
                }
            } else if json {
                try JSONOutput.print(CitedOutcome(outcome: failure.outcome, sources: sources))
            } else if !failure.outcome.answer.isEmpty {
                StandardOutput.write(failure.outcome.answer + "\n")
            }
            throw failure.error
        case .failure(let error):
            throw error
        }
    }

    private func printOutcome(_ outcome: AskOutcome, streamed: Bool, sources: [RetrievedChunk]) throws {
        if json {
            try JSONOutput.print(CitedOutcome(outcome: outcome, sources: sources))
        } else {
            if streamed {
                if !outcome.answer.hasSuffix("\n") { StandardOutput.write("\n") }
            } else {
                StandardOutput.write(outcome.answer.hasSuffix("\n") ? outcome.answer : outcome.answer + "\n")
            }
            if !sources.isEmpty { StandardOutput.write("\n" + CitedPrompt.sourcesBlock(sources) + "\n") }
        }
        if global.verbose {
            var line = "\(outcome.provider):\(outcome.model), \(outcome.latencyMs) ms"
            if let usage = outcome.usage { line += ", \(usage.promptTokens)+\(usage.completionTokens) tokens" }
            if outcome.cached { line += ", cached" }
            StandardError.write(line + "\n")
        }
    }
}

/// `ask --json` with retrieval: the outcome's keys plus `sources`, each marked `cited` when the
/// answer refers to it.
struct CitedOutcome: Encodable {
    let outcome: AskOutcome
    let sources: [RetrievedChunk]

    private enum Keys: String, CodingKey { case sources }

    private struct Source: Encodable {
        let chunk: RetrievedChunk
        let cited: Bool

        private enum Keys: String, CodingKey { case cited }

        func encode(to encoder: any Encoder) throws {
            try chunk.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(cited, forKey: .cited)
        }
    }

    func encode(to encoder: any Encoder) throws {
        try outcome.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        let cited = Set(CitedPrompt.citedRanks(in: outcome.answer, among: sources))
        try container.encode(sources.map { Source(chunk: $0, cited: cited.contains($0.rank)) }, forKey: .sources)
    }
}
