/// Collections, documents and chunks, with full-text and hybrid search: what ingest, retrieval and
/// the `collections` commands need of a database.
///
/// ``SQLDocumentStore`` implements it on SQLite and PostgreSQL; `InMemoryDocumentStore`
/// (ChatbotTestSupport) implements it in memory for tests. Vectors of a collection's chunks live
/// in the ``VectorStore`` of the same ``DatabaseStore``, under the collection's name with the chunk
/// ids; deleting documents deletes their vectors too.
public protocol DocumentStore: Sendable {
    /// The document stored for `source` in `collection`, if any.
    func document(collection: String, source: String) async throws -> DocumentRecord?
    /// Every document of `collection`, by source.
    func documents(collection: String) async throws -> [DocumentRecord]
    /// Stores `document` with `chunks` atomically, replacing whatever was stored for the same
    /// collection and source (its chunks and their vectors included). The collection is created
    /// when new.
    func replace(_ document: DocumentRecord, chunks: [ChunkRecord]) async throws
    /// Deletes the documents of `collection` whose source is in `sources` (chunks and vectors
    /// too); returns how many documents went.
    @discardableResult
    func delete(collection: String, sources: [String]) async throws -> Int
    /// Deletes a collection with its documents, chunks and vectors. Returns what it held and the
    /// content hashes no longer referenced by any document (objects the caller may delete), or
    /// `nil` when there is no such collection.
    func deleteCollection(_ name: String) async throws -> (summary: CollectionSummary, orphans: [String])?
    /// The hashes among `hashes` that some document (in any collection) still refers to.
    func referencedContentHashes(among hashes: [String]) async throws -> Set<String>
    /// The number of chunks of each document of `collection`, by document id.
    func chunkCounts(collection: String) async throws -> [String: Int]
    /// The names of every collection, sorted.
    func collectionNames() async throws -> [String]
    /// Every collection with its counts, owner and visibility, by name.
    func collections() async throws -> [CollectionSummary]
    /// Creates an empty collection owned by `ownerID`; `false` (and nothing changed) when the name
    /// is taken.
    func createCollection(_ name: String, ownerID: String, visibility: CollectionVisibility) async throws -> Bool
    /// Sets who may read the collection `name`; `false` when there is none.
    func setVisibility(_ visibility: CollectionVisibility, collection name: String) async throws -> Bool
    /// Chunks of `collection` with no `model` vector yet, in the order they were stored (what an
    /// interrupted ingest left to embed).
    func chunksWithoutVectors(collection: String, model: String, limit: Int) async throws -> [ChunkRecord]
    /// Full-text search in `collection`: any word may match (common English words are ignored),
    /// best first. Text without letters or digits finds nothing; no input is a syntax error.
    func search(_ text: String, collection: String, limit: Int) async throws -> [ChunkHit]
    /// Hybrid search: full text and vector similarity (`model`'s vectors), fused by reciprocal
    /// rank, best first. Without a query vector and model this is ``search(_:collection:limit:)``.
    func hybridSearch(
        _ text: String, vector: [Float]?, model: String?, collection: String, limit: Int
    ) async throws -> [ChunkHit]
}
