import ChatbotCore
import ChatbotDocuments
import ChatbotRetrieval
public import ChatbotServices
public import ChatbotStorage
import ChatbotWeb
public import Foundation
import Synchronization

/// What an `ingest.url` job fetches: one URL, or a crawl from it.
public struct IngestURLPayload: Codable, Sendable, Hashable {
    /// The collection it goes into.
    public var collection: String
    /// The page or the crawl's start.
    public var url: String
    /// Links followed from the start (0: the page alone).
    public var depth: Int
    /// The most pages fetched.
    public var maxPages: Int
    /// Only links under the start URL's directory (otherwise the whole host).
    public var samePathPrefix: Bool

    /// Creates the payload.
    public init(collection: String, url: String, depth: Int = 0, maxPages: Int = 1, samePathPrefix: Bool = false) {
        self.collection = collection
        self.url = url
        self.depth = depth
        self.maxPages = maxPages
        self.samePathPrefix = samePathPrefix
    }
}

/// Runs `ingest.url`: fetches (or crawls from) a URL through the SSRF guard and ingests the pages
/// under the collection's lock. Private, loopback and link-local addresses are never reached for
/// these jobs, whoever asks, except the `host:port` pairs the operator allowed
/// (`serve --fetch-allow`). Idempotent like every ingest: unchanged pages stay as they are.
public struct IngestURLHandler: JobHandler {
    /// The kind this handler runs.
    public var kind: String { JobKind.ingestURL }
    let services: ChatbotServices
    let database: any SQLDatabaseStore
    let allowedHostPorts: Set<String>

    /// A handler over the services' stores; `allowedHostPorts` are reachable whatever their address.
    public init(services: ChatbotServices, database: any SQLDatabaseStore, allowedHostPorts: Set<String> = []) {
        self.services = services
        self.database = database
        self.allowedHostPorts = allowedHostPorts
    }

    /// Runs one job (see ``JobHandler``).
    public func run(_ job: Job, context: JobContext) async throws -> String? {
        let payload = try decodePayload(IngestURLPayload.self, from: job)
        guard let url = URL(string: payload.url), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw JobFailure.permanent("'\(payload.url.prefix(200))' is not an http(s) URL")
        }
        let policy = FetchPolicy(allowPrivateNetworks: false, allowedHostPorts: allowedHostPorts)
        let crawl = CrawlOptions(
            seeds: [url], maxDepth: max(0, payload.depth), maxPages: max(1, payload.maxPages),
            scope: payload.samePathPrefix ? .samePathPrefix : .sameHost, fetchPolicy: policy)
        let run = try services.ingestRun(
            store: database, options: IngestOptions(collection: payload.collection), jobs: 1,
            fetcher: try services.webFetcher())
        let observer = JobIngestObserver(context: context)
        let report = try await run.run(
            IngestRun.Request(crawl: crawl, lockWaiting: .wait(seconds: 600)), observer: observer)
        try context.checkpoint()
        if !report.items.isEmpty, report.items.allSatisfy({ $0.status == .failed }) {
            // Nothing could be fetched: a refused address, a 404 or a dead host; say why.
            throw JobFailure.permanent(report.items.first?.reason ?? "no page could be fetched")
        }
        return try encodeResult(IngestJobResult(report))
    }
}

/// What an `ingest.paths` job ingests: files and folders on the worker's machine, as
/// `chatbot ingest --queue` was given them.
public struct IngestPathsPayload: Codable, Sendable, Hashable {
    /// The collection it goes into.
    public var collection: String
    /// Absolute paths of files and folders.
    public var paths: [String]
    /// In folders, only files matching these globs.
    public var include: [String]
    /// In folders, not files matching these globs.
    public var exclude: [String]
    /// Walk hidden files and folders too.
    public var hidden: Bool
    /// Remove documents whose file is gone from the folders.
    public var prune: Bool
    /// Extract and chunk again even when unchanged.
    public var force: Bool
    /// The longest chunk, in characters.
    public var chunkSize: Int
    /// Characters repeated between chunks cut for length.
    public var chunkOverlap: Int
    /// The largest document accepted, in bytes.
    public var maxBytes: Int
    /// Compute embeddings after ingesting.
    public var embed: Bool

    /// Creates the payload.
    public init(
        collection: String, paths: [String], include: [String] = [], exclude: [String] = [], hidden: Bool = false,
        prune: Bool = false, force: Bool = false, chunkSize: Int = 1200, chunkOverlap: Int = 150,
        maxBytes: Int = 100 << 20, embed: Bool = true
    ) {
        self.collection = collection
        self.paths = paths
        self.include = include
        self.exclude = exclude
        self.hidden = hidden
        self.prune = prune
        self.force = force
        self.chunkSize = chunkSize
        self.chunkOverlap = chunkOverlap
        self.maxBytes = maxBytes
        self.embed = embed
    }
}

/// Runs `ingest.paths` (only the CLI enqueues it: the paths are the operator's): scans the paths
/// as `chatbot ingest` does and ingests them under the collection's lock.
public struct IngestPathsHandler: JobHandler {
    /// The kind this handler runs.
    public var kind: String { JobKind.ingestPaths }
    let services: ChatbotServices
    let database: any SQLDatabaseStore

    /// A handler over the services' stores.
    public init(services: ChatbotServices, database: any SQLDatabaseStore) {
        self.services = services
        self.database = database
    }

    /// Runs one job (see ``JobHandler``).
    public func run(_ job: Job, context: JobContext) async throws -> String? {
        let payload = try decodePayload(IngestPathsPayload.self, from: job)
        let scanner = SourceScanner(include: payload.include, exclude: payload.exclude, hidden: payload.hidden)
        var scans: [SourceScanner.Scan] = []
        for path in payload.paths {
            do {
                scans.append(try scanner.scan(path))
            } catch {
                throw JobFailure.permanent(JobFailure.message(error))
            }
        }
        var extraction = ExtractionOptions()
        extraction.maxBytes = payload.maxBytes
        let options = IngestOptions(
            collection: payload.collection,
            chunking: ChunkingOptions(maxCharacters: payload.chunkSize, overlapCharacters: payload.chunkOverlap),
            extraction: extraction, force: payload.force)
        let run = try services.ingestRun(store: database, options: options, jobs: 2, embed: payload.embed)
        let request = IngestRun.Request(
            sources: scans.flatMap { scan in scan.files.map { IngestSource(id: $0.path, content: .file($0)) } },
            pruneRoots: payload.prune ? scans.map(\.root) : [], embed: payload.embed, lockWaiting: .wait(seconds: 600))
        let report = try await run.run(request, observer: JobIngestObserver(context: context))
        return try encodeResult(IngestJobResult(report))
    }
}

/// An ingest run's progress as the job's.
final class JobIngestObserver: IngestRunObserver {
    let context: JobContext
    /// Sources done and expected; the run reports from several tasks at once.
    private let counts = Mutex((done: 0, total: 0))

    init(context: JobContext) {
        self.context = context
    }

    func expect(_ sources: Int) {
        counts.withLock { $0.total = sources }
        context.progress(JobProgress(done: 0, total: sources, message: "ingesting"))
    }

    func ingested(_ result: IngestItemResult) {
        let (done, total) = counts.withLock { counts in
            counts.done += 1
            counts.total = max(counts.total, counts.done)
            return (counts.done, counts.total)
        }
        context.progress(JobProgress(done: done, total: total, message: "\(result.status.rawValue): \(result.source)"))
    }

    func embedded(_ chunks: Int) {
        let (done, total) = counts.withLock { ($0.done, $0.total) }
        context.progress(JobProgress(done: done, total: total, message: "embedded \(chunks) chunks"))
    }
}
