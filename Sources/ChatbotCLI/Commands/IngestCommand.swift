import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import ChatbotDocuments
import ChatbotJobs
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import ChatbotWeb
import Foundation
import Synchronization

/// `chatbot ingest`: files, folders, URLs and stdin into a searchable collection.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add documents, recordings and web pages to a searchable collection.",
        discussion: """
            Each source is stored once by content hash (the original in the object store, its \
            metadata and chunks in the database), split into chunks that follow its structure \
            (headings, pages, slides, sheets; time ranges for audio and video), indexed for full-text \
            search, and embedded for vector search with the configured embedding provider (the local \
            multilingual-e5-small server by default; embeddings.provider none for full text only).

            Inputs: files; folders (recursive, in name order; hidden entries skipped unless --hidden; \
            only files of known types unless --include names them; a .chatbotignore file in any folder \
            ignores what its globs match, as .gitignore does); http(s) URLs (fetched safely, robots.txt \
            obeyed; use `chatbot scrape --ingest` to crawl a site); and `-` for stdin: one document \
            (named with --source, the type recognised by content or --filename), or the NDJSON that \
            `chatbot scrape --format ndjson` prints, one page per line.

            Runs are incremental and idempotent: an unchanged source is skipped by its hash; a changed \
            one has its chunks replaced in one transaction; a source that fails leaves what was stored \
            untouched. --prune removes documents whose file is gone from the folders given (or no \
            longer matches). A run killed while embedding resumes where it stopped. A second run on the \
            same collection exits 75 at once, or waits with --wait. Safe to run from cron.

            Formats: PDF, DOCX, PPTX, XLSX, ODT, ODS, ODP, EPUB, HTML, Markdown, text, CSV/TSV, JSON; \
            WAV, MP3, M4A, FLAC, OGG/Opus, MP4, MKV, WebM, MOV (transcribed with the speech provider).

            EXIT STATUS: 0 every source ingested (or unchanged); 2 some failed (the report names them) \
            or embedding stopped; 64 bad flags or a missing path; 75 the collection is busy.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Files, folders, http(s) URLs, or - for stdin.", valueName: "source"))
    var inputs: [String]

    @Option(
        name: [.customShort("C"), .long], help: ArgumentHelp("The collection.", valueName: "name"))
    var collection: String = IngestOptions.defaultCollection

    @Option(help: ArgumentHelp("In folders, take only files matching this glob (repeatable).", valueName: "glob"))
    var include: [String] = []

    @Option(
        help: ArgumentHelp("In folders, skip files and folders matching this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Flag(help: "Walk hidden files and folders too.")
    var hidden = false

    @Flag(help: "Remove documents whose file is gone from the folders given.")
    var prune = false

    @Flag(help: "Report what would change; write nothing.")
    var dryRun = false

    @Flag(help: "Extract and chunk again even when a source is unchanged.")
    var force = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Wait up to this many seconds for another run on the collection (default: exit 75 at once).",
            valueName: "seconds"))
    var wait: Double?

    @Option(help: ArgumentHelp("The longest chunk, in characters.", valueName: "n"))
    var chunkSize = 1200

    @Option(help: ArgumentHelp("Characters repeated between chunks cut for length.", valueName: "n"))
    var chunkOverlap = 150

    @Option(help: ArgumentHelp("The name of the stdin document (default: stdin:<hash>).", valueName: "name"))
    var source: String?

    @Option(help: ArgumentHelp("A file name for stdin, to tell text formats apart.", valueName: "name"))
    var filename: String?

    @Option(help: ArgumentHelp("The largest document accepted, in bytes.", valueName: "bytes"))
    var maxBytes = 100 << 20

    @Option(help: ArgumentHelp("Sources processed at once.", valueName: "n"))
    var jobs = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

    @Flag(help: "Allow URLs on loopback, private and link-local addresses (your own intranet).")
    var allowPrivate = false

    @Flag(help: "Store chunks for full-text search only; compute no embeddings now.")
    var noEmbed = false

    @Flag(
        help: """
            Queue the work for `chatbot worker` (or `serve`'s workers) instead of doing it now; prints the job ids. \
            Paths must be readable where the workers run.
            """)
    var queue = false

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin (`-`) can be read only once") }
        try IngestOptions.validateCollectionName(collection)
        guard chunkSize >= 100 else { throw ValidationError("--chunk-size must be at least 100") }
        guard chunkOverlap >= 0, chunkOverlap < chunkSize / 2 else {
            throw ValidationError("--chunk-overlap must be 0 or more and under half of --chunk-size")
        }
        guard maxBytes > 0, jobs > 0 else { throw ValidationError("--max-bytes and --jobs must be above 0") }
        if let wait, wait < 0 { throw ValidationError("--wait must be 0 or more") }
    }

    func run() async throws {
        if queue {
            try await enqueue()
            return
        }
        // Everything that can be a usage error comes first, before any lock or write.
        let scanner = SourceScanner(include: include, exclude: exclude, hidden: hidden)
        var scans: [SourceScanner.Scan] = []
        var urls: [URL] = []
        for input in inputs where input != "-" {
            if ScrapeCommand.isRemote(input) {
                guard let url = URL(string: input), url.host != nil else {
                    throw ChatbotError(.usage, "'\(input)' is not a valid URL")
                }
                urls.append(url)
            } else {
                scans.append(try scanner.scan(input))
            }
        }
        let stdinData = inputs.contains("-") ? try StandardInput.read(limit: maxBytes + 1) : nil
        if let stdinData, stdinData.count > maxBytes {
            throw ChatbotError(.usage, "stdin is over the --max-bytes limit (\(maxBytes) bytes)")
        }

        var sources: [IngestSource] = scans.flatMap { scan in
            scan.files.map { IngestSource(id: $0.path, content: .file($0)) }
        }
        if let stdinData { sources += Self.stdinSources(stdinData, name: source, filename: filename) }
        let request = IngestRun.Request(
            sources: sources,
            crawl: urls.isEmpty
                ? nil
                : CrawlOptions(
                    seeds: urls, maxDepth: 0, maxPages: urls.count,
                    fetchPolicy: FetchPolicy(allowPrivateNetworks: allowPrivate, maxBodyBytes: maxBytes)),
            pruneRoots: prune ? scans.map(\.root) : [], embed: !noEmbed,
            lockWaiting: wait.map { .wait(seconds: $0) } ?? .failFast)
        var extraction = ExtractionOptions()
        extraction.maxBytes = maxBytes
        let options = IngestOptions(
            collection: collection,
            chunking: ChunkingOptions(maxCharacters: chunkSize, overlapCharacters: chunkOverlap),
            extraction: extraction, force: force, dryRun: dryRun)
        let progress = IngestProgress(enabled: StandardError.isTerminal && !global.quiet && !json)
        let report = try await CommandContext.with(global) { context in
            let services = context.services
            let run = try services.ingestRun(
                store: try await context.openStore(), options: options, jobs: jobs, embed: !noEmbed,
                fetcher: urls.isEmpty ? nil : try services.webFetcher())
            return try await run.run(request, observer: progress)
        }
        try printReport(report)
        if report.hasFailures {
            let failed = report.count(.failed)
            throw ChatbotError(
                .partial,
                failed > 0
                    ? "\(failed) of \(report.items.count) sources could not be ingested"
                    : "embedding stopped: \(report.embeddingError ?? "")",
                hint: report.embeddingError != nil ? "run the same command again to resume embedding" : nil)
        }
    }

    /// `--queue`: one `ingest.paths` job for the files and folders, one `ingest.url` job per URL.
    private func enqueue() async throws {
        guard !inputs.contains("-") else {
            throw ChatbotError(.usage, "--queue cannot take stdin", hint: "save it to a file the workers can read")
        }
        guard !dryRun else { throw ChatbotError(.usage, "--queue and --dry-run do not go together") }
        var paths: [String] = []
        var urls: [String] = []
        for input in inputs {
            if ScrapeCommand.isRemote(input) {
                guard let url = URL(string: input), url.host != nil else {
                    throw ChatbotError(.usage, "'\(input)' is not a valid URL")
                }
                urls.append(url.absoluteString)
            } else {
                let absolute = URL(fileURLWithPath: input).standardizedFileURL.path
                guard FileManager.default.fileExists(atPath: absolute) else {
                    throw ChatbotError(.usage, "\(input): no such file or folder")
                }
                paths.append(absolute)
            }
        }
        let jobs = try await CommandContext.with(global) { context in
            let database = try await context.openStore()
            let owner = try await AccountsCommandServices.open(context).caller.userID
            let queue = JobQueue(database: database)
            var jobs: [Job] = []
            if !paths.isEmpty {
                let payload = IngestPathsPayload(
                    collection: collection, paths: paths, include: include, exclude: exclude, hidden: hidden,
                    prune: prune, force: force, chunkSize: chunkSize, chunkOverlap: chunkOverlap, maxBytes: maxBytes,
                    embed: !noEmbed)
                jobs.append(
                    try await queue.enqueue(NewJob(kind: JobKind.ingestPaths, payload: payload, ownerID: owner)).job)
            }
            for url in urls {
                let payload = IngestURLPayload(collection: collection, url: url)
                jobs.append(
                    try await queue.enqueue(NewJob(kind: JobKind.ingestURL, payload: payload, ownerID: owner)).job)
            }
            return jobs
        }
        if json {
            try JSONOutput.print(jobs.map(JobDocument.init))
        } else {
            for job in jobs { StandardOutput.write(job.id + "\n") }
            if !global.quiet {
                StandardError.write("chatbot: queued \(jobs.count) job(s); follow them with `chatbot jobs list`\n")
            }
        }
    }

    /// stdin as sources: `chatbot scrape --format ndjson` records (one page per line), else one
    /// document.
    static func stdinSources(_ data: Data, name: String?, filename: String?) -> [IngestSource] {
        if let records = PageRecord.records(inLines: data) { return records.map(\.ingestSource) }
        let id =
            name.map { $0.contains(":") || $0.hasPrefix("/") ? $0 : "stdin:" + $0 }
            ?? "stdin:" + String(Ingestor.contentHash(data).prefix(16))
        return [IngestSource(id: id, content: .data(data, filename: filename))]
    }

    private func printReport(_ report: IngestReport) throws {
        if json {
            try JSONOutput.print(report)
            return
        }
        if global.verbose || dryRun {
            for item in report.items {
                var line = "\(item.status.rawValue): \(item.source)"
                if item.chunks > 0 { line += " (\(item.chunks) chunks)" }
                if let reason = item.reason { line += ": \(reason)" }
                StandardOutput.write(line + "\n")
            }
        } else {
            for item in report.items where item.status == .failed || item.reason != nil {
                let label = item.status == .failed ? "failed" : "note"
                StandardOutput.write("\(label): \(item.source): \(item.reason ?? "unknown error")\n")
            }
        }
        guard !global.quiet || report.hasFailures else { return }
        var summary =
            dryRun
            ? "dry run, \(report.collection): would add \(report.count(.added)), update \(report.count(.updated)), prune \(report.count(.pruned)); \(report.count(.unchanged)) unchanged"
            : "\(report.collection): \(report.count(.added)) added, \(report.count(.updated)) updated, \(report.count(.unchanged)) unchanged, \(report.count(.pruned)) pruned, \(report.count(.failed)) failed; \(report.chunks) chunks"
        if !dryRun {
            if let model = report.embeddingModel { summary += ", \(report.embedded) embedded (\(model))" }
            summary += String(format: " in %.1f s", report.seconds)
        }
        StandardOutput.write(summary + "\n")
        if let error = report.embeddingError { StandardOutput.write("embedding stopped: \(error)\n") }
    }
}

/// A progress line on stderr while ingesting (only on a terminal).
final class IngestProgress: IngestRunObserver {
    private struct State {
        var expected = 0
        var done = 0
        var chunks = 0
    }
    private let state = Mutex(State())
    private let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    func expect(_ sources: Int) { state.withLock { $0.expected = sources } }

    func ingested(_ result: IngestItemResult) {
        let line = state.withLock { state -> String in
            state.done += 1
            state.chunks += result.chunks
            return "ingest: \(state.done)/\(max(state.expected, state.done)) sources, \(state.chunks) chunks"
        }
        draw(line)
    }

    func embedded(_ chunks: Int) { draw("ingest: embedding, \(chunks) chunks done") }

    func finished() { if enabled { StandardError.write("\r\u{1B}[K") } }

    private func draw(_ line: String) {
        if enabled { StandardError.write("\r\u{1B}[K" + line) }
    }
}
