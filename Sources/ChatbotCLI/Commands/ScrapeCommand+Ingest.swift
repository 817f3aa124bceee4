import ArgumentParser
import ChatbotCore
import ChatbotRetrieval
import ChatbotStorage
import ChatbotWeb
import Foundation

/// Where `scrape --ingest` stores pages: the same flags every other command takes (scrape has
/// its own `--quiet`).
struct ScrapeStorageOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read configuration from this YAML file.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Keep the database and objects in this directory.", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Use this PostgreSQL database.", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Keep objects in this S3-compatible bucket.", valueName: "url"))
    var objectStore: String?

    /// The same settings as ``GlobalOptions``.
    func global(quiet: Bool) throws -> GlobalOptions {
        var arguments: [String] = []
        if let config { arguments += ["--config", config] }
        if let dataDir { arguments += ["--data-dir", dataDir] }
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        if let objectStore { arguments += ["--object-store", objectStore] }
        if quiet { arguments.append("--quiet") }
        return try GlobalOptions.parse(arguments)
    }
}

extension ScrapeCommand {
    /// `--ingest`: the pages go into a collection instead of stdout.
    func ingestPages() async throws {
        try IngestOptions.validateCollectionName(collection)
        let started = ContinuousClock.now
        let global = try storage.global(quiet: quiet)
        let context = try await CommandContext.make(global)
        let store = try await context.openStore()
        let objects = try context.openObjectStore()
        let services = try RetrievalServices(context: context, quiet: quiet)
        let collection = self.collection
        let result = await Result(catchingAsync: {
            try await store.withNamedLock(Ingestor.lockName(collection: collection)) {
                try await ingestAll(store: store, objects: objects.store, services: services, context: context)
            }
        })
        await services.close()
        await objects.close()
        try? await store.close()
        var report = try result.get()
        report.seconds = (ContinuousClock.now - started) / .seconds(1)
        if json {
            try JSONOutput.print(report)
        } else {
            for item in report.items where item.status == .failed {
                StandardOutput.write("failed: \(item.source): \(item.reason ?? "unknown error")\n")
            }
            if !quiet || report.hasFailures {
                var line =
                    "\(collection): \(report.count(.added)) added, \(report.count(.updated)) updated, "
                    + "\(report.count(.unchanged)) unchanged, \(report.count(.failed)) failed; \(report.chunks) chunks"
                if let model = report.embeddingModel { line += ", \(report.embedded) embedded (\(model))" }
                StandardOutput.write(line + String(format: " in %.1f s\n", report.seconds))
            }
        }
        if report.hasFailures {
            throw ChatbotError(
                .partial,
                report.embeddingError.map { "embedding stopped: \($0)" }
                    ?? "\(report.count(.failed)) of \(report.items.count) pages could not be ingested")
        }
    }

    private func ingestAll(
        store: any DatabaseStore, objects: any ObjectStore, services: RetrievalServices, context: CommandContext
    ) async throws -> IngestReport {
        let ingestor = Ingestor(
            store: store, objects: objects, embedder: services.embedder, options: IngestOptions(collection: collection),
            logger: context.logger)
        var report = IngestReport(collection: collection, embeddingModel: services.embedder?.model)
        let base = baseURL.flatMap(URL.init(string:))
        for input in inputs where !Self.isRemote(input) {
            do {
                let data = try Self.read(input)
                let url = base ?? (input == "-" ? nil : URL(fileURLWithPath: input).standardizedFileURL)
                let id = url?.absoluteString ?? "stdin:" + String(Ingestor.contentHash(data).prefix(16))
                report.items.append(
                    await ingestor.ingest(
                        IngestSource(
                            id: id,
                            content: .web(
                                body: data, url: url ?? URL(string: "about:blank")!,
                                contentType: charset.map { "text/html; charset=\($0)" } ?? "text/html"))))
            } catch let error as ChatbotError {
                report.items.append(IngestItemResult(source: input, status: .failed, reason: error.message))
            }
        }
        let remote = inputs.filter(Self.isRemote)
        if !remote.isEmpty {
            let seeds = try remote.map { text in
                guard let url = URL(string: text), url.host != nil else {
                    throw ChatbotError(.usage, "'\(text)' is not a valid URL")
                }
                return url
            }
            var options = try web.crawlOptions(seeds: seeds)
            options.fetchPolicy.conditional = true  // an unchanged page costs a 304
            let fetcher = WebFetcher(
                validatorCache: FileValidatorCache(
                    cacheHome: XDGDirectories(environment: ProcessInfo.processInfo.environment).cacheHome),
                logger: context.logger)
            let crawled = await Result(catchingAsync: { () -> [IngestItemResult] in
                var items: [IngestItemResult] = []
                _ = try await WebIngestion(ingestor: ingestor, store: store).run(options, fetcher: fetcher) { item in
                    if !quiet, item.status == .failed {
                        StandardError.write("chatbot: \(item.source): \(item.reason ?? "")\n")
                    }
                    items.append(item)
                }
                return items
            })
            await fetcher.shutdown()
            report.items += try crawled.get()
        }
        do {
            report.embedded = try await ingestor.embedPending()
        } catch {
            report.embeddingError = (error as? ChatbotError)?.message ?? String(describing: error)
        }
        return report
    }
}
