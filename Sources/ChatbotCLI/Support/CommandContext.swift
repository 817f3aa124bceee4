import AsyncHTTPClient
import ChatbotCore
import ChatbotLocalStack
import ChatbotS3
import ChatbotStorage
import Foundation
import Logging

/// The state every subcommand shares, built once per run: settings, logger, and (on demand) the
/// store and the local stack supervisor.
struct CommandContext {
    let settings: ChatbotSettings
    let logger: Logger
    let options: GlobalOptions

    /// Loads settings, with command-line values taking precedence over everything else.
    static func make(_ options: GlobalOptions, overrides: [String: String] = [:]) async throws -> CommandContext {
        var values = overrides
        if let dataDir = options.dataDir { values["data_dir"] = dataDir }
        if let databaseURL = options.databaseURL { values["database_url"] = databaseURL }
        if let objectStore = options.objectStore { values["object_store"] = objectStore }
        let loader = SettingsLoader(overrides: values, configFile: options.config)
        let settings = try await loader.load()
        var logger = Logger(label: "chatbot")
        logger.logLevel = options.verbose ? .debug : (options.quiet ? .error : .warning)
        return CommandContext(settings: settings, logger: logger, options: options)
    }

    /// Opens the configured store: PostgreSQL when a database URL is set (which must already be
    /// migrated by `chatbot migrate up`), otherwise the embedded SQLite store, migrating it on first use.
    func openStore() async throws -> any SQLDatabaseStore {
        if let postgres = try postgresSettings {
            return try await PostgresDatabaseStore.open(postgres, logger: logger, schemaCheck: .requireCurrent)
        }
        return try await SQLiteDatabaseStore.open(
            at: URL(fileURLWithPath: settings.databasePath), logger: logger, autoMigrate: true)
    }

    /// Opens the configured store for `chatbot migrate`: never migrates; with `validateSchema`,
    /// refuses a newer or altered schema (`status` passes `false` to report them instead).
    func openStoreForMigration(validateSchema: Bool) async throws -> any SQLDatabaseStore {
        if let postgres = try postgresSettings {
            return try await PostgresDatabaseStore.open(
                postgres, logger: logger, schemaCheck: validateSchema ? .refuseNewer : .none, maxConnections: 1)
        }
        return try await SQLiteDatabaseStore.open(
            at: URL(fileURLWithPath: settings.databasePath), logger: logger, autoMigrate: false,
            validateSchema: validateSchema)
    }

    /// The database in use, for people (a PostgreSQL URL without its password).
    var databaseDescription: String {
        guard let url = settings.databaseURL else { return settings.databasePath }
        return (try? PostgresConnectionSettings(url: url, environment: settings.postgresEnvironment).redactedURL)
            ?? "<invalid database URL>"
    }

    /// The PostgreSQL server of `database_url` (with the `PG*` variables), or `nil` for SQLite.
    var postgresSettings: PostgresConnectionSettings? {
        get throws {
            guard let url = settings.databaseURL else { return nil }
            return try PostgresConnectionSettings(url: url, environment: settings.postgresEnvironment)
        }
    }

    /// Opens the configured object store: S3 when `object_store` is set, else the filesystem store.
    /// Call ``OpenedObjectStore/close()`` when done.
    func openObjectStore() throws -> OpenedObjectStore {
        guard let url = settings.objectStoreURL else {
            let root = URL(fileURLWithPath: settings.objectsDirectory)
            return OpenedObjectStore(store: FileSystemObjectStore(root: root), httpClient: nil)
        }
        let configuration = try S3Configuration(url: url, environment: settings.awsEnvironment)
        var httpConfiguration = HTTPClient.Configuration()
        // Report an unreachable endpoint at once; S3Client retries by itself.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        do {
            let client = try S3Client(
                configuration: configuration, environment: settings.awsEnvironment, httpClient: httpClient,
                logger: logger)
            return OpenedObjectStore(store: S3ObjectStore(client: client), httpClient: httpClient)
        } catch {
            try? httpClient.syncShutdown()
            throw error
        }
    }

    /// The object store in use, for people.
    var objectStoreDescription: String {
        settings.objectStoreURL ?? settings.objectsDirectory
    }

    /// The supervisor of the managed local servers.
    var localStack: LocalStackSupervisor {
        LocalStackSupervisor(settings: settings.local, logger: logger)
    }
}
