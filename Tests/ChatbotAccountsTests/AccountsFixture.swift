import ChatbotCore
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

@testable import ChatbotAccounts

/// Logs nothing: migrations and drivers would drown the test output.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var closure: @Sendable () -> Date { { self.now } }
}

/// A backend the account suites run on: SQLite always, PostgreSQL when
/// `CHATBOT_TEST_POSTGRES_URL` names a server (each test gets its own database).
struct AccountsBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> OpenedDatabase

    var testDescription: String { name }

    struct OpenedDatabase: Sendable {
        let database: any AccountsDatabase
        /// The store behind it, for the conversation store and raw SQL.
        let conversations: any ConversationStore
        let close: @Sendable () async throws -> Void
    }

    static let sqlite = AccountsBackend(name: "sqlite") {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-accounts-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await SQLiteDatabaseStore.open(
            at: directory.appendingPathComponent("chatbot.sqlite"), logger: quietLogger)
        return OpenedDatabase(
            database: store, conversations: store.conversations,
            close: {
                try await store.close()
                try? FileManager.default.removeItem(at: directory)
            })
    }

    static func postgres(url: String) -> AccountsBackend {
        AccountsBackend(name: "postgres") {
            let scratch = try await PostgresScratchDatabase.create(on: url)
            do {
                let store = try await PostgresDatabaseStore.open(
                    try PostgresConnectionSettings(url: scratch), logger: quietLogger, schemaCheck: .refuseNewer,
                    maxConnections: 2)
                try await store.migrator.up()
                return OpenedDatabase(
                    database: store, conversations: store.conversations,
                    close: {
                        try await store.close()
                        try await PostgresScratchDatabase.drop(scratch)
                    })
            } catch {
                try? await PostgresScratchDatabase.drop(scratch)
                throw error
            }
        }
    }

    /// SQLite, and PostgreSQL when the variable is set.
    static let all: [AccountsBackend] = {
        var backends = [sqlite]
        if let url = ProcessInfo.processInfo.environment["CHATBOT_TEST_POSTGRES_URL"], !url.isEmpty {
            backends.append(postgres(url: url))
        }
        return backends
    }()
}

/// The services of one test on a fresh database, with a hand-moved clock and a cheap bcrypt cost.
struct AccountsFixture: Sendable {
    let opened: AccountsBackend.OpenedDatabase
    let clock: TestClock
    let accounts: AccountService
    let tokens: TokenService
    let keys: APIKeyService
    let audit: AuditLog
    let admin: Caller

    var database: any AccountsDatabase { opened.database }

    /// Opens a fixture, runs `body`, and closes it whether `body` throws or not.
    static func with<T: Sendable>(
        _ backend: AccountsBackend, settings: TokenSettings = TokenSettings(), cost: UInt8 = 4,
        _ body: (AccountsFixture) async throws -> T
    ) async throws -> T {
        let opened = try await backend.open()
        do {
            let clock = TestClock()
            let accounts = AccountService(
                database: opened.database, hasher: PasswordHasher(cost: cost), now: clock.closure)
            let local = try await accounts.ensureLocalUser()
            let fixture = AccountsFixture(
                opened: opened, clock: clock, accounts: accounts,
                tokens: TokenService(
                    database: opened.database, accounts: accounts, settings: settings, now: clock.closure),
                keys: APIKeyService(database: opened.database, now: clock.closure),
                audit: AuditLog(database: opened.database, now: clock.closure),
                admin: .commandLine(local))
            let result = try await body(fixture)
            try await opened.close()
            return result
        } catch {
            try? await opened.close()
            throw error
        }
    }

    static let password = "correct horse battery"

    /// Adds a user with ``password``.
    @discardableResult
    func addUser(_ name: String, role: Role = .member) async throws -> User {
        try await accounts.addUser(name: name, role: role, password: Self.password, by: admin)
    }

    /// Runs one query and returns its rows.
    func rows(_ query: SQLQueryString) async throws -> [any SQLRow] {
        try await database.withTransaction { sql in try await sql.raw(query).all() }
    }

    /// Runs one statement.
    func run(_ query: SQLQueryString) async throws {
        try await database.withTransaction { sql in try await sql.raw(query).run() }
    }
}

/// Whether `body` throws a ``ChatbotError`` of `kind`.
func expectError(
    _ kind: ChatbotError.Kind, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    do {
        _ = try await body()
        Issue.record("expected a \(kind) error, got none", sourceLocation: sourceLocation)
    } catch let error as ChatbotError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a ChatbotError, got \(error)", sourceLocation: sourceLocation)
    }
}
