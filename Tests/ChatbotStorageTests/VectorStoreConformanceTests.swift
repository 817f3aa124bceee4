import ChatbotCore
import Foundation
import SQLKit
import Testing

@testable import ChatbotStorage

/// Embedding vectors and nearest-neighbour search, for every backend: exact scans on SQLite and on
/// PostgreSQL without pgvector, the HNSW index with it.
@Suite("VectorStore conformance")
struct VectorStoreConformanceTests {
    /// Deterministic pseudo-random vectors (a linear congruential generator), so a failure repeats.
    private static func vectors(count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
        return (0..<count).map { _ in (0..<dimensions).map { _ in next() } }
    }

    private static func bruteForce(_ query: [Float], _ items: [(String, [Float])], limit: Int) -> [String] {
        let norm = SQLVectorStore.norm(query)
        return items.map { ($0.0, SQLVectorStore.cosine(query, queryNorm: norm, $0.1)) }
            .sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    @Test(
        "nearest returns the most similar items by cosine, best first, within one collection and model",
        arguments: StorageBackendFixture.all)
    func nearest(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            if let sqlVectors = store.sqlVectors {
                #expect(try await sqlVectors.usesVectorIndex() == backend.hasVectorIndex)
            }
            let items = Self.vectors(count: 300, dimensions: 16, seed: 7).enumerated().map { ("item-\($0)", $1) }
            try await store.vectors.upsert(
                items.map { VectorRecord(collection: "docs", itemID: $0.0, model: "e5", vector: $0.1) })
            // Decoys: the same vectors under another collection and another model, and another dimension.
            try await store.vectors.upsert(
                items.prefix(50).map { VectorRecord(collection: "other", itemID: $0.0, model: "e5", vector: $0.1) }
                    + items.prefix(50).map {
                        VectorRecord(collection: "docs", itemID: "x-" + $0.0, model: "other-model", vector: $0.1)
                    }
                    + [VectorRecord(collection: "docs", itemID: "short", model: "e5", vector: [1, 0, 0])])

            var recall = 0.0
            let queries = Self.vectors(count: 10, dimensions: 16, seed: 99)
            for query in queries {
                let found = try await store.vectors.nearest(to: query, collection: "docs", model: "e5", limit: 5)
                let expected = Self.bruteForce(query, items, limit: 5)
                #expect(found.count == 5)
                #expect(found.allSatisfy { $0.itemID.hasPrefix("item-") })
                #expect(zip(found, found.dropFirst()).allSatisfy { $0.score >= $1.score - 1e-6 })
                if !backend.hasVectorIndex { #expect(found.map(\.itemID) == expected) }
                recall += Double(Set(found.map(\.itemID)).intersection(expected).count) / 5
            }
            // HNSW is approximate; on 300 vectors it should miss next to nothing.
            #expect(recall / Double(queries.count) >= 0.9)

            // An item's own vector is its own best match, with similarity 1.
            let own = try await store.vectors.nearest(to: items[42].1, collection: "docs", model: "e5", limit: 1)
            #expect(own.first?.itemID == "item-42")
            #expect(abs((own.first?.score ?? 0) - 1) < 1e-5)
        }
    }

    @Test(
        "upsert replaces an item's vector, delete removes by item or collection, count counts",
        arguments: StorageBackendFixture.all)
    func upsertAndDelete(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            try await store.vectors.upsert([
                VectorRecord(collection: "c", itemID: "a", model: "m", vector: [1, 0]),
                VectorRecord(collection: "c", itemID: "b", model: "m", vector: [0, 1]),
                VectorRecord(collection: "d", itemID: "a", model: "m", vector: [1, 0]),
            ])
            try await store.vectors.upsert([VectorRecord(collection: "c", itemID: "a", model: "m", vector: [0, -1])])
            #expect(try await store.vectors.count(collection: "c") == 2)
            let best = try await store.vectors.nearest(to: [0, -1], collection: "c", model: "m", limit: 2)
            #expect(best.map(\.itemID) == ["a", "b"])
            #expect(abs(best[1].score + 1) < 1e-6)  // opposite direction

            #expect(try await store.vectors.delete(collection: "c", itemIDs: ["b", "missing"]) == 1)
            #expect(try await store.vectors.count(collection: "c") == 1)
            #expect(try await store.vectors.delete(collection: "c") == 1)
            #expect(try await store.vectors.count(collection: "c") == 0)
            #expect(try await store.vectors.count(collection: "d") == 1)
        }
    }

    @Test(
        "empty and non-finite vectors are refused, and nothing of the batch is stored",
        arguments: StorageBackendFixture.all)
    func refusesBadVectors(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            for bad: [Float] in [[], [1, .nan], [.infinity, 0]] {
                await #expect(throws: ChatbotError.self) {
                    try await store.vectors.upsert([
                        VectorRecord(collection: "c", itemID: "good", model: "m", vector: [1, 2]),
                        VectorRecord(collection: "c", itemID: "bad", model: "m", vector: bad),
                    ])
                }
            }
            let remaining = try await store.vectors.count(collection: "c")
            #expect(remaining == 0)
            await #expect(throws: ChatbotError.self) {
                _ = try await store.vectors.nearest(to: [], collection: "c", model: "m", limit: 3)
            }
        }
    }

    @Test(
        "with pgvector, a partial HNSW index per dimension count exists and the planner can walk it",
        arguments: StorageBackendFixture.all.filter(\.hasVectorIndex))
    func hnswIndex(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let items = Self.vectors(count: 50, dimensions: 8, seed: 3)
            try await store.vectors.upsert(
                items.enumerated().map { VectorRecord(collection: "c", itemID: "i\($0)", model: "m", vector: $1) })
            let definitions = try await store.inspect(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'embeddings_hnsw_8'"
            ).map { try $0.decode(column: "indexdef", as: String.self) }
            #expect(definitions.count == 1)
            #expect(definitions.first?.contains("USING hnsw") == true)
            #expect(definitions.first?.contains("vector_cosine_ops") == true)
            let vectorLiteral = "'{" + items[0].map { "\($0)" }.joined(separator: ",") + "}'"
            let plan = try await #require(store.sqlVectors).access.transaction { database in
                // With sorting off, only an index can produce the order: the HNSW index, or a
                // plan that costs more than any other (PostgreSQL 16 prefers the unique index
                // and a sort for 50 rows).
                try await database.raw("ANALYZE embeddings").run()
                try await database.raw("SET LOCAL enable_seqscan = off").run()
                try await database.raw("SET LOCAL enable_sort = off").run()
                return try await database.raw(
                    """
                    EXPLAIN (FORMAT TEXT) SELECT item_id FROM embeddings WHERE dimensions = 8 AND collection = 'c' \
                    AND model = 'm' ORDER BY (vector::vector(8)) <=> \(unsafeRaw: vectorLiteral)::real[]::vector(8) LIMIT 5
                    """
                ).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            }
            #expect(plan.contains("embeddings_hnsw_8"), "\(plan)")
        }
    }

    @Test(
        "a small collection among many vectors still gets its full `limit` (filters after the index walk)",
        arguments: StorageBackendFixture.all)
    func smallCollectionAmongMany(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            // 3,000 vectors in a big collection and 300 in a small one, asked for 60: an index walk
            // that stops after ef_search candidates (pgvector before 0.8) finds about a tenth of
            // them in the small collection, too few.
            let big = Self.vectors(count: 3000, dimensions: 12, seed: 11)
            for batch in stride(from: 0, to: big.count, by: 500) {
                try await store.vectors.upsert(
                    big[batch..<min(batch + 500, big.count)].enumerated().map {
                        VectorRecord(collection: "big", itemID: "b\(batch + $0)", model: "m", vector: $1)
                    })
            }
            let small = Self.vectors(count: 300, dimensions: 12, seed: 12).enumerated().map { ("s\($0)", $1) }
            try await store.vectors.upsert(
                small.map { VectorRecord(collection: "small", itemID: $0.0, model: "m", vector: $0.1) })
            if backend.hasVectorIndex { _ = try await store.inspect("ANALYZE embeddings") }
            let query = big[0]
            let found = try await store.vectors.nearest(to: query, collection: "small", model: "m", limit: 60)
            #expect(found.count == 60)
            let expected = Self.bruteForce(query, small, limit: 60)
            let recall = Double(Set(found.map(\.itemID)).intersection(expected).count) / 60
            #expect(recall >= 0.9)
        }
    }

    @Test(
        "a repeated exact search sees every write since the last: its own upserts and deletes, and another process's commits",
        arguments: StorageBackendFixture.all)
    func searchesSeeWrites(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let items = Self.vectors(count: 200, dimensions: 8, seed: 5)
            try await store.vectors.upsert(
                items.enumerated().map { VectorRecord(collection: "c", itemID: "i\($0)", model: "m", vector: $1) })
            let query: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
            let before = try await store.vectors.nearest(to: query, collection: "c", model: "m", limit: 3)
            #expect(before.first?.itemID != "exact")
            // Our own write: a vector pointing exactly along the query wins next time.
            try await store.vectors.upsert([VectorRecord(collection: "c", itemID: "exact", model: "m", vector: query)])
            #expect(
                try await store.vectors.nearest(to: query, collection: "c", model: "m", limit: 3).first?.itemID
                    == "exact")
            // Our own delete: it is gone again.
            try await store.vectors.delete(collection: "c", itemIDs: ["exact"])
            #expect(try await store.vectors.nearest(to: query, collection: "c", model: "m", limit: 3) == before)
            // In memory there is no SQL to write around the store.
            guard store.canInspect else { return }
            // A write by plain SQL, not through the vector store: the best item goes.
            let replaced = try #require(before.first?.itemID)
            _ = try await store.inspect(
                "DELETE FROM embeddings WHERE collection = 'c' AND item_id = \(bind: replaced)")
            let after = try await store.vectors.nearest(to: query, collection: "c", model: "m", limit: 3)
            #expect(!after.map(\.itemID).contains(replaced))
        }
    }

    @Test("a second SQLite connection's commit is seen by a process that cached the vectors")
    func otherConnection() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chatbot.sqlite")
        let first = try await SQLiteDatabaseStore.open(at: file, logger: .testing)
        let second = try await SQLiteDatabaseStore.open(at: file, logger: .testing)
        do {
            let items = Self.vectors(count: 50, dimensions: 4, seed: 9)
            try await first.vectors.upsert(
                items.enumerated().map { VectorRecord(collection: "c", itemID: "i\($0)", model: "m", vector: $1) })
            let query: [Float] = [0.5, -1, 2, 0.25]
            _ = try await first.vectors.nearest(to: query, collection: "c", model: "m", limit: 1)
            try await second.vectors.upsert([VectorRecord(collection: "c", itemID: "new", model: "m", vector: query)])
            #expect(
                try await first.vectors.nearest(to: query, collection: "c", model: "m", limit: 1).first?.itemID == "new"
            )
        } catch {
            try? await first.close()
            try? await second.close()
            throw error
        }
        try await first.close()
        try await second.close()
    }
}
