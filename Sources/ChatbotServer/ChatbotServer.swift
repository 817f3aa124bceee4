public import ChatbotAccounts
public import ChatbotServices
public import ChatbotStorage
import Foundation
public import Hummingbird
public import Logging

/// How `chatbot serve` listens.
public struct ServerOptions: Sendable {
    /// The address to bind; loopback unless told otherwise.
    public var host: String
    /// The TCP port (0: any free one).
    public var port: Int
    /// Access and refresh token lifetimes, issuer and audience.
    public var tokens: TokenSettings
    /// Whether refresh cookies carry `Secure` (TLS in front).
    public var secureCookies: Bool
    /// Proxies whose `X-Forwarded-For` is believed: addresses or IPv4/IPv6 CIDR blocks.
    public var trustedProxies: [String]
    /// Origins allowed to call the API from a browser (CORS); none by default.
    public var corsOrigins: [String]
    /// How passwords are hashed: bcrypt at cost 12 unless a test says otherwise.
    public var passwordHasher = PasswordHasher()

    /// Options; the defaults listen on 127.0.0.1:8080 without `Secure` cookies.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, tokens: TokenSettings = TokenSettings(),
        secureCookies: Bool = false, trustedProxies: [String] = [], corsOrigins: [String] = []
    ) {
        self.trustedProxies = trustedProxies
        self.corsOrigins = corsOrigins
        self.host = host
        self.port = port
        self.tokens = tokens
        self.secureCookies = secureCookies
    }
}

/// The HTTP API over the library: the routes of each feature on one router, behind request ids,
/// security headers, problem answers and authentication, run as a Hummingbird application with
/// the ``AnswerRunner`` in its service group.
public enum ChatbotServer {
    /// The application, not yet running. `onRunning` hears the bound port once it listens.
    public static func application(
        services: ChatbotServices, database: any SQLDatabaseStore, options: ServerOptions, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let runner = AnswerRunner()
        let router = router(services: services, database: database, runner: runner, options: options)
        let sweeper = AbandonedAnswerSweeper(store: database.conversations, logger: logger)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: "chatbot"),
            services: [runner, sweeper],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    /// Every route, with its middleware.
    public static func router(
        services: ChatbotServices, database: any SQLDatabaseStore, runner: AnswerRunner, options: ServerOptions
    ) -> Router<ServerContext> {
        let accounts = ServerAccounts(
            database: SQLStoreAccountsDatabase(database), tokenSettings: options.tokens,
            passwordHasher: options.passwordHasher)
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestHeadersMiddleware())
        router.add(middleware: CORSAllowListMiddleware(origins: options.corsOrigins))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: ClientAddressMiddleware(trusted: TrustedProxies(options.trustedProxies)))
        HealthRoutes(services: services, database: database).register(router)

        let api = router.group("api")
        let authenticated = api.group().add(middleware: AuthenticationMiddleware(accounts: accounts))
        AuthRoutes(accounts: accounts, secureCookies: options.secureCookies)
            .register(public: api, authenticated: authenticated)
        let registry = AnswerRegistry()
        ConversationRoutes(services: services, database: database, runner: runner, registry: registry)
            .register(authenticated)
        MessageRoutes(database: database, registry: registry).register(authenticated)
        AdminRoutes(accounts: accounts).register(authenticated)

        let openAI = router.group("v1").add(middleware: AuthenticationMiddleware(accounts: accounts))
        OpenAIRoutes(services: services).register(openAI)
        return router
    }
}
