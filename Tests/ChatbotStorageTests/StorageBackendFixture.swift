import ChatbotCore
import ChatbotTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@testable import ChatbotStorage

/// A backend the conformance suites run against: SQLite and the in-memory store of
/// ChatbotTestSupport always, PostgreSQL when `Scripts/test` started its servers
/// (``PostgresTestServer``).
struct StorageBackendFixture: Sendable, CustomTestStringConvertible {
    /// Shown in test names.
    let name: String
    /// Whether vector search should go through pgvector's HNSW index here.
    var hasVectorIndex = false
    /// Opens a fresh, migrated store inside the given (empty) directory.
    let open: @Sendable (URL) async throws -> OpenedStore

    var testDescription: String { name }

    /// A migrated store and, for SQL backends, raw SQL access for inspection.
    struct OpenedStore: Sendable {
        /// The store as a whole, for its named locks.
        let database: any DatabaseStore
        let conversations: any ConversationStore
        let vectors: any VectorStore
        let documents: any DocumentStore
        /// Runs one statement outside the store, for assertions about stored state; `nil` for the
        /// in-memory store, which has no SQL.
        let sql: (@Sendable (SQLQueryString) async throws -> [any SQLRow])?
        let close: @Sendable () async throws -> Void

        /// The SQL vector store, for assertions about the index; `nil` in memory.
        var sqlVectors: SQLVectorStore? { vectors as? SQLVectorStore }

        /// Whether ``inspect(_:)`` can run SQL here.
        var canInspect: Bool { sql != nil }

        /// Runs one statement through ``sql``; fails the test on a backend without SQL.
        func inspect(_ query: SQLQueryString) async throws -> [any SQLRow] {
            let run = try #require(sql, "this backend has no SQL to inspect")
            return try await run(query)
        }
    }

    static let sqlite = StorageBackendFixture(name: "sqlite") { directory in
        let store = try await SQLiteDatabaseStore.open(
            at: directory.appendingPathComponent("chatbot.sqlite"), logger: .testing)
        return OpenedStore(
            database: store,
            conversations: store.conversations,
            vectors: store.vectors,
            documents: store.documents,
            sql: { query in try await store.access.perform { try await $0.raw(query).all() } },
            close: { try await store.close() }
        )
    }

    /// ChatbotTestSupport's ``InMemoryDatabaseStore``: no files, no SQL.
    static let inMemory = StorageBackendFixture(name: "in-memory") { _ in
        let store = InMemoryDatabaseStore()
        return OpenedStore(
            database: store, conversations: store.conversations, vectors: store.vectors, documents: store.documents,
            sql: nil,
            close: { try await store.close() })
    }

    /// A fresh database on a PostgreSQL server, migrated by the migrator (as `chatbot migrate up`
    /// would), dropped on close.
    static func postgres(_ server: PostgresTestServer) -> StorageBackendFixture {
        StorageBackendFixture(name: server.name, hasVectorIndex: server.hasPgvector) { _ in
            let (store, database) = try await server.openMigratedStore()
            return OpenedStore(
                database: store,
                conversations: store.conversations,
                vectors: store.vectors,
                documents: store.documents,
                sql: { query in try await store.access.perform { try await $0.raw(query).all() } },
                close: {
                    try await store.close()
                    try await server.dropDatabase(database)
                }
            )
        }
    }

    /// Every backend available in this run.
    static let all: [StorageBackendFixture] = [.sqlite, .inMemory] + PostgresTestServer.all.map(postgres)

    /// Opens a store in a fresh temporary directory, runs `body`, and closes it.
    func withStore(_ body: (OpenedStore) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await open(directory.url)
            do {
                try await body(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

extension Logger {
    /// A logger that drops everything below warnings, for tests.
    static var testing: Logger {
        var logger = Logger(label: "chatbot.storage.tests")
        logger.logLevel = .warning
        return logger
    }
}
