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

    // MARK: - Owners and readers

    /// Who is looking: a user, and whether they administer (admins read and change everything).
    public struct Reader: Sendable, Hashable {
        /// The user's id.
        public var userID: String
        /// Whether the user is an admin acting with admin rights.
        public var isAdmin: Bool

        /// A reader.
        public init(userID: String, isAdmin: Bool) {
            self.userID = userID
            self.isAdmin = isAdmin
        }

        /// Whether this reader may read and search `collection`: its owner, an admin, or anyone
        /// when it is shared.
        public func mayRead(_ collection: CollectionSummary) -> Bool {
            isAdmin || collection.ownerID == userID || collection.visibility == .shared
        }

        /// Whether this reader may change or delete `collection`: its owner or an admin.
        public func mayChange(_ collection: CollectionSummary) -> Bool {
            isAdmin || collection.ownerID == userID
        }
    }

    /// The collections `reader` may read, by name.
    public func list(readableBy reader: Reader) async throws -> [CollectionSummary] {
        try await list().filter(reader.mayRead)
    }

    /// The collection called `name` when `reader` may read it.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when there is none or it is not the reader's to see:
    ///   the two are one answer, so a name says nothing about another user's collections.
    public func summary(_ name: String, readableBy reader: Reader) async throws -> CollectionSummary {
        guard let found = try await list().first(where: { $0.name == name }), reader.mayRead(found) else {
            throw Self.notFound(name)
        }
        return found
    }

    /// Creates an empty collection owned by `ownerID`.
    ///
    /// - Throws: ``ChatbotError`` `.usage` for an invalid name, `.conflict` when the name is taken.
    public func create(_ name: String, ownerID: String, visibility: CollectionVisibility) async throws
        -> CollectionSummary
    {
        try IngestOptions.validateCollectionName(name)
        guard try await store.documents.createCollection(name, ownerID: ownerID, visibility: visibility) else {
            throw ChatbotError(
                .conflict, "a collection called '\(name)' already exists",
                hint: "collection names are shared by everyone")
        }
        return try await details(name).summary
    }

    /// Sets who may read `name`, when `reader` may change it.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when the reader cannot see it, `.forbidden` when they
    ///   can read it (shared) but it is not theirs.
    public func setVisibility(_ visibility: CollectionVisibility, of name: String, by reader: Reader) async throws
        -> CollectionSummary
    {
        let found = try await summary(name, readableBy: reader)
        guard reader.mayChange(found) else {
            throw ChatbotError(.forbidden, "only the owner of '\(name)' or an admin may change it")
        }
        guard try await store.documents.setVisibility(visibility, collection: name) else { throw Self.notFound(name) }
        return try await summary(name, readableBy: reader)
    }

    /// Deletes `name` (as ``delete(_:)``) when `reader` may change it.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when the reader cannot see it, `.forbidden` when they
    ///   can read it (shared) but it is not theirs, `.temporary` when an ingest holds it.
    public func delete(_ name: String, by reader: Reader) async throws -> Deletion {
        let found = try await summary(name, readableBy: reader)
        guard reader.mayChange(found) else {
            throw ChatbotError(.forbidden, "only the owner of '\(name)' or an admin may delete it")
        }
        return try await delete(name)
    }

    /// The error for a collection that does not exist, or that the reader may not see (one answer).
    public static func notFound(_ name: String) -> ChatbotError {
        ChatbotError(.notFound, "there is no collection '\(name)'")
    }
}
