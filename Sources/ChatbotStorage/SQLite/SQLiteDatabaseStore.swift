public import ChatbotCore
public import Foundation
public import Logging
public import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded database: one SQLite file in WAL mode, opened with a single connection.
///
/// ```swift
/// let store = try await SQLiteDatabaseStore.open(at: paths.database, logger: logger)
/// let conversation = try await store.conversations.createConversation(title: "hello")
/// try await store.close()
/// ```
///
/// Opening creates the file (mode 0600) and its directory when missing, sets the connection
/// pragmas, refuses a database newer than this binary, and, with `autoMigrate`, applies pending
/// migrations. Nothing else runs at open, to keep `chatbot ask` fast.
public final class SQLiteDatabaseStore: SQLDatabaseStore {
    /// The database file.
    public let url: URL
    /// Conversations, messages, usage accounting and the response cache (an ``SQLConversationStore``).
    public let conversations: any ConversationStore
    private let conversationStore: SQLConversationStore

    /// The conversations of one owner only (see ``SQLConversationStore/owned(by:)``).
    public func conversations(ownedBy owner: String, apiKey: String?) -> SQLConversationStore {
        conversationStore.owned(by: owner, apiKey: apiKey)
    }
    /// Embedding vectors and nearest-neighbour search (an ``SQLVectorStore``).
    public let vectors: any VectorStore
    /// Collections, documents and chunks, with full-text and hybrid search (an ``SQLDocumentStore``).
    public let documents: any DocumentStore
    /// The schema migrations of this database.
    public let migrator: Migrator
    /// Always ``DatabaseBackend/sqlite``.
    public var backend: DatabaseBackend { .sqlite }

    private let connection: SQLiteConnection
    private let logger: Logger
    private let relaxed = RelaxedConnection()
    let access: SQLDatabaseAccess

    private init(url: URL, connection: SQLiteConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
        let features = DatabaseBackend.sqlite.features
        self.access = SQLDatabaseAccess(
            database: connection.sql(queryLogLevel: .trace),
            features: features,
            gate: SerialExecutionGate()
        )
        let vectors = SQLVectorStore(access: access)
        self.conversationStore = SQLConversationStore(access: access)
        self.conversations = conversationStore
        self.vectors = vectors
        self.documents = SQLDocumentStore(access: access, vectors: vectors)
        self.migrator = Migrator(access: access, migrations: features.migrations)
    }

    /// Opens (creating when missing) the database at `url`.
    ///
    /// - Parameters:
    ///   - url: The database file, e.g. ``StoragePaths/database``.
    ///   - logger: Receives connection and migration logs.
    ///   - autoMigrate: Apply pending migrations now (the embedded store migrates itself on first
    ///     use); `chatbot migrate` passes `false` and drives ``migrator`` itself.
    ///   - validateSchema: Refuse a database that is newer than this binary or whose applied
    ///     migrations were altered. Only `chatbot migrate status` turns this off, to report them.
    /// - Throws: ``ChatbotError`` (`.conflict`) for a newer or altered schema, (`.unavailable`)
    ///   when the file cannot be created or opened.
    public static func open(
        at url: URL,
        logger: Logger,
        autoMigrate: Bool = true,
        validateSchema: Bool = true
    ) async throws -> SQLiteDatabaseStore {
        try prepareFile(at: url)
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: url.path), logger: logger)
        } catch {
            throw ChatbotError(
                .unavailable,
                "cannot open the database at \(url.path): \(error)",
                hint: "check that the data directory is writable"
            )
        }
        let store = SQLiteDatabaseStore(url: url, connection: connection, logger: logger)
        do {
            try await store.configureConnection()
            if autoMigrate || validateSchema, await store.migrator.isCurrent() {
                // Up to date and intact: nothing to apply, nothing to refuse.
            } else if autoMigrate {
                // `up` validates first, so a newer or altered schema is refused here too.
                for step in try await store.migrator.up() {
                    logger.info(
                        "Applied schema migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
                }
            } else if validateSchema {
                try await store.migrator.validate()
            }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Runs `body` in a read transaction over a consistent WAL snapshot.
    public func withSnapshot<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await access.snapshot(body)
    }

    /// Runs `body` in one write transaction.
    public func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await access.transaction(body)
    }

    /// Runs `body` without a transaction: each statement commits by itself.
    public func withoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await access.perform(body)
    }

    /// Runs `body` without a transaction on a second connection, opened on first use, whose commits
    /// do not wait for the disk (`synchronous = NORMAL`; WAL keeps the file consistent, and a power
    /// failure may lose only the last such commits). The rate limiter writes a row per request: a
    /// sync for each was most of its cost. The two connections share SQLite's write lock, so a
    /// statement here waits (`busy_timeout`) while the main connection writes.
    public func withoutTransactionRelaxed<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let connection = try await relaxed.connection(url: url, logger: logger)
        // Single statements, so no gate; driver errors translated as on the main connection.
        return try await SQLDatabaseAccess(
            database: connection.sql(queryLogLevel: .trace), features: access.features, gate: nil
        ).perform(body)
    }

    /// Closes the connections. The store must not be used afterwards.
    public func close() async throws {
        try await relaxed.close()
        try await connection.close()
    }

    /// Runs `body` holding an `flock(2)` on `<database>.locks/<sha256 of name>.lock`, which every
    /// process using this database file on this host shares; the kernel releases it when the
    /// process dies. Waiting (``LockWaiting/wait(seconds:)``) tries again every half second.
    public func withNamedLock<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await FileLock.with(
            path: url.path + ".locks/" + NamedLockKey.fileName(name), name: name, waiting: waiting, body)
    }

    /// Per-connection settings. `busy_timeout` first, so the `journal_mode` switch waits for other
    /// processes instead of failing; WAL is persistent, the others last for the connection.
    private func configureConnection() async throws {
        let database = access.database
        for pragma in [
            "PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
        ] {
            try await database.raw(SQLQueryString(pragma)).run()
        }
    }

    /// Creates the parent directory (0700) and an empty database file (0600) when missing, so the
    /// database (and SQLite's -wal and -shm files, which copy its mode) is private to the user.
    private static func prepareFile(at url: URL) throws {
        let fileManager = FileManager.default
        let directory = url.deletingLastPathComponent()
        do {
            if !fileManager.fileExists(atPath: directory.path) {
                try fileManager.createDirectory(
                    at: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            }
            if !fileManager.fileExists(atPath: url.path) {
                guard fileManager.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
        } catch {
            throw ChatbotError(
                .unavailable,
                "cannot create the database at \(url.path)",
                hint: "check that \(directory.path) is writable, or set CHATBOT_DATA_DIR"
            )
        }
    }
}

/// The store's second connection, for ``SQLiteDatabaseStore/withoutTransactionRelaxed(_:)``: opened
/// once, on first use, and closed with the store.
private actor RelaxedConnection {
    private var opening: Task<SQLiteConnection, any Error>?
    private var closed = false

    func connection(url: URL, logger: Logger) async throws -> SQLiteConnection {
        guard !closed else { throw ChatbotError(.runtime, "the database at \(url.path) is closed") }
        if let opening { return try await opening.value }
        let task = Task<SQLiteConnection, any Error> {
            let connection = try await SQLiteConnection.open(storage: .file(path: url.path), logger: logger)
            do {
                for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL"] {
                    try await connection.sql().raw(SQLQueryString(pragma)).run()
                }
            } catch {
                try? await connection.close()
                throw error
            }
            return connection
        }
        opening = task
        do {
            return try await task.value
        } catch {
            opening = nil
            throw ChatbotError(.unavailable, "cannot open a second connection to \(url.path): \(error)")
        }
    }

    func close() async throws {
        closed = true
        guard let opening, let connection = try? await opening.value else { return }
        self.opening = nil
        try await connection.close()
    }
}
