/// One embedding vector: `vector` is the embedding of item `itemID` (a chunk, say) of
/// `collection`, made by `model`. One vector per collection, model and item.
public struct VectorRecord: Sendable, Hashable {
    /// The collection (namespace) the item belongs to.
    public var collection: String
    /// The item's id within the collection.
    public var itemID: String
    /// The embedding model that made the vector (vectors of different models never compare).
    public var model: String
    /// The vector; every component finite.
    public var vector: [Float]

    /// Creates a record.
    public init(collection: String, itemID: String, model: String, vector: [Float]) {
        self.collection = collection
        self.itemID = itemID
        self.model = model
        self.vector = vector
    }
}

/// An item found by ``VectorStore/nearest(to:collection:model:limit:)``.
public struct VectorMatch: Sendable, Hashable {
    /// The item's id.
    public var itemID: String
    /// Cosine similarity to the query, -1…1 (1: same direction).
    public var score: Double

    /// Creates a match.
    public init(itemID: String, score: Double) {
        self.itemID = itemID
        self.score = score
    }
}
