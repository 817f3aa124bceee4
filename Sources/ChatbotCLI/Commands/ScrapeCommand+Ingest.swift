import ArgumentParser
import ChatbotCore
import ChatbotRetrieval
import ChatbotServices
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
    /// `--ingest`: the pages go into a collection instead of stdout, through the same ingest run
    /// as `chatbot ingest` (parallel, locked, pruned with `--prune`, embedded).
    func ingestPages() async throws {
        try IngestOptions.validateCollectionName(collection)
        let global = try storage.global(quiet: quiet)
        let base = baseURL.flatMap(URL.init(string:))
        // Local pages are read first; one that cannot be read is a failed item, in input order.
        var local: [(input: String, source: Result<IngestSource, ChatbotError>)] = []
        for input in inputs where !Self.isRemote(input) {
            do {
                let data = try Self.read(input)
                let url = base ?? (input == "-" ? nil : URL(fileURLWithPath: input).standardizedFileURL)
                let id = url?.absoluteString ?? "stdin:" + String(Ingestor.contentHash(data).prefix(16))
                local.append(
                    (
                        input,
                        .success(
                            IngestSource(
                                id: id,
                                content: .web(
                                    body: data, url: url ?? URL(string: "about:blank")!,
                                    contentType: charset.map { "text/html; charset=\($0)" } ?? "text/html")))
                    ))
            } catch let error as ChatbotError {
                local.append((input, .failure(error)))
            }
        }
        let remote = inputs.filter(Self.isRemote)
        var crawl: CrawlOptions?
        if !remote.isEmpty {
            let seeds = try remote.map { text in
                guard let url = URL(string: text), url.host != nil else {
                    throw ChatbotError(.usage, "'\(text)' is not a valid URL")
                }
                return url
            }
            var options = try web.crawlOptions(seeds: seeds)
            options.fetchPolicy.conditional = true  // an unchanged page costs a 304
            crawl = options
        }
        let sources = local.compactMap { try? $0.source.get() }
        let request = IngestRun.Request(
            sources: sources, crawl: crawl,
            pruneRoots: prune ? (crawl?.seeds ?? []).map(Self.pruneRoot) : [])
        let observer = ScrapeIngestObserver(quiet: quiet, local: Set(sources.map(\.id)))
        var report = try await CommandContext.with(global) { context in
            let services = context.services
            let fetcher = crawl == nil ? nil : try services.webFetcher(validatorCache: services.webValidatorCache)
            return try await services.ingestRun(
                store: try await context.openStore(), options: IngestOptions(collection: collection),
                jobs: ProcessInfo.processInfo.activeProcessorCount, fetcher: fetcher
            ).run(request, observer: observer)
        }
        report.items = Self.merging(local, into: report.items)
        try printReport(report)
        if report.hasFailures {
            throw ChatbotError(
                .partial,
                report.embeddingError.map { "embedding stopped: \($0)" }
                    ?? "\(report.count(.failed)) of \(report.items.count) pages could not be ingested")
        }
    }

    /// The prune root of a seed: its folder (`https://site/docs/` for `…/docs/index.html`).
    static func pruneRoot(_ seed: URL) -> String {
        let text = seed.absoluteString
        if text.hasSuffix("/") { return text }
        return seed.deletingLastPathComponent().absoluteString
    }

    /// The report's items with the local pages that could not be read put back in input order.
    static func merging(
        _ local: [(input: String, source: Result<IngestSource, ChatbotError>)], into items: [IngestItemResult]
    ) -> [IngestItemResult] {
        var rest = items[...]
        var merged: [IngestItemResult] = []
        for entry in local {
            switch entry.source {
            case .success:
                if let first = rest.popFirst() { merged.append(first) }
            case .failure(let error):
                merged.append(IngestItemResult(source: entry.input, status: .failed, reason: error.message))
            }
        }
        return merged + rest
    }

    private func printReport(_ report: IngestReport) throws {
        if json { return try JSONOutput.print(report) }
        for item in report.items where item.status == .failed {
            StandardOutput.write("failed: \(item.source): \(item.reason ?? "unknown error")\n")
        }
        guard !quiet || report.hasFailures else { return }
        var line =
            "\(report.collection): \(report.count(.added)) added, \(report.count(.updated)) updated, "
            + "\(report.count(.unchanged)) unchanged, \(report.count(.failed)) failed; \(report.chunks) chunks"
        if prune { line = line.replacingOccurrences(of: " failed;", with: " failed, \(report.count(.pruned)) pruned;") }
        if let model = report.embeddingModel { line += ", \(report.embedded) embedded (\(model))" }
        StandardOutput.write(line + String(format: " in %.1f s\n", report.seconds))
    }
}

/// Reports pages of the crawl that fail as they happen (local pages are reported at the end).
struct ScrapeIngestObserver: IngestRunObserver {
    let quiet: Bool
    let local: Set<String>

    func ingested(_ result: IngestItemResult) {
        guard !quiet, result.status == .failed, !local.contains(result.source) else { return }
        StandardError.write("chatbot: \(result.source): \(result.reason ?? "")\n")
    }
}
