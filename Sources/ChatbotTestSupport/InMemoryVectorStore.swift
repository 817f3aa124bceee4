import ChatbotCore
public import ChatbotStorage
import Synchronization

/// ``VectorStore`` in memory, for tests: an exact cosine scan over the stored vectors, so results
/// match the SQL stores' exact scan (SQLite, PostgreSQL without pgvector).
///
/// Each call is atomic (one lock). Get one from ``InMemoryDatabaseStore/vectors``, or make a
/// stand-alone one with ``init()``.
public final class InMemoryVectorStore: VectorStore {
    private struct Key: Hashable {
        var collection: String
        var model: String
        var itemID: String
    }

    private struct State {
        var vectors: [Key: [Float]] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// Stores `records` atomically, replacing the vector of the same collection, model and item.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an empty vector or a non-finite component;
    ///   nothing of the batch is stored then.
    public func upsert(_ records: [VectorRecord]) async throws {
        for record in records {
            guard !record.vector.isEmpty, record.vector.allSatisfy(\.isFinite) else {
                throw ChatbotError(
                    .usage, "the vector for \(record.itemID) in \(record.collection) is empty or not finite")
            }
        }
        state.withLock { state in
            for record in records {
                state.vectors[Key(collection: record.collection, model: record.model, itemID: record.itemID)] =
                    record.vector
            }
        }
    }

    /// Deletes the vectors of `collection` (only those of `itemIDs` when given); returns how many.
    @discardableResult
    public func delete(collection: String, itemIDs: [String]?) async throws -> Int {
        remove(collection: collection, itemIDs: itemIDs.map(Set.init))
    }

    /// Whether `collection` holds any vector of `model`.
    public func hasVectors(collection: String, model: String) async throws -> Bool {
        state.withLock { state in state.vectors.keys.contains { $0.collection == collection && $0.model == model } }
    }

    /// How many vectors `collection` holds.
    public func count(collection: String) async throws -> Int {
        countSynchronously(collection: collection)
    }

    /// The `limit` items of `collection` whose `model` vectors are most similar to `query`
    /// (exact cosine), best first; ties by item id. Vectors of another dimension count never match.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an empty or non-finite query.
    public func nearest(to query: [Float], collection: String, model: String, limit: Int) async throws
        -> [VectorMatch]
    {
        guard !query.isEmpty, query.allSatisfy(\.isFinite) else {
            throw ChatbotError(.usage, "the query vector is empty or not finite")
        }
        guard limit > 0 else { return [] }
        let candidates = state.withLock { state in
            state.vectors.filter {
                $0.key.collection == collection && $0.key.model == model && $0.value.count == query.count
            }
        }
        let queryNorm = Self.norm(query)
        return
            candidates
            .map { VectorMatch(itemID: $0.key.itemID, score: Self.cosine(query, queryNorm: queryNorm, $0.value)) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.itemID < $1.itemID) }
            .prefix(limit).map { $0 }
    }

    // MARK: - For the document store

    /// Deletes the vectors of `collection` (of `itemIDs` only, when given); returns how many.
    func remove(collection: String, itemIDs: Set<String>?) -> Int {
        state.withLock { state in
            let doomed = state.vectors.keys.filter {
                $0.collection == collection && (itemIDs?.contains($0.itemID) ?? true)
            }
            for key in doomed { state.vectors[key] = nil }
            return doomed.count
        }
    }

    /// How many vectors `collection` holds.
    func countSynchronously(collection: String) -> Int {
        state.withLock { state in state.vectors.keys.count { $0.collection == collection } }
    }

    /// The items of `collection` with a `model` vector.
    func itemIDs(collection: String, model: String) -> Set<String> {
        state.withLock { state in
            Set(state.vectors.keys.filter { $0.collection == collection && $0.model == model }.map(\.itemID))
        }
    }

    private static func norm(_ vector: [Float]) -> Double {
        vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    private static func cosine(_ query: [Float], queryNorm: Double, _ vector: [Float]) -> Double {
        var dot = 0.0
        for index in query.indices { dot += Double(query[index]) * Double(vector[index]) }
        let denominator = queryNorm * norm(vector)
        return denominator > 0 ? dot / denominator : 0
    }
}
