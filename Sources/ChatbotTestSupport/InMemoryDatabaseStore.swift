public import ChatbotCore
public import ChatbotStorage

/// A ``DatabaseStore`` held in memory, for route and service tests that should need no files or
/// servers: ``InMemoryConversationStore``, ``InMemoryDocumentStore`` and ``InMemoryVectorStore``,
/// with named locks that exclude within this process.
///
/// ```swift
/// let store = InMemoryDatabaseStore()
/// let retriever = Retriever(store: store, embedder: nil, logger: logger)
/// ```
///
/// What it does not do: it is not a ``SQLDatabaseStore``, so it has no migrations, snapshots or
/// transactions and cannot be backed up, restored or migrated; its searches match terms rather
/// than rank by BM25 (see the document and conversation stores); nothing survives the process.
public final class InMemoryDatabaseStore: DatabaseStore {
    /// Conversations, messages, usage accounting and the response cache.
    public var conversations: any ConversationStore { inMemoryConversations }
    /// Embedding vectors, searched by exact cosine.
    public var vectors: any VectorStore { inMemoryVectors }
    /// Collections, documents and chunks, with term-matching and hybrid search.
    public var documents: any DocumentStore { inMemoryDocuments }

    /// The conversation store, as its concrete type.
    public let inMemoryConversations = InMemoryConversationStore()
    /// The vector store, as its concrete type.
    public let inMemoryVectors: InMemoryVectorStore
    /// The document store, as its concrete type.
    public let inMemoryDocuments: InMemoryDocumentStore
    private let locks = InMemoryNamedLocks()

    /// Creates an empty database.
    public init() {
        let vectors = InMemoryVectorStore()
        self.inMemoryVectors = vectors
        self.inMemoryDocuments = InMemoryDocumentStore(vectors: vectors)
    }

    /// Does nothing: there is nothing to release (the contents stay readable).
    public func close() async throws {}

    /// Runs `body` holding the lock called `name`, which excludes other holders of the same name
    /// on this store within this process: not reentrant; ``LockWaiting/wait(seconds:)`` tries again
    /// every 10 ms until its deadline.
    ///
    /// - Throws: ``ChatbotError`` `.temporary` when the lock is held and `waiting` gives up.
    public func withNamedLock<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await locks.with(name, waiting: waiting, body)
    }
}
