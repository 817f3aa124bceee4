public import ChatbotCore
public import ChatbotStorage
public import Logging

/// The collections of a store, as `chatbot collections` and the server's collection routes see
/// them: list, one collection with its documents, and deletion with the originals nothing else
/// uses.
public struct CollectionCatalog: Sendable {
    private let store: any DatabaseStore
    private let objects: any ObjectStore
    private let logger: Logger

    /// Creates a catalog over `store` (and `objects`, for deleting originals).
    public init(store: any DatabaseStore, objects: any ObjectStore, logger: Logger) {
        self.store = store
        self.objects = objects
        self.logger = logger
    }

    /// One collection with its documents and each document's chunk count (by document id).
    public struct Details: Sendable {
        /// The collection's counts.
        public var summary: CollectionSummary
        /// Its documents.
        public var documents: [DocumentRecord]
        /// Chunks per document id.
        public var chunkCounts: [String: Int]
    }

    /// What a deletion removed.
    public struct Deletion: Sendable {
        /// What the collection held.
        public var summary: CollectionSummary
        /// Originals removed from the object store (those no other collection refers to).
        public var objectsDeleted: Int
    }

    /// Every collection.
    public func list() async throws -> [CollectionSummary] {
        try await store.documents.collections()
    }

    /// The collection called `name`.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when there is none.
    public func details(_ name: String) async throws -> Details {
        guard let summary = try await store.documents.collections().first(where: { $0.name == name }) else {
            throw Self.notFound(name)
        }
        return Details(
            summary: summary, documents: try await store.documents.documents(collection: name),
            chunkCounts: try await store.documents.chunkCounts(collection: name))
    }

    /// Deletes the collection called `name` under its ingest lock (a running ingest makes this
    /// fail with `.temporary`), then the originals no other document refers to.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when there is none, `.temporary` when busy.
    public func delete(_ name: String) async throws -> Deletion {
        let store = store
        let deleted = try await store.withNamedLock(Ingestor.lockName(collection: name)) {
            try await store.documents.deleteCollection(name)
        }
        guard let deleted else { throw Self.notFound(name) }
        var removed = 0
        for hash in deleted.orphans {
            do {
                try await objects.delete(hash)
                removed += 1
            } catch {
                logger.warning("Could not delete an original", metadata: ["key": "\(hash)"])
            }
        }
        return Deletion(summary: deleted.summary, objectsDeleted: removed)
    }

    static func notFound(_ name: String) -> ChatbotError {
        ChatbotError(.notFound, "there is no collection '\(name)'")
    }
}
