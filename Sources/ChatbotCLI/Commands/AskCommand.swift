import ArgumentParser
import ChatbotAccounts
import ChatbotChat
import ChatbotCore
import ChatbotDocuments
import ChatbotRetrieval
import ChatbotServices
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

    @Option(
        help: ArgumentHelp(
            "Ask through a running `chatbot serve` at this URL (or `remote:` in the config); the API key comes from CHATBOT_API_KEY.",
            valueName: "url"))
    var remote: String?

    @Flag(help: "Ask the providers here even when `remote:` is configured.")
    var local = false

    func validate() throws {
        if continueLatest && conversation != nil { throw ValidationError("use either --continue or --conversation") }
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be between 0 and 2")
        }
        if let maxTokens, maxTokens <= 0 { throw ValidationError("--max-tokens must be positive") }
        if let collection { try IngestOptions.validateCollectionName(collection) }
        guard (1...50).contains(top) else { throw ValidationError("--top must be between 1 and 50") }
        if remote != nil {
            if local { throw ValidationError("use either --remote or --local") }
            try Self.checkRemoteFlags(file: file, noLog: noLog, cache: cache)
        }
    }

    func run() async throws {
        try await CommandContext.with(global, overrides: model.map { ["model": $0] } ?? [:]) { context in
            if let url = remote ?? (local ? nil : context.settings.remote) {
                if remote == nil {
                    do {
                        try Self.checkRemoteFlags(file: file, noLog: noLog, cache: cache)
                    } catch let error as ValidationError {
                        throw ChatbotError(
                            .usage, "\(error.message) (asking through \(url), from `remote:` in the config)",
                            hint: "add --local to ask the providers here")
                    }
                }
                try await askRemote(url, context)
            } else {
                try await ask(context)
            }
        }
    }

    static func checkRemoteFlags(file: [String], noLog: Bool, cache: Bool?) throws {
        if !file.isEmpty || noLog || cache != nil {
            throw ValidationError("--file, --no-log and --cache are not available when asking through a server")
        }
    }

    /// The same question through a running server: the answer streams back and is printed as a
    /// local one is; the conversation is stored on the server.
    private func askRemote(_ url: String, _ context: CommandContext) async throws {
        guard let key = ProcessInfo.processInfo.environment["CHATBOT_API_KEY"], !key.isEmpty else {
            throw ChatbotError(
                .usage, "--remote needs an API key",
                hint: "create one with `chatbot keys create` and set CHATBOT_API_KEY")
        }
        let client = try RemoteAskClient(baseURL: url, apiKey: key, httpClient: context.services.httpClient)
        let prompt = try await PromptBuilder(words: words, files: [], input: PromptInput(transcribe: nil)).build()
        let target: ConversationTarget = continueLatest ? .latest : conversation.map { .id($0) } ?? .new
        let input = AskInput(
            prompt: prompt.message, system: system, model: model, conversation: target, temperature: temperature,
            maxTokens: maxTokens)
        let streaming = !noStream && !json
        let interruption = Interruption()
        let signals = InterruptHandler { interruption.trigger() }
        defer { signals.cancel() }
        let received = RemoteSources()
        do {
            let outcome = try await client.ask(
                input, collection: collection, top: collection == nil ? nil : top, interruption: interruption,
                onSources: { await received.set($0) },
                onText: { text in
                    if streaming { StandardOutput.write(text) }
                })
            let sources = await received.sources
            if collection != nil, sources.isEmpty, !global.quiet {
                StandardError.write("chatbot: nothing in '\(collection ?? "")' matches; answered without sources\n")
            }
            try printOutcome(outcome, streamed: streaming, sources: sources)
        } catch let failure as AskFailure {
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
        }
    }

    private func ask(_ context: CommandContext) async throws {
        let services = context.services
        let useCache = cache ?? context.settings.cacheResponses
        let target: ConversationTarget = continueLatest ? .latest : conversation.map { .id($0) } ?? .new
        let budget = context.settings.budget
        let needsStore =
            collection != nil || !noLog || target != .new || (useCache && temperature == 0) || budget != nil

        // Documents and media in the input are read first; then the store and the search.
        let prompt = try await PromptBuilder(
            words: words, files: file, input: PromptInput(transcribe: services.mediaTranscription())
        ).build()
        let store = needsStore ? try await context.openStore() : nil
        // `budget:` in the config: an exhausted one refuses before anything is asked (exit 75).
        if let budget, let store {
            try await BudgetGuard(store: store.conversations).check([(.commandLine(id: LocalUser.id), budget)])
        }
        var sources: [RetrievedChunk] = []
        if let collection, let store {
            let grounding = try await GroundedAsk(retriever: try services.retriever(store: store))
                .ground(prompt.question, collection: collection, top: top)
            if let warning = grounding.warning, !global.quiet { StandardError.write("chatbot: \(warning)\n") }
            if grounding.sources.isEmpty, !global.quiet {
                StandardError.write("chatbot: nothing in '\(collection)' matches; answering without sources\n")
            }
            sources = grounding.sources
        }
        let service = services.askService(store: store?.conversations)
        let input = GroundedAsk.input(
            AskInput(
                prompt: prompt.message, system: system, model: model, conversation: target, temperature: temperature,
                maxTokens: maxTokens, useCache: useCache, log: !noLog),
            citing: sources)

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
        if noLog, budget != nil, let store {
            // The answer is the user's either way: a failed write is said, not raised.
            do {
                try await Self.recordUnloggedUsage(result, prompt: prompt.message, in: store.conversations)
            } catch {
                StandardError.write("chatbot: could not count this answer against the budget: \(error)\n")
            }
        }

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

    /// With `budget:` set, an answer asked with `--no-log` still counts against it: its usage is
    /// stored without its text (a usage record, as `/v1` answers are), the provider's counts or an
    /// estimate when the answer ended before them. A cached answer used nothing.
    private static func recordUnloggedUsage(
        _ result: Result<AskOutcome, any Error>, prompt: String, in store: any ConversationStore
    ) async throws {
        let outcome: AskOutcome
        switch result {
        case .success(let answered): outcome = answered
        case .failure(let failure as AskFailure): outcome = failure.outcome
        case .failure: return  // nothing was asked
        }
        guard !outcome.cached else { return }
        let usage =
            outcome.usage
            ?? ChatUsage.estimate(prompt: [ChatMessage(role: .user, content: prompt)], completion: outcome.answer)
        let status =
            switch outcome.status {
            case .complete, .streaming: "completed"
            case .interrupted: "interrupted"
            case .failed: "failed"
            }
        try await store.recordUsage([
            UsageRecord(
                at: Date(), userID: LocalUser.id, apiKeyID: nil, source: "cli.ask", provider: outcome.provider,
                model: outcome.model, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                cost: outcome.cost, status: status)
        ])
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

/// The sources a server sent with a remote answer.
private actor RemoteSources {
    private(set) var sources: [RetrievedChunk] = []
    func set(_ sources: [RetrievedChunk]) { self.sources = sources }
}
