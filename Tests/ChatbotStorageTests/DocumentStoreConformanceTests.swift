import ChatbotCore
import Foundation
import SQLKit
import Testing

@testable import ChatbotStorage

/// Collections, documents, chunks and search, for every backend.
@Suite("DocumentStore conformance")
struct DocumentStoreConformanceTests {
    static func document(_ source: String, collection: String = "docs", hash: String = "h1") -> DocumentRecord {
        DocumentRecord(
            collection: collection, source: source, contentHash: String(repeating: hash, count: 32), mediaType: "text",
            size: 100, title: "Title of \(source)")
    }

    @Test(
        "replace stores a document and its chunks; replacing swaps chunks and drops their vectors atomically",
        arguments: StorageBackendFixture.all)
    func replace(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let first = [
                ChunkRecord(ordinal: 0, text: "The lighthouse keeper climbs ninety steps.", location: #"{"page":1}"#),
                ChunkRecord(ordinal: 1, text: "Storms arrive from the west in autumn.", location: #"{"page":2}"#),
            ]
            try await store.documents.replace(Self.document("/a.txt"), chunks: first)
            try await store.documents.replace(Self.document("/b.txt"), chunks: [ChunkRecord(ordinal: 0, text: "other")])
            try await store.vectors.upsert(
                first.map { VectorRecord(collection: "docs", itemID: $0.id, model: "m", vector: [1, 0]) })
            #expect(
                try await store.documents.document(collection: "docs", source: "/a.txt")?.contentHash.hasPrefix("h1")
                    == true)

            let second = [ChunkRecord(ordinal: 0, text: "The new lighthouse has an automatic lamp.")]
            try await store.documents.replace(Self.document("/a.txt", hash: "h2"), chunks: second)
            let stored = try #require(try await store.documents.document(collection: "docs", source: "/a.txt"))
            #expect(stored.contentHash.hasPrefix("h2"))
            #expect(try await store.vectors.count(collection: "docs") == 0)  // the old chunks' vectors went
            let hits = try await store.documents.search("lighthouse", collection: "docs", limit: 10)
            #expect(hits.map(\.chunk.text) == ["The new lighthouse has an automatic lamp."])
            #expect(hits.first?.source == "/a.txt" && hits.first?.title == "Title of /a.txt")
            let summary = try #require(try await store.documents.collections().first)
            #expect(summary.name == "docs" && summary.documents == 2 && summary.chunks == 2 && summary.bytes == 200)
        }
    }

    @Test(
        "collections have an owner and a visibility: create once per name, share and unshare; ingest keeps them",
        arguments: StorageBackendFixture.all)
    func ownership(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let alice = "11111111-1111-1111-1111-111111111111"
            #expect(try await store.documents.createCollection("team", ownerID: alice, visibility: .shared))
            #expect(
                !(try await store.documents.createCollection("team", ownerID: "someone-else", visibility: .private)))
            try await store.documents.replace(Self.document("/a.txt", collection: "team"), chunks: [])
            try await store.documents.replace(Self.document("/b.txt", collection: "cli"), chunks: [])
            var summaries = Dictionary(
                uniqueKeysWithValues: try await store.documents.collections().map { ($0.name, $0) })
            #expect(summaries["team"]?.ownerID == alice && summaries["team"]?.visibility == .shared)
            #expect(summaries["team"]?.documents == 1)
            #expect(summaries["cli"]?.ownerID == CollectionSummary.defaultOwnerID)
            #expect(summaries["cli"]?.visibility == .private)

            #expect(try await store.documents.setVisibility(.private, collection: "team"))
            #expect(try await store.documents.setVisibility(.shared, collection: "cli"))
            #expect(!(try await store.documents.setVisibility(.shared, collection: "nope")))
            summaries = Dictionary(uniqueKeysWithValues: try await store.documents.collections().map { ($0.name, $0) })
            #expect(summaries["team"]?.visibility == .private && summaries["team"]?.ownerID == alice)
            #expect(summaries["cli"]?.visibility == .shared)
            #expect(summaries["nope"] == nil)
        }
    }

    @Test(
        "full-text search: any word matches, better matches first, one collection only, nothing for no words",
        arguments: StorageBackendFixture.all)
    func fullText(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            try await store.documents.replace(
                Self.document("/geo.md"),
                chunks: [
                    ChunkRecord(ordinal: 0, text: "Paris is the capital of France and its largest city."),
                    ChunkRecord(ordinal: 1, text: "France borders Spain, Italy and Germany."),
                    ChunkRecord(ordinal: 2, text: "Bread is baked every morning."),
                ])
            try await store.documents.replace(
                Self.document("/other.md", collection: "elsewhere"),
                chunks: [ChunkRecord(ordinal: 0, text: "The capital of France is Paris, again.")])
            let hits = try await store.documents.search("What is the capital of France?", collection: "docs", limit: 5)
            #expect(hits.first?.chunk.text.hasPrefix("Paris is the capital") == true, "\(hits.map(\.chunk.text))")
            #expect(hits.contains { $0.chunk.text.hasPrefix("France borders") })
            #expect(!hits.contains { $0.chunk.text.hasPrefix("Bread") })
            #expect(hits.allSatisfy { $0.source == "/geo.md" })
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(try await store.documents.search("?! --", collection: "docs", limit: 5).isEmpty)
            #expect(try await store.documents.search("AND OR NEAR(\"", collection: "docs", limit: 5).isEmpty)
        }
    }

    @Test(
        "hybrid search finds by meaning what shares no word, fused with the full-text ranking",
        arguments: StorageBackendFixture.all)
    func hybrid(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let chunks = [
                ChunkRecord(ordinal: 0, text: "Automobiles need fuel and regular servicing."),
                ChunkRecord(ordinal: 1, text: "The car park closes at midnight."),
                ChunkRecord(ordinal: 2, text: "Tulips flower in spring."),
            ]
            try await store.documents.replace(Self.document("/mixed.md"), chunks: chunks)
            // Toy vectors: chunk 0 points where the query points; the words only match chunk 1.
            try await store.vectors.upsert([
                VectorRecord(collection: "docs", itemID: chunks[0].id, model: "m", vector: [1, 0, 0]),
                VectorRecord(collection: "docs", itemID: chunks[1].id, model: "m", vector: [0.5, 0.5, 0]),
                VectorRecord(collection: "docs", itemID: chunks[2].id, model: "m", vector: [0, 0, 1]),
            ])
            let lexical = try await store.documents.search("car", collection: "docs", limit: 3)
            #expect(lexical.map(\.chunk.id) == [chunks[1].id])
            let fused = try await store.documents.hybridSearch(
                "car", vector: [1, 0.1, 0], model: "m", collection: "docs", limit: 3)
            #expect(Set(fused.prefix(2).map(\.chunk.id)) == [chunks[0].id, chunks[1].id], "\(fused.map(\.chunk.text))")
            #expect(fused.first?.chunk.id == chunks[1].id)  // in both lists: ranks first
            #expect(fused.allSatisfy { $0.source == "/mixed.md" && !$0.chunk.text.isEmpty })
            let textOnly = try await store.documents.hybridSearch(
                "car", vector: nil, model: nil, collection: "docs", limit: 3)
            #expect(textOnly.map(\.chunk.id) == [chunks[1].id])
        }
    }

    @Test(
        "prune, chunks left to embed, and deleting a collection (vectors too; shared originals kept)",
        arguments: StorageBackendFixture.all)
    func deletion(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let a = [ChunkRecord(ordinal: 0, text: "alpha"), ChunkRecord(ordinal: 1, text: "beta")]
            try await store.documents.replace(Self.document("/a", hash: "s1"), chunks: a)
            try await store.documents.replace(
                Self.document("/b", hash: "s2"), chunks: [ChunkRecord(ordinal: 0, text: "g")])
            try await store.documents.replace(
                Self.document("/c", collection: "keep", hash: "s2"), chunks: [ChunkRecord(ordinal: 0, text: "kept")])
            try await store.vectors.upsert([VectorRecord(collection: "docs", itemID: a[0].id, model: "m", vector: [1])])
            let missing = try await store.documents.chunksWithoutVectors(collection: "docs", model: "m", limit: 10)
            #expect(missing.map(\.text) == ["beta", "g"])

            #expect(try await store.documents.delete(collection: "docs", sources: ["/b", "/gone"]) == 1)
            #expect(try await store.documents.documents(collection: "docs").map(\.source) == ["/a"])

            let deleted = try #require(try await store.documents.deleteCollection("docs"))
            #expect(deleted.summary.documents == 1 && deleted.summary.vectors == 1)
            #expect(deleted.orphans == [String(repeating: "s1", count: 32)])
            #expect(try await store.vectors.count(collection: "docs") == 0)
            #expect(try await store.documents.collections().map(\.name) == ["keep"])
            #expect(try await store.documents.deleteCollection("docs") == nil)
            #expect(try await store.documents.search("kept", collection: "keep", limit: 1).count == 1)
        }
    }
}
