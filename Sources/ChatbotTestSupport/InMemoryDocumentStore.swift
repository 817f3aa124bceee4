import ChatbotCore
public import ChatbotStorage
import Foundation
import Synchronization

/// ``DocumentStore`` in memory, for tests of ingest, retrieval and routes that need no files.
///
/// Collections, documents and chunks keep the SQL stores' rules: a document per collection and
/// source, replaced whole; deleting documents deletes their chunks' vectors from the paired
/// ``InMemoryVectorStore``; collections sorted by name, documents by source, chunks in the order
/// they were stored. Each call is atomic on the documents (one lock); vectors are changed just
/// after, under the vector store's own lock.
///
/// Full-text search is term matching, not BM25: the query's words (runs of letters and digits,
/// lowercased, common English words left out) are compared with the chunk's words exactly (no
/// stemming); a chunk matching any word is a hit, scored by its matching words' occurrences divided
/// by the square root of its word count. Hybrid search fuses that with the vector store's exact
/// cosine ranking by reciprocal rank, as the SQL stores do.
public final class InMemoryDocumentStore: DocumentStore {
    private struct StoredChunk {
        var seq: Int
        var chunk: ChunkRecord
    }

    private struct StoredDocument {
        var record: DocumentRecord
        var chunks: [StoredChunk]
    }

    private struct State {
        var collections: [String: (createdAt: Date, updatedAt: Date)] = [:]
        /// Owner and visibility, for collections that have other than the defaults.
        var access: [String: (ownerID: String, visibility: CollectionVisibility)] = [:]
        /// Documents by id.
        var documents: [String: StoredDocument] = [:]
        var nextSeq = 0

        func documents(in collection: String) -> [StoredDocument] {
            documents.values.filter { $0.record.collection == collection }
        }
    }

    private let state = Mutex(State())
    private let vectors: InMemoryVectorStore

    /// Creates an empty store whose documents' vectors live in `vectors`.
    public init(vectors: InMemoryVectorStore) {
        self.vectors = vectors
    }

    /// The document stored for `source` in `collection`, if any.
    public func document(collection: String, source: String) async throws -> DocumentRecord? {
        state.withLock { state in
            state.documents.values.first { $0.record.collection == collection && $0.record.source == source }?.record
        }
    }

    /// Every document of `collection`, by source.
    public func documents(collection: String) async throws -> [DocumentRecord] {
        state.withLock { $0.documents(in: collection).map(\.record).sorted { $0.source < $1.source } }
    }

    /// Stores `document` with `chunks`, replacing whatever was stored for the same collection and
    /// source (its chunks' vectors included). The collection is created when new.
    ///
    /// - Throws: ``ChatbotError`` (`.conflict`) when another document already has the document's
    ///   id or one of the chunks' ids; nothing changes then.
    public func replace(_ document: DocumentRecord, chunks: [ChunkRecord]) async throws {
        let now = InMemoryTimestamp.truncated(Date())
        var record = document
        record.createdAt = InMemoryTimestamp.truncated(document.createdAt)
        record.updatedAt = InMemoryTimestamp.truncated(document.updatedAt)
        let replacedChunkIDs = try state.withLock { state in
            let replaced = state.documents.values.filter {
                $0.record.collection == document.collection && $0.record.source == document.source
            }
            let replacedIDs = Set(replaced.map(\.record.id))
            let others = state.documents.values.filter { !replacedIDs.contains($0.record.id) }
            let takenChunkIDs = Set(others.flatMap { $0.chunks.map(\.chunk.id) })
            guard !others.contains(where: { $0.record.id == document.id }),
                Set(chunks.map(\.id)).count == chunks.count,
                !chunks.contains(where: { takenChunkIDs.contains($0.id) })
            else {
                throw ChatbotError(.conflict, "a record with this id is already stored (document \(document.id))")
            }
            for id in replacedIDs { state.documents[id] = nil }
            let created = state.collections[document.collection]?.createdAt ?? now
            state.collections[document.collection] = (created, now)
            var stored = StoredDocument(record: record, chunks: [])
            for chunk in chunks {
                stored.chunks.append(StoredChunk(seq: state.nextSeq, chunk: chunk))
                state.nextSeq += 1
            }
            state.documents[record.id] = stored
            return Set(replaced.flatMap { $0.chunks.map(\.chunk.id) })
        }
        if !replacedChunkIDs.isEmpty {
            _ = vectors.remove(collection: document.collection, itemIDs: replacedChunkIDs)
        }
    }

    /// Deletes the documents of `collection` whose source is in `sources` (chunks and vectors
    /// too); returns how many documents went.
    @discardableResult
    public func delete(collection: String, sources: [String]) async throws -> Int {
        let wanted = Set(sources)
        let now = InMemoryTimestamp.truncated(Date())
        let removed = state.withLock { state in
            let doomed = state.documents(in: collection).filter { wanted.contains($0.record.source) }
            for document in doomed { state.documents[document.record.id] = nil }
            if !doomed.isEmpty, let times = state.collections[collection] {
                state.collections[collection] = (times.createdAt, now)
            }
            return doomed
        }
        let chunkIDs = Set(removed.flatMap { $0.chunks.map(\.chunk.id) })
        if !chunkIDs.isEmpty { _ = vectors.remove(collection: collection, itemIDs: chunkIDs) }
        return removed.count
    }

    /// Deletes a collection with its documents, chunks and every vector stored under its name.
    /// Returns what it held and the content hashes (sorted) no longer referenced by any document,
    /// or `nil` when there is no such collection.
    public func deleteCollection(_ name: String) async throws -> (summary: CollectionSummary, orphans: [String])? {
        guard let summary = try await collections().first(where: { $0.name == name }) else { return nil }
        let orphans = state.withLock { state in
            let doomed = state.documents(in: name)
            for document in doomed { state.documents[document.record.id] = nil }
            state.collections[name] = nil
            state.access[name] = nil
            let stillReferenced = Set(state.documents.values.map(\.record.contentHash))
            return Set(doomed.map(\.record.contentHash)).subtracting(stillReferenced).sorted()
        }
        _ = vectors.remove(collection: name, itemIDs: nil)
        return (summary, orphans)
    }

    /// The hashes among `hashes` that some document (in any collection) still refers to.
    public func referencedContentHashes(among hashes: [String]) async throws -> Set<String> {
        let stored = state.withLock { Set($0.documents.values.map(\.record.contentHash)) }
        return stored.intersection(hashes)
    }

    /// The number of chunks of each document of `collection`, by document id.
    public func chunkCounts(collection: String) async throws -> [String: Int] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: state.documents(in: collection).map { ($0.record.id, $0.chunks.count) })
        }
    }

    /// The names of every collection, sorted.
    public func collectionNames() async throws -> [String] {
        state.withLock { $0.collections.keys.sorted() }
    }

    /// Every collection with its counts (vectors: every vector stored under its name), by name.
    public func collections() async throws -> [CollectionSummary] {
        let summaries = state.withLock { state in
            state.collections.map { name, times in
                let documents = state.documents(in: name)
                var summary = CollectionSummary(
                    name: name, documents: documents.count, chunks: documents.reduce(0) { $0 + $1.chunks.count },
                    vectors: 0, bytes: documents.reduce(0) { $0 + $1.record.size }, createdAt: times.createdAt,
                    updatedAt: times.updatedAt)
                if let access = state.access[name] {
                    summary.ownerID = access.ownerID
                    summary.visibility = access.visibility
                }
                return summary
            }
        }
        return summaries.map { summary in
            var summary = summary
            summary.vectors = vectors.countSynchronously(collection: summary.name)
            return summary
        }.sorted { $0.name < $1.name }
    }

    /// Creates an empty collection owned by `ownerID`; `false` when the name is taken.
    public func createCollection(_ name: String, ownerID: String, visibility: CollectionVisibility) async throws
        -> Bool
    {
        let now = InMemoryTimestamp.truncated(Date())
        return state.withLock { state in
            guard state.collections[name] == nil else { return false }
            state.collections[name] = (now, now)
            state.access[name] = (ownerID, visibility)
            return true
        }
    }

    /// Sets who may read the collection `name`; `false` when there is none.
    public func setVisibility(_ visibility: CollectionVisibility, collection name: String) async throws -> Bool {
        state.withLock { state in
            guard state.collections[name] != nil else { return false }
            state.access[name] = (state.access[name]?.ownerID ?? CollectionSummary.defaultOwnerID, visibility)
            return true
        }
    }

    /// Chunks of `collection` with no `model` vector yet, in the order they were stored.
    public func chunksWithoutVectors(collection: String, model: String, limit: Int) async throws -> [ChunkRecord] {
        let embedded = vectors.itemIDs(collection: collection, model: model)
        return state.withLock { state in
            state.documents(in: collection).flatMap(\.chunks).sorted { $0.seq < $1.seq }.map(\.chunk)
                .filter { !embedded.contains($0.id) }.prefix(max(0, limit)).map { $0 }
        }
    }

    /// Term-matching search in `collection`: chunks sharing any word with `text` (common English
    /// words left out), best first; ties in the order stored.
    public func search(_ text: String, collection: String, limit: Int) async throws -> [ChunkHit] {
        let terms = Set(InMemoryTextSearch.words(text)).subtracting(InMemoryTextSearch.stopWords)
        guard limit > 0, !terms.isEmpty else { return [] }
        let documents = state.withLock { $0.documents(in: collection) }
        var scored: [(seq: Int, hit: ChunkHit)] = []
        for document in documents {
            for stored in document.chunks {
                let words = InMemoryTextSearch.words(stored.chunk.text)
                let matches = words.count { terms.contains($0) }
                guard matches > 0 else { continue }
                let score = Double(matches) / Double(words.count).squareRoot()
                scored.append((stored.seq, Self.hit(stored.chunk, document.record, score: score)))
            }
        }
        return scored.sorted { ($0.hit.score, $1.seq) > ($1.hit.score, $0.seq) }.prefix(limit).map(\.hit)
    }

    /// Hybrid search: ``search(_:collection:limit:)`` and the vector store's nearest items, each
    /// asked for `max(limit * 4, 20)` candidates, fused by reciprocal rank (`1 / (60 + rank)`
    /// summed over both lists), best first. Without a query vector and model this is
    /// ``search(_:collection:limit:)``.
    public func hybridSearch(
        _ text: String, vector: [Float]?, model: String?, collection: String, limit: Int
    ) async throws -> [ChunkHit] {
        guard limit > 0 else { return [] }
        let candidates = max(limit * 4, 20)
        let lexical = try await search(text, collection: collection, limit: candidates)
        guard let vector, let model else { return Array(lexical.prefix(limit)) }
        let semantic = try await vectors.nearest(to: vector, collection: collection, model: model, limit: candidates)
        var scores: [String: Double] = [:]
        for (rank, hit) in lexical.enumerated() { scores[hit.chunk.id, default: 0] += 1 / (60 + Double(rank + 1)) }
        for (rank, match) in semantic.enumerated() { scores[match.itemID, default: 0] += 1 / (60 + Double(rank + 1)) }
        let best = scores.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit)
        let hits = state.withLock { state in
            var hits: [String: ChunkHit] = [:]
            for document in state.documents(in: collection) {
                for stored in document.chunks where scores[stored.chunk.id] != nil {
                    hits[stored.chunk.id] = Self.hit(stored.chunk, document.record, score: 0)
                }
            }
            return hits
        }
        return best.compactMap { id, score in
            guard var hit = hits[id] else { return nil }  // a vector whose chunk is gone
            hit.score = score
            return hit
        }
    }

    private static func hit(_ chunk: ChunkRecord, _ document: DocumentRecord, score: Double) -> ChunkHit {
        ChunkHit(chunk: chunk, documentID: document.id, source: document.source, title: document.title, score: score)
    }
}
