import ChatbotAccounts
import ChatbotCore
import ChatbotServer
import ChatbotServices
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A live `chatbot serve` application on port 0 over a real SQLite store in a temporary directory.
/// The chat provider is the real llama-server of `CHATBOT_TEST_LLAMA_URL` when set (Scripts/test
/// sets it); without it, tests that need answers are skipped.
struct ServerFixture: Sendable {
    let client: any TestClientProtocol
    let database: any SQLDatabaseStore
    let accounts: AccountService
    let keys: APIKeyService
    let admin: Caller
    /// Every route the server registers, as `METHOD /path/{capture}`.
    let routes: [(method: HTTPRequest.Method, path: String)]
    let tokens: TokenService
    /// Every line the server logged, at trace level.
    let logs: LogRecorder
    /// The PostgreSQL database the server uses, when it is not SQLite.
    let databaseURL: String?
    /// The object store the server uses (uploads, originals).
    let objects: any ObjectStore
    /// The data directory (SQLite and the object folder live under it).
    let dataDirectory: String

    /// PostgreSQL instead of SQLite for every fixture: `CHATBOT_TEST_SERVER_DATABASE=postgres`
    /// with `CHATBOT_TEST_POSTGRES_URL` (Scripts/test runs the server suites both ways).
    static var usesPostgres: Bool {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_SERVER_DATABASE"] == "postgres"
            && PostgresScratchDatabase.serverURL != nil
    }

    static let logger = Logger(label: "chatbot-server-tests")
    static var llamaURL: String? {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_LLAMA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var whisperURL: String? {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var embeddingsURL: String? {
        ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static let model = "llama:SmolLM2-135M-Instruct"
    /// The model's price (USD per million tokens), so answers have a cost to account.
    static let price = ModelPrice(inputPerMillion: 1_000, outputPerMillion: 2_000)
    static let hasher = PasswordHasher(cost: 4)
    static let password = "correct horse battery"

    static func with<T: Sendable>(
        options: ServerOptions = ServerOptions(host: "127.0.0.1", port: 0), setup: TestingSetup = .live,
        postgres: Bool = false, providerURL: String? = nil, withWorkers: Bool = false,
        _ body: @Sendable (ServerFixture) async throws -> T
    ) async throws -> T {
        // bcrypt at its lowest cost: dozens of tests hash at once on two cores. The production cost
        // is checked by the accounts tests.
        var options = options
        options.passwordHasher = hasher
        // Job workers only where a test asks for them (ServerJobTests): dozens of fixtures at once
        // would each poll the queue and, on PostgreSQL, hold a connection to LISTEN on.
        if !withWorkers { options.workers = 0 }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-server-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let providers = [
            "llama": ProviderSettings(
                name: "llama", baseURL: providerURL ?? llamaURL ?? "http://127.0.0.1:9/v1",
                defaultModel: "SmolLM2-135M-Instruct")
        ]
        let settings = ChatbotSettings(
            configFile: directory.appendingPathComponent("config.yaml").path,
            dataDirectory: directory.path, defaultModel: model, fallback: [], aliases: ["small": model],
            providers: providers, prices: [model: price], cacheResponses: false, maxAttempts: 1, connectTimeout: 2,
            idleTimeout: 30, local: LocalStackSettings(prefix: directory.path, stateDirectory: directory.path))
        var configured = settings
        if let embeddingsURL {
            configured.embeddings = EmbeddingSettings(
                provider: "local", model: "multilingual-e5-small", baseURL: embeddingsURL, sendsInputType: true)
        }
        let databaseURL: String? =
            if usesPostgres || postgres, let server = PostgresScratchDatabase.serverURL {
                try await PostgresScratchDatabase.create(on: server)
            } else {
                nil
            }
        configured.databaseURL = databaseURL
        if databaseURL != nil {
            // As `chatbot migrate up` before the first `serve` on PostgreSQL.
            try await ChatbotServices.with(settings: configured, logger: Logger(label: "migrate")) { migrating in
                try await migrating.databaseForMigration(validateSchema: true).migrator.up()
            }
        }
        if let whisperURL {
            configured.speech = SpeechSettings(model: "tiny.en", baseURL: whisperURL, language: "en")
        }
        let logs = LogRecorder()
        let logger = logs.logger(level: .trace)
        do {
            let result = try await run(
                settings: configured, logger: logger, logs: logs, options: options, setup: setup,
                databaseURL: databaseURL, body)
            if let databaseURL { try? await PostgresScratchDatabase.drop(databaseURL) }
            return result
        } catch {
            if let databaseURL { try? await PostgresScratchDatabase.drop(databaseURL) }
            throw error
        }
    }

    private static func run<T: Sendable>(
        settings configured: ChatbotSettings, logger: Logger, logs: LogRecorder, options: ServerOptions,
        setup: TestingSetup, databaseURL: String?, _ body: @Sendable (ServerFixture) async throws -> T
    ) async throws -> T {
        try await ChatbotServices.with(settings: configured, logger: logger) { services in
            let database = try await services.database()
            let accounts = AccountService(database: SQLStoreAccountsDatabase(database), hasher: hasher)
            let local = try await accounts.ensureLocalUser()
            let router = ChatbotServer.router(
                services: services, database: database, runner: AnswerRunner(),
                ledger: UsageLedger(store: database.conversations, logger: logger), options: ServerOptions())
            let routes = router.routes.map { (method: $0.method, path: "\($0.path)") }
            let app = ChatbotServer.application(
                services: services, database: database, options: options,
                logger: logger)
            return try await app.test(setup) { client in
                try await body(
                    ServerFixture(
                        client: client, database: database, accounts: accounts,
                        keys: APIKeyService(database: SQLStoreAccountsDatabase(database)), admin: .commandLine(local),
                        routes: routes,
                        tokens: TokenService(database: SQLStoreAccountsDatabase(database), accounts: accounts),
                        logs: logs, databaseURL: databaseURL, objects: try services.objectStore(),
                        dataDirectory: configured.dataDirectory))
            }
        }
    }

    /// Adds a user with ``password``.
    @discardableResult
    func addUser(_ name: String, role: Role = .member) async throws -> User {
        try await accounts.addUser(name: name, role: role, password: Self.password, by: admin)
    }

    /// Logs in and returns the parsed token answer.
    func login(_ name: String, password: String = ServerFixture.password) async throws -> [String: Any] {
        try await client.execute(
            uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(name)","password":"\#(password)"}"#)
        ) { response in
            try #require(response.status == .ok, "login of \(name): \(response.status)")
            return try Self.json(response.body)
        }
    }

    /// The access token of a fresh login.
    func token(_ name: String) async throws -> String {
        try #require(try await login(name)["access_token"] as? String)
    }

    static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static func text(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }
}
