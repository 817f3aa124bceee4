public import ChatbotCore
public import ChatbotDocuments
public import Foundation

/// One source to ingest: what it is called in the collection and where its bytes come from.
public struct IngestSource: Sendable {
    /// What the bytes are.
    public enum Content: Sendable {
        /// A local file (read memory-mapped; media is handed to the transcriber by path).
        case file(URL)
        /// Bytes already in memory (stdin, an upload); `filename` helps tell text formats apart.
        case data(Data, filename: String?)
        /// A fetched web resource: HTML pages get main-content extraction, other types (PDF, DOCX, …)
        /// the document extractor.
        case web(body: Data, url: URL, contentType: String?)
        /// Markdown prepared elsewhere, e.g. a `chatbot scrape --format ndjson` record.
        case markdown(String, title: String?, url: String?)
    }

    /// The source's identity in its collection: an absolute path, a URL, or `stdin:<name>`.
    public var id: String
    /// The bytes.
    public var content: Content

    /// Creates a source.
    public init(id: String, content: Content) {
        self.id = id
        self.content = content
    }
}

/// What happened to one source.
public enum IngestStatus: String, Sendable, Hashable, Codable {
    /// New in the collection.
    case added
    /// Its content changed; its chunks were replaced.
    case updated
    /// Same content as stored: nothing done.
    case unchanged
    /// Its source is gone; removed from the collection.
    case pruned
    /// It could not be ingested; the stored version (if any) is untouched.
    case failed
}

/// The result for one source.
public struct IngestItemResult: Sendable, Hashable, Codable {
    /// The source id.
    public var source: String
    /// What happened.
    public var status: IngestStatus
    /// The detected format (`pdf`, `markdown`, `audio`, …), when known.
    public var format: String?
    /// The title, when known.
    public var title: String?
    /// Chunks stored for it (0 for unchanged, pruned and failed sources).
    public var chunks: Int
    /// Size of the original in bytes, when known.
    public var bytes: Int?
    /// Why it failed; for a stored source, a note (`no text found`).
    public var reason: String?

    /// Creates a result.
    public init(
        source: String, status: IngestStatus, format: String? = nil, title: String? = nil, chunks: Int = 0,
        bytes: Int? = nil, reason: String? = nil
    ) {
        self.source = source
        self.status = status
        self.format = format
        self.title = title
        self.chunks = chunks
        self.bytes = bytes
        self.reason = reason
    }
}

/// The report of one ingest run, as `chatbot ingest --json` prints it.
public struct IngestReport: Sendable, Hashable, Codable {
    /// The collection.
    public var collection: String
    /// Whether nothing was written (`--dry-run`).
    public var dryRun: Bool
    /// Every source, in the order handled.
    public var items: [IngestItemResult]
    /// Vectors computed in this run (including those an interrupted run left to do).
    public var embedded: Int
    /// The embedding model, or `nil` for full text only.
    public var embeddingModel: String?
    /// Why embedding stopped, when it did (chunks stay searchable by full text; the next run
    /// resumes).
    public var embeddingError: String?
    /// Wall-clock seconds.
    public var seconds: Double

    /// Creates a report.
    public init(
        collection: String, dryRun: Bool = false, items: [IngestItemResult] = [], embedded: Int = 0,
        embeddingModel: String? = nil, embeddingError: String? = nil, seconds: Double = 0
    ) {
        self.collection = collection
        self.dryRun = dryRun
        self.items = items
        self.embedded = embedded
        self.embeddingModel = embeddingModel
        self.embeddingError = embeddingError
        self.seconds = seconds
    }

    /// Sources with `status`.
    public func count(_ status: IngestStatus) -> Int { items.count { $0.status == status } }

    /// Chunks written in this run.
    public var chunks: Int { items.reduce(0) { $0 + $1.chunks } }

    /// `true` when something failed (a source, or embedding).
    public var hasFailures: Bool { count(.failed) > 0 || embeddingError != nil }

    enum CodingKeys: String, CodingKey {
        case collection, items, embedded, seconds, added, updated, unchanged, pruned, failed, chunks
        case dryRun = "dry_run"
        case embeddingModel = "embedding_model"
        case embeddingError = "embedding_error"
    }

    /// Encodes the counts next to the items, with `null` for absent values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(collection, forKey: .collection)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(count(.added), forKey: .added)
        try container.encode(count(.updated), forKey: .updated)
        try container.encode(count(.unchanged), forKey: .unchanged)
        try container.encode(count(.pruned), forKey: .pruned)
        try container.encode(count(.failed), forKey: .failed)
        try container.encode(chunks, forKey: .chunks)
        try container.encode(embedded, forKey: .embedded)
        try container.encode(embeddingModel, forKey: .embeddingModel)
        try container.encode(embeddingError, forKey: .embeddingError)
        try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        try container.encode(items, forKey: .items)
    }

    /// Decodes a report written by ``encode(to:)`` (the counts are derived from the items).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        collection = try container.decode(String.self, forKey: .collection)
        dryRun = try container.decode(Bool.self, forKey: .dryRun)
        items = try container.decode([IngestItemResult].self, forKey: .items)
        embedded = try container.decode(Int.self, forKey: .embedded)
        embeddingModel = try container.decodeIfPresent(String.self, forKey: .embeddingModel)
        embeddingError = try container.decodeIfPresent(String.self, forKey: .embeddingError)
        seconds = try container.decode(Double.self, forKey: .seconds)
    }
}

/// How sources are turned into chunks.
public struct IngestOptions: Sendable {
    /// The collection written to.
    public var collection: String
    /// Chunk size and overlap.
    public var chunking: ChunkingOptions
    /// Extraction limits (size, archives, PDF worker).
    public var extraction: ExtractionOptions
    /// The largest audio or video file accepted, in bytes.
    public var maxMediaBytes: Int
    /// Re-extract sources even when their content is unchanged.
    public var force: Bool
    /// Report what would happen; write nothing.
    public var dryRun: Bool
    /// Chunks embedded per round (each round is one or more provider requests, then one write).
    public var embeddingRound: Int

    /// Creates options.
    public init(
        collection: String = IngestOptions.defaultCollection, chunking: ChunkingOptions = ChunkingOptions(),
        extraction: ExtractionOptions = ExtractionOptions(), maxMediaBytes: Int = 4 << 30, force: Bool = false,
        dryRun: Bool = false, embeddingRound: Int = 256
    ) {
        self.collection = collection
        self.chunking = chunking
        self.extraction = extraction
        self.maxMediaBytes = maxMediaBytes
        self.force = force
        self.dryRun = dryRun
        self.embeddingRound = embeddingRound
    }

    /// The collection used when none is named.
    public static let defaultCollection = "default"

    /// Checks a collection name: 1–128 characters of letters, digits, `-`, `_`, `.`.
    public static func validateCollectionName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, name.count <= 128, allowed, !name.hasPrefix(".") else {
            throw ChatbotError(
                .usage, "'\(name)' is not a valid collection name",
                hint: "use 1–128 letters, digits, '-', '_' or '.' (not starting with '.')")
        }
    }
}

/// Transcribes the audio of a local media file (the CLI and server inject FFmpeg + a speech
/// provider here, so this module needs neither).
public typealias MediaTranscription = @Sendable (_ file: URL, _ source: String) async throws -> Transcript
