import ChatbotCore
import Foundation
import SQLKit

/// ``DocumentStore`` on every SQL backend: collections, documents and chunks, with full-text and
/// hybrid search.
///
/// Replacing a document is one transaction: its old chunks and their vectors go, the new row
/// and chunks come in, so a reader sees either the old version or the new one. Vectors are
/// written separately (``SQLVectorStore``) under the collection's name with the chunk ids, and
/// ``chunksWithoutVectors(collection:model:limit:)`` finds what an interrupted run left to embed.
public struct SQLDocumentStore: DocumentStore {
    let access: SQLDatabaseAccess
    let vectors: SQLVectorStore

    init(access: SQLDatabaseAccess, vectors: SQLVectorStore) {
        self.access = access
        self.vectors = vectors
    }

    /// The columns of a search hit (chunk `c`, document `d`).
    static let hitColumns =
        "c.id, c.ordinal, c.text, c.location, d.id AS document_id, d.source, d.title"

    static let documentColumns =
        "id, collection, source, content_hash, media_type, size, title, metadata, created_at, updated_at"

    /// The document stored for `source` in `collection`, if any.
    public func document(collection: String, source: String) async throws -> DocumentRecord? {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.documentColumns) FROM documents \
                WHERE collection = \(bind: collection) AND source = \(bind: source)
                """
            ).first().map(Self.document)
        }
    }

    /// Every document of `collection`, by source.
    public func documents(collection: String) async throws -> [DocumentRecord] {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.documentColumns) FROM documents \
                WHERE collection = \(bind: collection) ORDER BY source
                """
            ).all().map(Self.document)
        }
    }

    /// Stores `document` with `chunks` in one transaction, replacing whatever was stored for the
    /// same collection and source (its chunks and their vectors included). The collection is
    /// created when new.
    public func replace(_ document: DocumentRecord, chunks: [ChunkRecord]) async throws {
        let now = DatabaseTimestamp.milliseconds(Date())
        try await access.transaction { database in
            try await Self.ensureCollection(document.collection, now: now, database)
            try await Self.deleteDocuments(
                collection: document.collection, sources: [document.source], database)
            try await database.raw(
                """
                INSERT INTO documents (\(unsafeRaw: Self.documentColumns)) VALUES (\(bind: document.id), \
                \(bind: document.collection), \(bind: document.source), \(bind: document.contentHash), \
                \(bind: document.mediaType), \(bind: document.size), \(bind: document.title), \
                \(bind: document.metadata), \(bind: DatabaseTimestamp.milliseconds(document.createdAt)), \
                \(bind: DatabaseTimestamp.milliseconds(document.updatedAt)))
                """
            ).run()
            for batch in stride(from: 0, to: chunks.count, by: 200) {
                var insert = database.insert(into: "chunks").columns("id", "document_id", "ordinal", "text", "location")
                for chunk in chunks[batch..<min(batch + 200, chunks.count)] {
                    insert = insert.values(
                        SQLBind(chunk.id), SQLBind(document.id), SQLBind(chunk.ordinal), SQLBind(chunk.text),
                        SQLBind(chunk.location))
                }
                try await insert.run()
            }
        }
    }

    /// Deletes the documents of `collection` whose source is in `sources` (chunks and vectors
    /// too); returns how many documents went.
    @discardableResult
    public func delete(collection: String, sources: [String]) async throws -> Int {
        let now = DatabaseTimestamp.milliseconds(Date())
        return try await access.transaction { database in
            let count = try await Self.deleteDocuments(collection: collection, sources: sources, database)
            if count > 0 {
                try await database.raw(
                    "UPDATE collections SET updated_at = \(bind: now) WHERE name = \(bind: collection)"
                ).run()
            }
            return count
        }
    }

    /// Deletes a collection with its documents, chunks and vectors. Returns what it held and the
    /// content hashes no longer referenced by any document (objects the caller may delete), or
    /// `nil` when there is no such collection.
    public func deleteCollection(_ name: String) async throws -> (summary: CollectionSummary, orphans: [String])? {
        guard let summary = try await collections().first(where: { $0.name == name }) else { return nil }
        let orphans = try await access.transaction { database in
            let hashes = try await database.raw(
                "SELECT DISTINCT content_hash FROM documents WHERE collection = \(bind: name)"
            ).all().map { try $0.decode(column: "content_hash", as: String.self) }
            try await database.raw("DELETE FROM embeddings WHERE collection = \(bind: name)").run()
            try await database.raw("DELETE FROM collections WHERE name = \(bind: name)").run()
            var orphans: [String] = []
            for hash in hashes {
                let still =
                    try await database.raw(
                        "SELECT COUNT(*) AS n FROM documents WHERE content_hash = \(bind: hash)"
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                if still == 0 { orphans.append(hash) }
            }
            return orphans
        }
        return (summary, orphans)
    }

    /// The hashes among `hashes` that some document (in any collection) still refers to.
    public func referencedContentHashes(among hashes: [String]) async throws -> Set<String> {
        let unique = Array(Set(hashes))
        guard !unique.isEmpty else { return [] }
        return try await access.perform { database in
            var referenced: Set<String> = []
            for batch in stride(from: 0, to: unique.count, by: 200) {
                let group = SQLBind.group(Array(unique[batch..<min(batch + 200, unique.count)]))
                for row in try await database.raw(
                    "SELECT DISTINCT content_hash FROM documents WHERE content_hash IN \(group)"
                ).all() {
                    referenced.insert(try row.decode(column: "content_hash", as: String.self))
                }
            }
            return referenced
        }
    }

    /// The number of chunks of each document of `collection`, by document id.
    public func chunkCounts(collection: String) async throws -> [String: Int] {
        try await access.perform { database in
            var counts: [String: Int] = [:]
            for row in try await database.raw(
                """
                SELECT d.id, COUNT(c.id) AS n FROM documents d LEFT JOIN chunks c ON c.document_id = d.id \
                WHERE d.collection = \(bind: collection) GROUP BY d.id
                """
            ).all() {
                counts[try row.decode(column: "id", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// The names of every collection, sorted (cheap: no counting).
    public func collectionNames() async throws -> [String] {
        try await access.perform { database in
            try await database.raw("SELECT name FROM collections ORDER BY name").all().map {
                try $0.decode(column: "name", as: String.self)
            }
        }
    }

    /// Every collection with its counts, by name.
    public func collections() async throws -> [CollectionSummary] {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT k.name, k.owner_id, k.visibility, k.created_at, k.updated_at, \
                (SELECT COUNT(*) FROM documents d WHERE d.collection = k.name) AS documents, \
                (SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id \
                 WHERE d.collection = k.name) AS chunks, \
                (SELECT COUNT(*) FROM embeddings e WHERE e.collection = k.name) AS vectors, \
                (SELECT CAST(COALESCE(SUM(d.size), 0) AS BIGINT) FROM documents d WHERE d.collection = k.name) AS bytes \
                FROM collections k ORDER BY k.name
                """
            ).all().map { row in
                var summary = CollectionSummary(
                    name: try row.decode(column: "name", as: String.self),
                    documents: try row.decode(column: "documents", as: Int.self),
                    chunks: try row.decode(column: "chunks", as: Int.self),
                    vectors: try row.decode(column: "vectors", as: Int.self),
                    bytes: try row.decode(column: "bytes", as: Int.self),
                    createdAt: DatabaseTimestamp.date(
                        fromMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
                    updatedAt: DatabaseTimestamp.date(
                        fromMilliseconds: try row.decode(column: "updated_at", as: Int64.self)))
                summary.ownerID = try row.decode(column: "owner_id", as: String.self)
                summary.visibility =
                    CollectionVisibility(rawValue: try row.decode(column: "visibility", as: String.self))
                    ?? .private
                return summary
            }
        }
    }

    /// Creates an empty collection owned by `ownerID`; `false` when the name is taken.
    public func createCollection(_ name: String, ownerID: String, visibility: CollectionVisibility) async throws
        -> Bool
    {
        let now = DatabaseTimestamp.milliseconds(Date())
        return try await access.perform { database in
            let made = try await database.raw(
                """
                INSERT INTO collections (name, owner_id, visibility, created_at, updated_at) \
                VALUES (\(bind: name), \(bind: ownerID), \(bind: visibility.rawValue), \(bind: now), \(bind: now)) \
                ON CONFLICT (name) DO NOTHING RETURNING name
                """
            ).all()
            return !made.isEmpty
        }
    }

    /// Sets who may read the collection `name`; `false` when there is none.
    public func setVisibility(_ visibility: CollectionVisibility, collection name: String) async throws -> Bool {
        try await access.perform { database in
            let changed = try await database.raw(
                """
                UPDATE collections SET visibility = \(bind: visibility.rawValue) WHERE name = \(bind: name) \
                RETURNING name
                """
            ).all()
            return !changed.isEmpty
        }
    }

    /// Chunks of `collection` with no `model` vector yet, oldest first (what an interrupted
    /// ingest left to embed).
    public func chunksWithoutVectors(collection: String, model: String, limit: Int) async throws -> [ChunkRecord] {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT c.id, c.ordinal, c.text, c.location FROM chunks c \
                JOIN documents d ON d.id = c.document_id \
                WHERE d.collection = \(bind: collection) AND NOT EXISTS (SELECT 1 FROM embeddings e \
                WHERE e.collection = \(bind: collection) AND e.model = \(bind: model) AND e.item_id = c.id) \
                ORDER BY c.seq LIMIT \(bind: max(0, limit))
                """
            ).all().map(Self.chunk)
        }
    }

    /// Full-text search in `collection`, any word matching, best first.
    public func search(_ text: String, collection: String, limit: Int) async throws -> [ChunkHit] {
        guard limit > 0, let query = access.features.chunkSearchQuery(text, collection: collection, limit: limit)
        else { return [] }
        return try await access.perform { database in
            try await database.raw(query).all().map {
                try Self.hit($0, score: $0.decode(column: "rank", as: Double.self))
            }
        }
    }

    /// Hybrid search: full text and vector similarity, each asking for `limit * 4` candidates,
    /// fused by reciprocal rank (`1 / (60 + rank)` summed over both lists), best first. Without a
    /// query vector this is ``search(_:collection:limit:)``.
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
        var known = Dictionary(lexical.map { ($0.chunk.id, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = best.map(\.key).filter { known[$0] == nil }
        if !missing.isEmpty {
            for hit in try await hits(chunkIDs: missing) { known[hit.chunk.id] = hit }
        }
        return best.compactMap { id, score in
            guard var hit = known[id] else { return nil }  // a vector whose chunk is gone
            hit.score = score
            return hit
        }
    }

    private func hits(chunkIDs: [String]) async throws -> [ChunkHit] {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.hitColumns) FROM chunks c JOIN documents d ON d.id = c.document_id \
                WHERE c.id IN \(SQLBind.group(chunkIDs))
                """
            ).all().map { try Self.hit($0, score: 0) }
        }
    }

    // MARK: - Rows

    private static func ensureCollection(_ name: String, now: Int64, _ database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO collections (name, created_at, updated_at) VALUES (\(bind: name), \(bind: now), \(bind: now)) \
            ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at
            """
        ).run()
    }

    @discardableResult
    private static func deleteDocuments(collection: String, sources: [String], _ database: any SQLDatabase)
        async throws -> Int
    {
        var deleted = 0
        for batch in stride(from: 0, to: sources.count, by: 200) {
            let group = SQLBind.group(Array(sources[batch..<min(batch + 200, sources.count)]))
            try await database.raw(
                """
                DELETE FROM embeddings WHERE collection = \(bind: collection) AND item_id IN \
                (SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id \
                WHERE d.collection = \(bind: collection) AND d.source IN \(group))
                """
            ).run()
            deleted += try await database.raw(
                "DELETE FROM documents WHERE collection = \(bind: collection) AND source IN \(group) RETURNING id"
            ).all().count
        }
        return deleted
    }

    private static func document(_ row: any SQLRow) throws -> DocumentRecord {
        DocumentRecord(
            id: try row.decode(column: "id", as: String.self),
            collection: try row.decode(column: "collection", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            contentHash: try row.decode(column: "content_hash", as: String.self),
            mediaType: try row.decode(column: "media_type", as: String.self),
            size: try row.decode(column: "size", as: Int.self),
            title: try row.decode(column: "title", as: String?.self),
            metadata: try row.decode(column: "metadata", as: String.self),
            createdAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: DatabaseTimestamp.date(fromMilliseconds: try row.decode(column: "updated_at", as: Int64.self)))
    }

    private static func chunk(_ row: any SQLRow) throws -> ChunkRecord {
        ChunkRecord(
            id: try row.decode(column: "id", as: String.self), ordinal: try row.decode(column: "ordinal", as: Int.self),
            text: try row.decode(column: "text", as: String.self),
            location: try row.decode(column: "location", as: String.self))
    }

    private static func hit(_ row: any SQLRow, score: Double) throws -> ChunkHit {
        ChunkHit(
            chunk: try chunk(row), documentID: try row.decode(column: "document_id", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            title: try row.decode(column: "title", as: String?.self), score: score)
    }
}
