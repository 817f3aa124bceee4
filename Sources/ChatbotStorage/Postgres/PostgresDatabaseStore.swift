public import ChatbotCore
import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
public import SQLKit

/// The production database: a pool of PostgreSQL connections (postgres-kit over postgres-nio).
///
/// ```swift
/// let settings = try PostgresConnectionSettings(url: "postgres://chatbot@db/chatbot", environment: env)
/// let store = try await PostgresDatabaseStore.open(settings, logger: logger)
/// let conversation = try await store.conversations.createConversation(title: "hello")
/// try await store.close()
/// ```
///
/// Unlike the embedded store, PostgreSQL is migrated only by `chatbot migrate`: opening with
/// ``SchemaCheck/requireCurrent`` refuses a schema with pending migrations (as well as a newer or
/// altered one). Each transaction gets its own pooled connection, so there is no
/// ``SerialExecutionGate``.
public final class PostgresDatabaseStore: SQLDatabaseStore {
    /// What ``open(_:logger:schemaCheck:maxConnections:)`` checks about the schema.
    public enum SchemaCheck: Sendable, Hashable {
        /// Every known migration must be applied and none altered; a newer schema is refused.
        /// What every command but `chatbot migrate` uses.
        case requireCurrent
        /// Refuse only a newer or altered schema (`migrate up` / `down`).
        case refuseNewer
        /// Check nothing (`migrate status`, which reports the problems instead).
        case none
    }

    /// Where the server is (the password is not part of its description).
    public let settings: PostgresConnectionSettings
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
    /// Always ``DatabaseBackend/postgres``.
    public var backend: DatabaseBackend { .postgres }
    /// Whether the pgvector extension is installed in this database, so vector columns can have
    /// an HNSW index. When `false`, vector search scans exactly. Read when the store opens.
    public let supportsVectorIndex: Bool

    private let pool: PostgresConnectionPool
    let access: SQLDatabaseAccess

    private init(
        settings: PostgresConnectionSettings,
        pool: PostgresConnectionPool,
        access: SQLDatabaseAccess,
        supportsVectorIndex: Bool
    ) {
        self.settings = settings
        self.pool = pool
        self.access = access
        self.supportsVectorIndex = supportsVectorIndex
        let vectors = SQLVectorStore(access: access)
        self.conversationStore = SQLConversationStore(access: access)
        self.conversations = conversationStore
        self.vectors = vectors
        self.documents = SQLDocumentStore(access: access, vectors: vectors)
        self.migrator = Migrator(access: access, migrations: access.features.migrations)
    }

    /// The message logged (once per `chatbot migrate up`) when pgvector is missing.
    public static let pgvectorMissingWarning = "pgvector not available: vector search will use an exact scan"

    /// Connects to the server and checks the schema.
    ///
    /// - Parameters:
    ///   - settings: The server, from ``PostgresConnectionSettings/init(url:environment:)``.
    ///   - logger: Receives pool, query (trace) and migration logs.
    ///   - schemaCheck: What to require of the schema (see ``SchemaCheck``).
    ///   - maxConnections: Pooled connections per event loop.
    /// - Throws: ``ChatbotError`` (`.unavailable`) when the server cannot be reached or the
    ///   schema has pending migrations; (`.conflict`) for a newer or altered schema.
    public static func open(
        _ settings: PostgresConnectionSettings,
        logger: Logger,
        schemaCheck: SchemaCheck = .requireCurrent,
        maxConnections: Int = 4
    ) async throws -> PostgresDatabaseStore {
        let configuration = try makeConfiguration(settings)
        let poolLogger = poolLogger(logger)
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: max(1, maxConnections),
            requestTimeout: .seconds(10),
            pruneInterval: .seconds(60),
            logger: poolLogger,
            on: group
        )
        let features = DatabaseBackend.postgres.features
        let access = SQLDatabaseAccess(
            database: pool.database(logger: poolLogger).sql(queryLogLevel: .trace), features: features, gate: nil)
        do {
            let vector = try await vectorExtensionInstalled(access)
            let store = PostgresDatabaseStore(
                settings: settings, pool: PostgresConnectionPool(pool: pool), access: access,
                supportsVectorIndex: vector)
            try await store.check(schemaCheck)
            return store
        } catch {
            try? await pool.shutdownAsync()
            throw error
        }
    }

    /// Whether the pgvector extension is installed now (after a migration may have created it).
    public func vectorExtensionInstalled() async throws -> Bool {
        try await Self.vectorExtensionInstalled(access)
    }

    private static func vectorExtensionInstalled(_ access: SQLDatabaseAccess) async throws -> Bool {
        try await access.perform { database in
            try await database.raw(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed"
            ).first()?.decode(column: "installed", as: Bool.self) ?? false
        }
    }

    /// Runs `body` in one REPEATABLE READ READ ONLY transaction on one pooled connection.
    public func withSnapshot<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await access.snapshot(body)
    }

    /// Runs `body` in one read-write transaction on one pooled connection.
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

    /// Runs `body` in one REPEATABLE READ READ ONLY transaction on one pooled connection, with
    /// direct access to the postgres-nio connection (streamed reads of raw cells for backups).
    public func withSnapshotSession<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        try await withSession(beginning: access.features.beginSnapshotSQL, body)
    }

    /// Runs `body` in one read-write transaction on one pooled connection, with direct access to
    /// the postgres-nio connection (`COPY … FROM STDIN` for restores).
    public func withTransactionSession<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        try await withSession(beginning: access.features.beginTransactionSQL, body)
    }

    private func withSession<T: Sendable>(
        beginning begin: String, _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        let logger = access.database.logger
        let pool = self.pool.pool
        let connection: PostgresConnection
        do {
            connection = try await pool.requestConnection(logger: logger).get()
        } catch {
            throw access.features.translate(error)
        }
        defer { pool.releaseConnection(connection, logger: logger) }
        let session = PostgresSession(
            connection: connection, sql: connection.sql(queryLogLevel: .trace), logger: logger)
        do {
            try await session.sql.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(session)
                try await session.sql.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await session.sql.raw("ROLLBACK").run()
                } catch let rollbackError {
                    logger.warning("Rollback failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
                }
                throw error
            }
        } catch {
            throw access.features.translate(error)
        }
    }

    /// Calls `onNotification` at every `NOTIFY` on `channel`, over a connection of its own (a
    /// pooled one would be handed to other work), until the task is cancelled or the connection
    /// fails (thrown).
    public func listen(on channel: String, _ onNotification: @escaping @Sendable () -> Void) async throws {
        let logger = Self.poolLogger(access.database.logger)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: try Self.makeConfiguration(settings).coreConfiguration, id: 0, logger: logger
        ).get()
        do {
            try await withTaskCancellationHandler {
                try await connection.listen(on: channel) { notifications in
                    for try await _ in notifications { onNotification() }
                }
            } onCancel: {
                // Ends the listen above; the connection is kept until the close completes.
                connection.close().whenComplete { _ in _ = connection }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// Closes every pooled connection. The store must not be used afterwards.
    public func close() async throws {
        try await pool.pool.shutdownAsync()
    }

    /// Runs `body` holding a session advisory lock (keyed by the first 8 bytes of the name's
    /// SHA-256) on one pooled connection, so runs on different hosts exclude each other too; the
    /// server releases it when the connection drops. Waiting (``LockWaiting/wait(seconds:)``) tries
    /// again every half second.
    public func withNamedLock<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withAdvisoryLock(name, waiting: waiting, body)
    }

    private func check(_ schemaCheck: SchemaCheck) async throws {
        switch schemaCheck {
        case .none:
            return
        case .refuseNewer:
            try await migrator.validate()
        case .requireCurrent:
            try await migrator.validate()
            let status = try await migrator.status()
            guard status.pending.isEmpty else {
                throw ChatbotError(
                    .unavailable,
                    "the database schema is at version \(status.currentVersion), this chatbot needs \(status.latestVersion)",
                    hint: "run `chatbot migrate up`"
                )
            }
        }
    }

    /// The pool logs every failed connection attempt as an error; the caller gets the same
    /// failure as a ``ChatbotError``, so pool and driver logs show only when debugging (`-v`).
    private static func poolLogger(_ logger: Logger) -> Logger {
        var poolLogger = logger
        if logger.logLevel > .debug { poolLogger.logLevel = .critical }
        return poolLogger
    }

    /// postgres-nio's configuration for `settings`: TCP with the TLS mode, or a unix socket.
    static func makeConfiguration(_ settings: PostgresConnectionSettings) throws -> SQLPostgresConfiguration {
        if let socket = settings.unixSocketPath {
            return SQLPostgresConfiguration(
                unixDomainSocketPath: socket, username: settings.username, password: settings.password,
                database: settings.database)
        }
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch settings.sslMode {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateVerification = .none
                let context = try NIOSSLContext(configuration: configuration)
                tls = settings.sslMode == .prefer ? .prefer(context) : .require(context)
            case .verifyCA, .verifyFull:
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateVerification =
                    settings.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
                tls = .require(try NIOSSLContext(configuration: configuration))
            }
        } catch {
            throw ChatbotError(.usage, "cannot set up TLS for PostgreSQL: \(error)")
        }
        return SQLPostgresConfiguration(
            hostname: settings.host, port: settings.port, username: settings.username,
            password: settings.password, database: settings.database, tls: tls)
    }
}
