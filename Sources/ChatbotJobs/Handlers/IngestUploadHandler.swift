public import ChatbotCore
import ChatbotDocuments
import ChatbotRetrieval
public import ChatbotServices
public import ChatbotStorage
public import Foundation

/// What an `ingest.upload` job ingests: an uploaded file already in the object store.
public struct IngestUploadPayload: Codable, Sendable, Hashable {
    /// The collection it goes into.
    public var collection: String
    /// The stored upload (its key is the SHA-256 of its bytes).
    public var object: StoredObject
    /// The file name it was uploaded with (checked: no path), its source in the collection.
    public var filename: String
    /// The chunking and extraction limits.
    public var chunkSize: Int
    /// Characters repeated between chunks cut for length.
    public var chunkOverlap: Int

    /// Creates the payload.
    public init(
        collection: String, object: StoredObject, filename: String, chunkSize: Int = 1200, chunkOverlap: Int = 150
    ) {
        self.collection = collection
        self.object = object
        self.filename = filename
        self.chunkSize = chunkSize
        self.chunkOverlap = chunkOverlap
    }
}

/// What an ingest job reports.
public struct IngestJobResult: Codable, Sendable, Hashable {
    /// The collection.
    public var collection: String
    /// Each source's outcome (`added`, `updated`, `unchanged`, `duplicate`, `failed`, `pruned`).
    public var items: [Item]
    /// Chunks embedded.
    public var embedded: Int
    /// Why embedding stopped, when it did (the chunks are searchable by full text meanwhile).
    public var embeddingError: String?

    /// One source's outcome.
    public struct Item: Codable, Sendable, Hashable {
        /// The source in the collection.
        public var source: String
        /// What happened to it.
        public var status: String
        /// The format found.
        public var format: String?
        /// The title found.
        public var title: String?
        /// The chunks stored.
        public var chunks: Int
        /// Its size in bytes.
        public var bytes: Int?
        /// Why it failed, or a note.
        public var reason: String?
        /// For a `duplicate`: the document already holding the same bytes.
        public var duplicateOf: String?
    }

    init(collection: String, items: [Item], embedded: Int, embeddingError: String?) {
        self.collection = collection
        self.items = items
        self.embedded = embedded
        self.embeddingError = embeddingError
    }

    init(_ report: IngestReport) {
        self.init(
            collection: report.collection, items: report.items.map(Item.init), embedded: report.embedded,
            embeddingError: report.embeddingError)
    }
}

extension IngestJobResult.Item {
    init(_ result: IngestItemResult) {
        self.init(
            source: result.source, status: result.status.rawValue, format: result.format, title: result.title,
            chunks: result.chunks, bytes: result.bytes, reason: result.reason, duplicateOf: nil)
    }
}

/// Runs `ingest.upload`: reads the upload from the object store and ingests it as the document
/// named by its file name (a document, or audio/video through the speech service), then embeds
/// the collection's new chunks. Idempotent: the same bytes under the same name are `unchanged`;
/// the same bytes under another name in the collection are a `duplicate` of that document and
/// add nothing. A file that cannot be read fails the job for good; a provider that is down is
/// retried. The upload is deleted when the job fails for good and no document refers to it.
public struct IngestUploadHandler: JobHandler {
    /// The kind this handler runs.
    public var kind: String { JobKind.ingestUpload }
    let services: ChatbotServices
    let database: any SQLDatabaseStore

    /// A handler over the services' stores.
    public init(services: ChatbotServices, database: any SQLDatabaseStore) {
        self.services = services
        self.database = database
    }

    /// Runs one job (see ``JobHandler``).
    public func run(_ job: Job, context: JobContext) async throws -> String? {
        let payload = try decodePayload(IngestUploadPayload.self, from: job)
        let objects = try services.objectStore()
        context.progress(JobProgress(done: 0, total: 3, message: "reading the upload"))
        if let existing = try await database.documents.documents(collection: payload.collection).first(where: {
            $0.contentHash == payload.object.key && $0.source != payload.filename
        }) {
            return try encodeResult(
                IngestJobResult(
                    collection: payload.collection,
                    items: [
                        .init(
                            source: payload.filename, status: "duplicate", format: existing.mediaType,
                            title: existing.title, chunks: 0, bytes: existing.size, reason: nil,
                            duplicateOf: existing.source)
                    ], embedded: 0, embeddingError: nil))
        }
        guard let bytes = try await objects.get(payload.object.key) else {
            throw JobFailure.permanent("the uploaded file is no longer in the object store")
        }
        try context.checkpoint()
        var extraction = ExtractionOptions()
        extraction.maxBytes = max(extraction.maxBytes, payload.object.size)
        let options = IngestOptions(
            collection: payload.collection,
            chunking: ChunkingOptions(maxCharacters: payload.chunkSize, overlapCharacters: payload.chunkOverlap),
            extraction: extraction, maxMediaBytes: max(payload.object.size, 1))
        let ingestor = Ingestor(
            store: database, objects: objects, embedder: try services.embedder(),
            transcribe: services.mediaTranscription(), options: options, logger: services.logger)
        context.progress(JobProgress(done: 1, total: 3, message: "extracting and chunking"))
        let item: IngestItemResult
        do {
            item = try await ingestor.ingestThrowing(
                IngestSource(id: payload.filename, content: .data(bytes, filename: payload.filename)))
        } catch {
            if !JobFailure.isRetryable(error) || job.attempts >= job.maxAttempts {
                await Self.dropUnreferenced(
                    payload.object.key, of: job, bytes: bytes, database: database, objects: objects)
            }
            throw error
        }
        try context.checkpoint()
        context.progress(JobProgress(done: 2, total: 3, message: "embedding"))
        var embedded = 0
        var embeddingError: String?
        do {
            embedded = try await ingestor.embedPending()
        } catch {
            // The document is stored and searchable by full text; the next ingest resumes embedding.
            embeddingError = JobFailure.message(error)
        }
        context.progress(JobProgress(done: 3, total: 3, message: "done"))
        return try encodeResult(
            IngestJobResult(
                collection: payload.collection, items: [.init(item)], embedded: embedded, embeddingError: embeddingError
            ))
    }

    /// Deletes the upload `key` of `job` unless a document refers to it or another queued or
    /// running job carries the same file (the same bytes uploaded twice share one key).
    ///
    /// A job queued with the same bytes between the check and the delete would lose its file, so
    /// the check runs again after the delete and `bytes` (the file, which the handler has read)
    /// are put back when a job now names them. One window stays: an upload whose put lands before
    /// the delete and whose job is queued only after the second check; that job fails "no longer in
    /// the object store" and the file must be sent again.
    public static func dropUnreferenced(
        _ key: String, of job: Job, bytes: Data?, database: any SQLDatabaseStore, objects: any ObjectStore
    ) async {
        let queue = JobQueue(database: database)
        guard let referenced = try? await database.documents.referencedContentHashes(among: [key]),
            !referenced.contains(key),
            let shared = try? await queue.hasPendingJob(naming: key, other: job.id), !shared
        else { return }
        guard (try? await objects.delete(key)) != nil else { return }
        if let bytes, (try? await queue.hasPendingJob(naming: key, other: job.id)) != false {
            _ = try? await objects.put(bytes)
        }
    }
}
