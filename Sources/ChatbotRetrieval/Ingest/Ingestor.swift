public import ChatbotCore
import ChatbotDocuments
import ChatbotHTML
public import ChatbotStorage
import Crypto
public import Foundation
public import Logging

/// Turns sources into a searchable collection: originals to the object store (once per content
/// hash), metadata and chunks to the database (one transaction per source), then vectors for
/// every chunk that has none.
///
/// Ingesting is incremental: a source whose content hash (and chunking) matches what is stored is
/// left alone; a changed one has its chunks replaced atomically; a source that fails leaves the
/// stored version untouched. Embedding runs over "chunks without vectors", so a killed run
/// resumes where it stopped without re-embedding anything. Callers serialise runs on one
/// collection with ``DatabaseStore/withNamedLock(_:waiting:_:)`` (``lockName``).
public struct Ingestor: Sendable {
    private let store: any DatabaseStore
    private let objects: any ObjectStore
    private let embedder: (any EmbeddingProvider)?
    private let transcribe: MediaTranscription?
    /// The options of this run.
    public let options: IngestOptions
    private let logger: Logger

    /// Creates an ingestor. Without `embedder` chunks are searchable by full text only; without
    /// `transcribe` audio and video sources fail with a message saying so.
    public init(
        store: any DatabaseStore, objects: any ObjectStore, embedder: (any EmbeddingProvider)?,
        transcribe: MediaTranscription? = nil, options: IngestOptions, logger: Logger
    ) {
        self.store = store
        self.objects = objects
        self.embedder = embedder
        self.transcribe = transcribe
        self.options = options
        self.logger = logger
    }

    /// The name of the lock that serialises ingest runs on `collection`.
    public static func lockName(collection: String) -> String { "ingest of collection '\(collection)'" }

    /// Ingests one source. Never throws: a failure is a result with its reason, and nothing stored
    /// changes.
    public func ingest(_ source: IngestSource) async -> IngestItemResult {
        do {
            return try await ingestOrThrow(source)
        } catch let error as ChatbotError {
            return IngestItemResult(
                source: source.id, status: .failed, reason: Self.reason(error.message, source: source))
        } catch {
            return IngestItemResult(source: source.id, status: .failed, reason: String(describing: error))
        }
    }

    /// Ingests one source, throwing what ``ingest(_:)`` turns into a failed result, so a caller
    /// can tell a bad source (`.usage`, `.runtime`) from a service that is down (`.unavailable`,
    /// `.temporary`) and retry only the latter (the job queue).
    public func ingestThrowing(_ source: IngestSource) async throws -> IngestItemResult {
        try await ingestOrThrow(source)
    }

    /// `message` without a leading `<source>: ` or `<file name>: ` (the report names the source).
    static func reason(_ message: String, source: IngestSource) -> String {
        let name = (source.id as NSString).lastPathComponent
        for prefix in [source.id + ": ", name + ": "] where message.hasPrefix(prefix) {
            return String(message.dropFirst(prefix.count))
        }
        return message
    }

    private func ingestOrThrow(_ source: IngestSource) async throws -> IngestItemResult {
        let loaded = try load(source)
        let existing = try await store.documents.document(collection: options.collection, source: source.id)
        let signature = chunkingSignature
        if let existing, existing.contentHash == loaded.hash, !options.force,
            Self.metadataValue(existing.metadata, "chunking") == signature
        {
            return IngestItemResult(
                source: source.id, status: .unchanged, format: existing.mediaType, title: existing.title,
                bytes: existing.size)
        }
        let status: IngestStatus = existing == nil ? .added : .updated
        if options.dryRun {
            return IngestItemResult(source: source.id, status: status, bytes: loaded.bytes.count)
        }
        let converted = try await convert(loaded, source: source)
        // A source without text (a scanned PDF, an empty file) is stored all the same, so the
        // next run finds it unchanged instead of failing on it again.
        let note =
            converted.chunks.isEmpty ? "no text found" + (converted.format == "pdf" ? " (a scanned PDF?)" : "") : nil
        let key = try await objects.put(loaded.bytes)
        var metadata = converted.metadata
        metadata["chunking"] = signature
        let now = Date()
        let record = DocumentRecord(
            collection: options.collection, source: source.id, contentHash: key, mediaType: converted.format,
            size: loaded.bytes.count, title: converted.title, metadata: Self.json(metadata),
            createdAt: existing?.createdAt ?? now, updatedAt: now)
        let chunks = converted.chunks.enumerated().map { index, chunk in
            ChunkRecord(ordinal: index, text: chunk.text, location: chunk.location.json)
        }
        try await store.documents.replace(record, chunks: chunks)
        if let existing, existing.contentHash != key { try await deleteUnreferenced([existing.contentHash]) }
        return IngestItemResult(
            source: source.id, status: status, format: converted.format, title: converted.title, chunks: chunks.count,
            bytes: loaded.bytes.count, reason: note)
    }

    /// Embeds every chunk of the collection that has no vector for the embedder's model yet, in
    /// rounds of ``IngestOptions/embeddingRound``; `onProgress` gets the running total. Returns how
    /// many chunks were embedded. Without an embedder, does nothing.
    public func embedPending(onProgress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        guard let embedder, !options.dryRun else { return 0 }
        var done = 0
        var previous: Set<String> = []
        while true {
            try Task.checkCancellation()
            let pending = try await store.documents.chunksWithoutVectors(
                collection: options.collection, model: embedder.model, limit: max(1, options.embeddingRound))
            guard !pending.isEmpty else { return done }
            let ids = Set(pending.map(\.id))
            guard ids != previous else {
                throw ChatbotError(.runtime, "embedding made no progress: vectors were not stored")
            }
            previous = ids
            let vectors = try await embedder.embed(pending.map(\.text), purpose: .document)
            try await store.vectors.upsert(
                zip(pending, vectors).map {
                    VectorRecord(collection: options.collection, itemID: $0.id, model: embedder.model, vector: $1)
                })
            done += pending.count
            onProgress(done)
        }
    }

    /// Removes the documents whose source lies under one of `roots` (a folder path ending in
    /// `/`, a file path, or a URL prefix) and is not in `seen`; their chunks, vectors and
    /// unreferenced originals go too. With ``IngestOptions/dryRun`` nothing is removed.
    public func prune(seen: Set<String>, roots: [String]) async throws -> [IngestItemResult] {
        guard !roots.isEmpty else { return [] }
        let stale = try await store.documents.documents(collection: options.collection).filter { document in
            !seen.contains(document.source)
                && roots.contains { root in
                    document.source == root || (root.hasSuffix("/") && document.source.hasPrefix(root))
                }
        }
        guard !stale.isEmpty else { return [] }
        if !options.dryRun {
            try await store.documents.delete(collection: options.collection, sources: stale.map(\.source))
            try await deleteUnreferenced(stale.map(\.contentHash))
        }
        return stale.map {
            IngestItemResult(
                source: $0.source, status: .pruned, format: $0.mediaType, title: $0.title, bytes: $0.size)
        }
    }

    /// Deletes the originals among `hashes` that no document of any collection refers to.
    private func deleteUnreferenced(_ hashes: [String]) async throws {
        let referenced = try await store.documents.referencedContentHashes(among: hashes)
        for hash in Set(hashes).subtracting(referenced) {
            do {
                try await objects.delete(hash)
            } catch {
                logger.warning("Could not delete an unreferenced original", metadata: ["key": "\(hash)"])
            }
        }
    }

    /// `max/overlap`, stored with each document so a change of chunking re-chunks it.
    private var chunkingSignature: String {
        "\(options.chunking.maxCharacters)/\(options.chunking.overlapCharacters)"
    }

    // MARK: - Loading and converting

    struct Loaded {
        var bytes: Data
        var hash: String
    }

    private func load(_ source: IngestSource) throws -> Loaded {
        let bytes: Data
        switch source.content {
        case .file(let url):
            let attributes: [FileAttributeKey: Any]
            do {
                attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            } catch {
                throw ChatbotError(.runtime, "\(source.id): cannot be read (no such file or no permission)")
            }
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw ChatbotError(.runtime, "\(source.id): not a regular file")
            }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let limit = max(options.extraction.maxBytes, options.maxMediaBytes)
            guard size <= limit else {
                throw ChatbotError(.runtime, "\(source.id): \(size >> 20) MiB is over the \(limit >> 20) MiB limit")
            }
            do {
                bytes = try Data(contentsOf: url, options: .alwaysMapped)
            } catch {
                throw ChatbotError(.runtime, "\(source.id): cannot be read: \(error.localizedDescription)")
            }
        case .data(let data, _): bytes = data
        case .web(let body, _, _): bytes = body
        case .markdown(let text, let title, _): bytes = Data(((title.map { "# " + $0 + "\n\n" } ?? "") + text).utf8)
        }
        return Loaded(bytes: bytes, hash: Self.contentHash(bytes))
    }

    struct Converted {
        var format: String
        var title: String?
        var metadata: [String: Any]
        var chunks: [(text: String, location: ChunkLocation)]
    }

    private func convert(_ loaded: Loaded, source: IngestSource) async throws -> Converted {
        let extractor = DocumentExtractor(options: options.extraction)
        switch source.content {
        case .file(let url):
            if MediaSniffer.isMedia(loaded.bytes.prefix(64)) {
                return try await media(at: url, size: loaded.bytes.count, source: source.id)
            }
            try checkDocumentSize(loaded.bytes.count, source: source.id)
            return document(try await extractor.extract(data: loaded.bytes, filename: url.lastPathComponent))
        case .data(let data, let filename):
            if MediaSniffer.isMedia(data.prefix(64)) {
                let spooled = try Self.spool(data)
                defer { try? FileManager.default.removeItem(at: spooled.deletingLastPathComponent()) }
                return try await media(at: spooled, size: data.count, source: source.id)
            }
            try checkDocumentSize(data.count, source: source.id)
            return document(try await extractor.extract(data: data, filename: filename))
        case .web(let body, let url, let contentType):
            try checkDocumentSize(body.count, source: source.id)
            if Self.isHTML(contentType: contentType, body: body) {
                let page = try HTMLExtractor().extract(
                    data: body, baseURL: url, contentType: contentType, source: url.absoluteString)
                var converted = try await markdown(page.markdown, title: page.title, extractor: extractor)
                converted.format = "html"
                converted.metadata["url"] = url.absoluteString
                converted.metadata["links"] = Array(page.links.filter { !$0.nofollow }.map(\.url).prefix(1000))
                for (key, value) in [
                    ("author", page.metadata.author), ("date", page.metadata.date),
                    ("description", page.metadata.description), ("language", page.metadata.language),
                    ("canonical_url", page.metadata.canonicalURL),
                ] {
                    if let value, !value.isEmpty { converted.metadata[key] = value }
                }
                return converted
            }
            var converted = document(try await extractor.extract(data: body, filename: url.lastPathComponent))
            converted.metadata["url"] = url.absoluteString
            return converted
        case .markdown(let text, let title, let url):
            var converted = try await markdown(text, title: title, extractor: extractor)
            if let url { converted.metadata["url"] = url }
            return converted
        }
    }

    private func checkDocumentSize(_ size: Int, source: String) throws {
        guard size <= options.extraction.maxBytes else {
            throw ChatbotError(
                .runtime, "\(source): \(size >> 20) MiB is over the \(options.extraction.maxBytes >> 20) MiB limit")
        }
    }

    private func document(_ extracted: ExtractedDocument) -> Converted {
        var metadata: [String: Any] = [:]
        if let data = try? JSONEncoder().encode(extracted.metadata),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            metadata = object
        }
        let chunks = DocumentChunker.chunks(of: extracted, options: options.chunking).map {
            (text: $0.text, location: ChunkLocation($0.location))
        }
        return Converted(
            format: extracted.format.rawValue, title: extracted.title, metadata: metadata, chunks: chunks)
    }

    private func markdown(_ text: String, title: String?, extractor: DocumentExtractor) async throws -> Converted {
        let body = (title.map { "# " + $0 + "\n\n" } ?? "") + text
        var converted = document(try await extractor.extract(data: Data(body.utf8), filename: "page.md"))
        if let title { converted.title = title }
        return converted
    }

    private func media(at url: URL, size: Int, source: String) async throws -> Converted {
        guard let transcribe else {
            throw ChatbotError(.runtime, "\(source): audio and video need a speech provider, and none is set up here")
        }
        let transcript = try await transcribe(url, source)
        let chunks = MediaChunker.chunks(of: transcript, maxCharacters: options.chunking.maxCharacters)
        var metadata: [String: Any] = [:]
        if let duration = transcript.duration { metadata["duration"] = duration }
        if let language = transcript.language { metadata["language"] = language }
        metadata["segments"] = transcript.segments.count
        return Converted(
            format: "media", title: (source as NSString).lastPathComponent, metadata: metadata, chunks: chunks)
    }

    /// The lowercase hex SHA-256 of `data`: a source's content hash and its original's object key.
    public static func contentHash(_ data: Data) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isHTML(contentType: String?, body: Data) -> Bool {
        if let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
            !type.isEmpty
        {
            return type == "text/html" || type == "application/xhtml+xml"
        }
        let head = String(decoding: body.prefix(512), as: UTF8.self).lowercased()
        return head.contains("<html") || head.contains("<!doctype html")
    }

    /// Writes `data` to a private temporary file (media needs a seekable file).
    static func spool(_ data: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-ingest-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder.appendingPathComponent("input")
        try data.write(to: file)
        return file
    }

    static func json(_ object: [String: Any]) -> String {
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func metadataValue(_ json: String, _ key: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?[key] as? String
    }
}
