public import ChatbotCore
public import ChatbotStorage
public import ChatbotWeb
import Foundation
public import Logging

/// One ingest run over many sources, as `chatbot ingest`, `chatbot scrape --ingest` and the
/// server's jobs start it: under the collection's lock, sources ingested at most ``jobs`` at a
/// time (results in input order), then the crawl, then pruning, then embedding of every chunk
/// still without a vector. The caller is told of each step through ``IngestRunObserver``.
public struct IngestRun: Sendable {
    /// Everything one run covers.
    public struct Request: Sendable {
        /// Sources read locally (files, stdin, records), in the order they are reported.
        public var sources: [IngestSource]
        /// The crawl to run after the local sources, if any.
        public var crawl: CrawlOptions?
        /// Documents under these roots (a folder path ending in `/`, a file path, a URL prefix
        /// ending in `/`) that this run did not see are removed; empty: nothing is pruned. After a
        /// crawl in which a page failed nothing is pruned, since unreached pages would look gone.
        public var pruneRoots: [String]
        /// Compute the missing embeddings after ingesting (needs an embedder).
        public var embed: Bool
        /// How long to wait for another run on the same collection.
        public var lockWaiting: LockWaiting

        /// Creates a request.
        public init(
            sources: [IngestSource] = [], crawl: CrawlOptions? = nil, pruneRoots: [String] = [], embed: Bool = true,
            lockWaiting: LockWaiting = .failFast
        ) {
            self.sources = sources
            self.crawl = crawl
            self.pruneRoots = pruneRoots
            self.embed = embed
            self.lockWaiting = lockWaiting
        }
    }

    private let store: any DatabaseStore
    private let objects: any ObjectStore
    private let embedder: (any EmbeddingProvider)?
    private let transcribe: MediaTranscription?
    private let fetcher: WebFetcher?
    /// The options every source of the run is ingested with.
    public let options: IngestOptions
    /// Sources processed at once.
    public let jobs: Int
    private let logger: Logger

    /// Creates a run. `fetcher` is needed only for requests with a crawl; `jobs` is at least 1.
    public init(
        store: any DatabaseStore, objects: any ObjectStore, embedder: (any EmbeddingProvider)?,
        transcribe: MediaTranscription? = nil, fetcher: WebFetcher? = nil, options: IngestOptions, jobs: Int = 1,
        logger: Logger
    ) {
        self.store = store
        self.objects = objects
        self.embedder = embedder
        self.transcribe = transcribe
        self.fetcher = fetcher
        self.options = options
        self.jobs = max(1, jobs)
        self.logger = logger
    }

    /// Runs `request` holding the collection's lock; the report's `seconds` is the run's time.
    ///
    /// - Throws: ``ChatbotError`` `.temporary` when another run holds the collection and
    ///   `request.lockWaiting` gives up; database errors. A source that fails is a result in the
    ///   report, not an error; so is an embedding failure (``IngestReport/embeddingError``).
    public func run(_ request: Request, observer: some IngestRunObserver = SilentIngestObserver()) async throws
        -> IngestReport
    {
        let started = ContinuousClock.now
        var report = try await store.withNamedLock(
            Ingestor.lockName(collection: options.collection), waiting: request.lockWaiting
        ) {
            try await runLocked(request, observer: observer)
        }
        report.seconds = (ContinuousClock.now - started) / .seconds(1)
        return report
    }

    private func runLocked(_ request: Request, observer: some IngestRunObserver) async throws -> IngestReport {
        let ingestor = Ingestor(
            store: store, objects: objects, embedder: embedder, transcribe: transcribe, options: options,
            logger: logger)
        var report = IngestReport(
            collection: options.collection, dryRun: options.dryRun,
            embeddingModel: request.embed ? embedder?.model : nil)
        observer.expect(request.sources.count + (request.crawl?.seeds.count ?? 0))
        var seen: Set<String> = []
        for result in await Self.ingest(request.sources, with: ingestor, jobs: jobs, observer: observer) {
            seen.insert(result.source)
            report.items.append(result)
        }
        var crawlFailed = false
        if let crawl = request.crawl {
            guard let fetcher else { throw ChatbotError(.runtime, "a crawl needs a web fetcher") }
            let crawled = try await WebIngestion(ingestor: ingestor, store: store).run(crawl, fetcher: fetcher) {
                result in
                observer.ingested(result)
                if result.status == .failed { crawlFailed = true }
                report.items.append(result)
            }
            seen.formUnion(crawled)
        }
        if crawlFailed, !request.pruneRoots.isEmpty {
            // Pages a failed crawl never reached would look gone: prune only after a clean crawl.
            logger.warning("Not pruning: some pages of the crawl failed")
        } else if !request.pruneRoots.isEmpty {
            let pruned = try await ingestor.prune(seen: seen, roots: request.pruneRoots)
            for item in pruned { observer.ingested(item) }
            report.items += pruned
        }
        if !options.dryRun, request.embed, embedder != nil {
            do {
                report.embedded = try await ingestor.embedPending { done in observer.embedded(done) }
            } catch {
                report.embeddingError = (error as? ChatbotError)?.message ?? String(describing: error)
            }
        }
        observer.finished()
        return report
    }

    /// Ingests `sources`, at most `jobs` at a time, results in input order.
    static func ingest(
        _ sources: [IngestSource], with ingestor: Ingestor, jobs: Int, observer: some IngestRunObserver
    ) async -> [IngestItemResult] {
        var results = [IngestItemResult?](repeating: nil, count: sources.count)
        await withTaskGroup(of: (Int, IngestItemResult).self) { group in
            var next = 0
            func start() {
                guard next < sources.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await ingestor.ingest(sources[index])) }
            }
            for _ in 0..<jobs { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                observer.ingested(result)
                start()
            }
        }
        return results.compactMap { $0 }
    }
}

/// What an ``IngestRun`` reports while it works: a terminal progress bar, a job's progress row,
/// or nothing. Called from the run's tasks; implementations must be thread-safe.
public protocol IngestRunObserver: Sendable {
    /// The number of sources the run starts with (a crawl may find more).
    func expect(_ sources: Int)
    /// One source is done (ingested, unchanged, failed or pruned).
    func ingested(_ result: IngestItemResult)
    /// `chunks` chunks have been embedded so far.
    func embedded(_ chunks: Int)
    /// The run is over.
    func finished()
}

extension IngestRunObserver {
    /// Does nothing.
    public func expect(_ sources: Int) {}
    /// Does nothing.
    public func ingested(_ result: IngestItemResult) {}
    /// Does nothing.
    public func embedded(_ chunks: Int) {}
    /// Does nothing.
    public func finished() {}
}

/// An observer that ignores everything.
public struct SilentIngestObserver: IngestRunObserver {
    /// Creates the observer.
    public init() {}
}
