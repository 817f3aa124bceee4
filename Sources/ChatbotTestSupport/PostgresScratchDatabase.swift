public import ChatbotStorage
import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// Throw-away databases on a test PostgreSQL server (`Scripts/start-postgres`, trust
/// authentication): one per test, created empty and dropped afterwards.
public enum PostgresScratchDatabase {
    /// The server URL of `CHATBOT_TEST_POSTGRES_URL`, when set.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates an empty database on the server at `serverURL` and returns its URL.
    public static func create(on serverURL: String) async throws -> String {
        let name = "chatbot_s_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer("CREATE DATABASE \(name)", serverURL: serverURL)
        var components = try require(URLComponents(string: serverURL))
        components.path = "/" + name
        return try require(components.string)
    }

    /// Drops a database made by ``create(on:)``, closing its remaining sessions.
    public static func drop(_ databaseURL: String) async throws {
        let settings = try PostgresConnectionSettings(url: databaseURL)
        try await administer("DROP DATABASE IF EXISTS \(settings.database) WITH (FORCE)", serverURL: databaseURL)
    }

    private static func administer(_ sql: String, serverURL: String) async throws {
        let server = try PostgresConnectionSettings(url: serverURL)
        var configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password,
            database: "postgres", tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "postgres-scratch")
        logger.logLevel = .error
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
        ).get()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// `#require` without Testing: a nil is a thrown error.
private func `require`<T>(_ value: T?) throws -> T {
    guard let value else { throw PostgresScratchError() }
    return value
}

private struct PostgresScratchError: Error {}
