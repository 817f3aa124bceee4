/// Embedding vectors and nearest-neighbour search by cosine similarity: what ingest and retrieval
/// need of a database.
///
/// ``SQLVectorStore`` implements it on SQLite and PostgreSQL (with pgvector's HNSW index when
/// installed); `InMemoryVectorStore` (ChatbotTestSupport) scans exactly, in memory.
public protocol VectorStore: Sendable {
    /// Stores `records` atomically, replacing any vector already stored for the same collection,
    /// model and item.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an empty vector or a non-finite component;
    ///   nothing of the batch is stored then.
    func upsert(_ records: [VectorRecord]) async throws
    /// Deletes the vectors of `collection` (only those of `itemIDs` when given); returns how many.
    @discardableResult
    func delete(collection: String, itemIDs: [String]?) async throws -> Int
    /// Whether `collection` holds any vector of `model`.
    func hasVectors(collection: String, model: String) async throws -> Bool
    /// How many vectors `collection` holds.
    func count(collection: String) async throws -> Int
    /// The `limit` items of `collection` whose `model` vectors are most similar to `query`
    /// (cosine), best first. Vectors with another number of dimensions never match.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an empty or non-finite query.
    func nearest(to query: [Float], collection: String, model: String, limit: Int) async throws -> [VectorMatch]
}

extension VectorStore {
    /// Deletes every vector of `collection`; returns how many.
    @discardableResult
    public func delete(collection: String) async throws -> Int {
        try await delete(collection: collection, itemIDs: nil)
    }
}
