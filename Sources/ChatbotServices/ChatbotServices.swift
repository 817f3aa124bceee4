public import AsyncHTTPClient
public import ChatbotChat
public import ChatbotCore
public import ChatbotLocalStack
public import ChatbotProviders
public import ChatbotRetrieval
import ChatbotS3
public import ChatbotSpeech
public import ChatbotStorage
public import ChatbotWeb
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Something the services tell the person or process using them, outside of logs.
public enum ServiceNotice: Sendable, Hashable {
    /// A managed local model server was down and is being started (this takes a while).
    case startingLocalServer(LocalServerKind)
}

/// The composition root shared by the CLI, the tests and the server: one place builds, from the
/// settings and a logger, everything a command or a request handler needs (the database and the
/// object store, one HTTP client, the chat stack with its fallback chain and the local-server
/// hook, the embedder, the speech service, the retriever, web fetchers) and owns their shutdown.
///
/// Parts are built on first use, so a command pays only for what it touches. Call
/// ``shutdown()`` when done (``with(settings:logger:onNotice:_:)`` does), or run the services in
/// a `ServiceGroup`: as a `Service` they shut down when the group does.
public final class ChatbotServices: Service, Sendable {
    /// The settings everything here was built from.
    public let settings: ChatbotSettings
    /// The logger handed to every part.
    public let logger: Logger
    /// The supervisor of the managed local model servers.
    public let localStack: LocalStackSupervisor
    private let onNotice: @Sendable (ServiceNotice) -> Void
    private let state = Mutex(State())

    private struct State {
        var httpClient: HTTPClient?
        var database: Task<any SQLDatabaseStore, any Error>?
        var objectStore: (any ObjectStore)?
        var fetchers: [WebFetcher] = []
        var isShutDown = false
    }

    /// Creates the services; nothing is opened until first asked for. `onNotice` hears of slow
    /// steps a person should know about (the CLI prints them unless `--quiet`).
    public init(
        settings: ChatbotSettings, logger: Logger, onNotice: @escaping @Sendable (ServiceNotice) -> Void = { _ in }
    ) {
        self.settings = settings
        self.logger = logger
        self.onNotice = onNotice
        localStack = LocalStackSupervisor(settings: settings.local, logger: logger)
    }

    /// Runs `body` with services built from `settings`, then shuts them down, whether `body`
    /// returns or throws.
    public static func with<T: Sendable>(
        settings: ChatbotSettings, logger: Logger, onNotice: @escaping @Sendable (ServiceNotice) -> Void = { _ in },
        _ body: (ChatbotServices) async throws -> T
    ) async throws -> T {
        let services = ChatbotServices(settings: settings, logger: logger, onNotice: onNotice)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(services))
        } catch {
            result = .failure(error)
        }
        await services.shutdown()
        return try result.get()
    }

    // MARK: - HTTP

    /// The timeouts of provider requests: connect and idle from the settings, no overall limit.
    public var providerTimeouts: ProviderTimeouts {
        ProviderTimeouts(
            connect: .milliseconds(Int(settings.connectTimeout * 1000)),
            idle: .milliseconds(Int(settings.idleTimeout * 1000)))
    }

    /// The one HTTP client of the providers, the speech service and S3: connect timeout from the
    /// settings, and a refused connection reported at once (retries are each caller's policy).
    public var httpClient: HTTPClient {
        state.withLock { state in
            if let client = state.httpClient { return client }
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: providerTimeouts.httpClientConfiguration())
            state.httpClient = client
            return client
        }
    }

    // MARK: - Storage

    /// The configured database, opened on first use: PostgreSQL when a database URL is set (which
    /// must already be migrated by `chatbot migrate up`), otherwise the embedded SQLite store,
    /// migrated on first use.
    public func database() async throws -> any SQLDatabaseStore {
        try await openDatabase {
            if let postgres = try self.postgresSettings {
                return try await PostgresDatabaseStore.open(
                    postgres, logger: self.logger, schemaCheck: .requireCurrent)
            }
            return try await SQLiteDatabaseStore.open(
                at: URL(fileURLWithPath: self.settings.databasePath), logger: self.logger, autoMigrate: true)
        }
    }

    /// The configured database opened for migrating it: never migrates; with `validateSchema`,
    /// refuses a newer or altered schema (a status report passes `false` to show them instead).
    /// Use either this or ``database()`` in one set of services.
    public func databaseForMigration(validateSchema: Bool) async throws -> any SQLDatabaseStore {
        try await openDatabase {
            if let postgres = try self.postgresSettings {
                return try await PostgresDatabaseStore.open(
                    postgres, logger: self.logger, schemaCheck: validateSchema ? .refuseNewer : .none,
                    maxConnections: 1)
            }
            return try await SQLiteDatabaseStore.open(
                at: URL(fileURLWithPath: self.settings.databasePath), logger: self.logger, autoMigrate: false,
                validateSchema: validateSchema)
        }
    }

    private func openDatabase(_ open: @escaping @Sendable () async throws -> any SQLDatabaseStore) async throws
        -> any SQLDatabaseStore
    {
        let task = try state.withLock { state in
            guard !state.isShutDown else { throw Self.shutDownError }
            if let task = state.database { return task }
            let task = Task { try await open() }
            state.database = task
            return task
        }
        return try await task.value
    }

    /// The PostgreSQL server of `database_url` (with the `PG*` variables), or `nil` for SQLite.
    public var postgresSettings: PostgresConnectionSettings? {
        get throws {
            guard let url = settings.databaseURL else { return nil }
            return try PostgresConnectionSettings(url: url, environment: settings.postgresEnvironment)
        }
    }

    /// The database in use, for people (a PostgreSQL URL without its password).
    public var databaseDescription: String {
        guard let url = settings.databaseURL else { return settings.databasePath }
        return (try? PostgresConnectionSettings(url: url, environment: settings.postgresEnvironment).redactedURL)
            ?? "<invalid database URL>"
    }

    /// The configured object store: S3 when `object_store` is set, else the folder of the data
    /// directory.
    public func objectStore() throws -> any ObjectStore {
        if let store = state.withLock({ $0.objectStore }) { return store }
        let store: any ObjectStore
        if let url = settings.objectStoreURL {
            let configuration = try S3Configuration(url: url, environment: settings.awsEnvironment)
            let client = try S3Client(
                configuration: configuration, environment: settings.awsEnvironment, httpClient: httpClient,
                logger: logger)
            store = S3ObjectStore(client: client)
        } else {
            store = FileSystemObjectStore(root: URL(fileURLWithPath: settings.objectsDirectory))
        }
        return state.withLock { state in
            if let existing = state.objectStore { return existing }
            state.objectStore = store
            return store
        }
    }

    /// The object store in use, for people.
    public var objectStoreDescription: String {
        settings.objectStoreURL ?? settings.objectsDirectory
    }

    // MARK: - Providers

    /// Starts the managed local server of `kind` when it is not answering its health check (a
    /// sub-millisecond loopback probe), telling ``ServiceNotice/startingLocalServer(_:)`` first.
    /// Serialised across processes by the supervisor.
    public func ensureLocalServer(_ kind: LocalServerKind) async throws {
        if try localStack.isHealthy(kind) { return }
        onNotice(.startingLocalServer(kind))
        _ = try await localStack.ensureRunning(kind)
    }

    /// The chat stack: the configured providers over the shared client, with retries, the
    /// fallback chain, and the managed local server started when it refuses the connection.
    public func chat() -> FallbackChatProvider {
        FallbackChatProvider(
            provider: OpenAICompatibleClient(httpClient: httpClient, timeouts: providerTimeouts, logger: logger),
            retryPolicy: RetryPolicy(maxAttempts: settings.maxAttempts),
            logger: logger,
            onConnectionRefused: { [self] candidate in
                guard candidate.endpoint.isManagedLocal else { return false }
                try await ensureLocalServer(.chat)
                return true  // started now or by a concurrent run: try again at once
            }
        )
    }

    /// An ask service over `store` (no history when `nil`) and the chat stack.
    public func askService(store: (any ConversationStore)?) -> AskService {
        AskService(settings: settings, store: store, chat: chat(), logger: logger)
    }

    /// The configured embedding provider (starting the managed local server on first use when it
    /// is the one configured), or `nil` when embeddings are turned off.
    public func embedder() throws -> (any EmbeddingProvider)? {
        guard let endpoint = try settings.embeddingEndpoint() else { return nil }
        var timeouts = providerTimeouts
        timeouts.request = .seconds(3600)
        let client = OpenAIEmbeddingClient(
            httpClient: httpClient, endpoint: endpoint, timeouts: timeouts,
            retry: RetryPolicy(maxAttempts: settings.maxAttempts))
        guard endpoint.endpoint.isManagedLocal else { return client }
        return LocallyStartedEmbedder(client: client, services: self)
    }

    /// The configured speech service. `windowSeconds` and `parallelRequests` override the
    /// settings.
    ///
    /// - Throws: ``ChatbotError`` `.usage` when no speech provider is configured.
    public func speech(windowSeconds: Double? = nil, parallelRequests: Int? = nil) throws -> SpeechService {
        SpeechService(
            settings: settings, endpoint: try settings.speechEndpoint(), httpClient: httpClient,
            windowSeconds: windowSeconds, parallelRequests: parallelRequests, logger: logger)
    }

    /// Transcribes media for ingest and ask through the transcript cache, starting the managed
    /// local speech server first when it is the one configured; `nil` when no speech provider is
    /// configured.
    public func mediaTranscription() -> MediaTranscription? {
        guard let speech = try? speech() else { return nil }
        let language = settings.speech.language
        return { [self] file, _ in
            if speech.endpoint.endpoint.isManagedLocal { try await ensureLocalServer(.speech) }
            let options = TranscriptionOptions(model: speech.endpoint.model, language: language)
            return try await speech.cachedTranscript(ofFile: file.path, options: options)
        }
    }

    /// The transcript of the media file at `path` with the configured speech service (the
    /// managed local server started first when it is the one configured), through the cache.
    public func transcript(ofFile path: String, language: String?, prompt: String?) async throws -> Transcript {
        let speech = try speech()
        let options = TranscriptionOptions(
            model: speech.endpoint.model, language: language ?? settings.speech.language, prompt: prompt)
        return try await speech.transcript(
            ofFile: path, options: options,
            prepareAudio: { [self] in
                if speech.endpoint.endpoint.isManagedLocal { try await ensureLocalServer(.speech) }
            })
    }

    // MARK: - Retrieval and the web

    /// Hybrid search over `store` with the configured embedder (full text only without one).
    public func retriever(store: any DatabaseStore) throws -> Retriever {
        Retriever(store: store, embedder: try embedder(), logger: logger)
    }

    /// A web fetcher (SSRF guard, pinned connections), shut down with the services.
    public func webFetcher(validatorCache: (any ValidatorCache)? = nil) throws -> WebFetcher {
        let fetcher = WebFetcher(validatorCache: validatorCache, logger: logger)
        try state.withLock { state in
            guard !state.isShutDown else { throw Self.shutDownError }
            state.fetchers.append(fetcher)
        }
        return fetcher
    }

    /// The validator cache of web fetches (ETag, Last-Modified), shared by every collection, in
    /// the user's cache folder.
    public var webValidatorCache: FileValidatorCache {
        FileValidatorCache(cacheHome: XDGDirectories(environment: ProcessInfo.processInfo.environment).cacheHome)
    }

    /// An ingest run into the configured stores with the configured embedder and speech service.
    public func ingestRun(
        store: any DatabaseStore, options: IngestOptions, jobs: Int, embed: Bool = true, fetcher: WebFetcher? = nil
    ) throws -> IngestRun {
        IngestRun(
            store: store, objects: try objectStore(), embedder: embed ? try embedder() : nil,
            transcribe: mediaTranscription(), fetcher: fetcher, options: options, jobs: jobs, logger: logger)
    }

    // MARK: - Lifecycle

    /// Waits for the service group's graceful shutdown, then closes everything.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes the database, the web fetchers and the HTTP client. The services must not be used
    /// afterwards; a second call does nothing.
    public func shutdown() async {
        let (database, fetchers, client) = state.withLock { state in
            defer {
                state.isShutDown = true
                state.database = nil
                state.fetchers = []
                state.httpClient = nil
                state.objectStore = nil
            }
            return (state.database, state.fetchers, state.httpClient)
        }
        if let database, let store = try? await database.value { try? await store.close() }
        for fetcher in fetchers { await fetcher.shutdown() }
        try? await client?.shutdown()
    }

    private static let shutDownError = ChatbotError(.runtime, "the services are shut down")
}

/// The managed local embedding server's client: when the server is not answering its health
/// check, it is started first.
struct LocallyStartedEmbedder: EmbeddingProvider {
    let client: OpenAIEmbeddingClient
    let services: ChatbotServices

    var model: String { client.model }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        try await services.ensureLocalServer(.embeddings)
        return try await client.embed(texts, purpose: purpose)
    }
}
