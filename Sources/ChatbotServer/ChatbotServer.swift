public import ChatbotAccounts
public import ChatbotCore
public import ChatbotJobs
public import ChatbotServices
public import ChatbotStorage
public import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
public import Logging
import NIOCore
public import NIOSSL
public import ServiceLifecycle

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
    /// Where one JSON line per request goes; `nil`: nowhere.
    public var accessLog: AccessLog?
    /// The counters behind `/metrics`.
    public var metrics = ServerMetrics()
    /// A second listener on 127.0.0.1 that serves only `/metrics`, without credentials; `nil`:
    /// `/metrics` is on the main port for admins only.
    public var metricsPort: Int?
    /// A connection that sends nothing (no request, or a request's headers or body stalled) for this
    /// long is closed; a response being written is never cut.
    public var idleTimeout: Duration = .seconds(60)
    /// HTTPS instead of HTTP, for deployments without a proxy in front.
    public var tls: TLSConfiguration?
    /// Requests per minute per key, user and anonymous client address; none unless set (`serve`
    /// sets the configuration's `limits`).
    public var limits = LimitSettings.off
    /// The clock budgets count periods by (tests move it across a period's end).
    public var now: @Sendable () -> Date = { Date() }
    /// Job workers run in this process (`serve --workers`; 0: none, `chatbot worker` runs them).
    public var workers = 2
    /// How those workers behave (lease, poll interval, grace, kinds); `workers` sets the concurrency.
    public var workerOptions = JobWorker.Options()
    /// The largest upload accepted (`serve --max-upload`); 413 past it, with nothing kept.
    public var maxUploadBytes = 100 * 1_000_000
    /// `host:port` pairs URL jobs may fetch although their address is private (`serve --fetch-allow`).
    public var fetchAllowedHostPorts: Set<String> = []

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
        let ledger = UsageLedger(store: database.conversations, logger: logger)
        let signal = JobSignal()
        let queue = JobQueue(database: database)
        let router = router(
            services: services, database: database, runner: runner, ledger: ledger, options: options, jobs: queue,
            signal: signal)
        let sweeper = AbandonedAnswerSweeper(store: database.conversations, logger: logger)
        var background: [any Service] = [ledger, runner, sweeper]
        if options.workers > 0 {
            var workerOptions = options.workerOptions
            workerOptions.concurrency = options.workers
            background.append(
                JobWorker(
                    queue: queue,
                    handlers: JobHandlers.standard(
                        services: services, database: database, fetchAllowedHostPorts: options.fetchAllowedHostPorts),
                    options: workerOptions, signal: signal, observer: options.metrics, logger: logger))
        }
        if let metricsPort = options.metricsPort {
            background.append(
                metricsApplication(metrics: options.metrics, queue: queue, port: metricsPort, logger: logger))
        }
        return Application(
            responder: PlainHTTPResponder(base: router.buildResponder()),
            server: server(options, webSocketRouter: router),
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: "chatbot"),
            services: background,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    /// HTTP/1.1 with the idle timeout and header limits, upgrading `/api/ws` to a WebSocket
    /// (64 KiB frames, a ping every 30 s), behind the first-request guard, under TLS when configured.
    static func server(_ options: ServerOptions, webSocketRouter: Router<ServerContext>) -> HTTPServerBuilder {
        var http1 = HTTP1Channel.Configuration(idleTimeout: TimeAmount(options.idleTimeout))
        // 16 KiB per field and 64 KiB in all: far above any real client, far below a memory attack.
        http1.httpDecoder = .init(maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 64 << 10, maxHeaderFieldCount: 100)
        http1.additionalChannelHandlers = { [ExpectContinueHandler()] }
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1,
            ws: WebSocketServerConfiguration(
                maxFrameSize: WebSocketRoutes.maxMessageSize, autoPing: .enabled(timePeriod: .seconds(30))))
        let webSocketResponder = webSocketRouter.buildResponder()
        let tls = options.tls
        let idle = TimeAmount(options.idleTimeout)
        return HTTPServerBuilder { responder in
            let guarded = GuardedChildChannel(
                base: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                firstRequestTimeout: idle, maxHeaderBytes: 64 << 10)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
    }

    /// `/metrics` alone on 127.0.0.1:`port`, for a Prometheus on the same machine.
    public static func metricsApplication(metrics: ServerMetrics, queue: JobQueue?, port: Int, logger: Logger)
        -> some Service
    {
        let router = Router()
        router.get("/metrics") { _, _ in await MetricsRoute.response(metrics, queue: queue) }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "chatbot"),
            logger: logger)
    }

    /// Every route, with its middleware.
    public static func router(
        services: ChatbotServices, database: any SQLDatabaseStore, runner: AnswerRunner, ledger: UsageLedger,
        options: ServerOptions, jobs: JobQueue? = nil, signal: JobSignal = JobSignal()
    ) -> Router<ServerContext> {
        let queue = jobs ?? JobQueue(database: database)
        let accounts = ServerAccounts(
            database: SQLStoreAccountsDatabase(database), tokenSettings: options.tokens,
            passwordHasher: options.passwordHasher)
        let limits = RateLimits(
            settings: options.limits, limiter: SQLRateLimiter(database: SQLStoreAccountsDatabase(database)),
            slots: SQLStreamSlots(database: SQLStoreAccountsDatabase(database)))
        let budgets = ServerBudgets(
            settings: options.limits, budgetGuard: BudgetGuard(store: database.conversations, now: options.now))
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestHeadersMiddleware(sendsStrictTransportSecurity: options.tls != nil))
        router.add(middleware: AccessLogMiddleware(log: options.accessLog, metrics: options.metrics))
        router.add(middleware: CORSAllowListMiddleware(origins: options.corsOrigins))
        router.add(middleware: ProblemMiddleware())
        let methods = MethodNotAllowedMiddleware.Table()
        router.add(middleware: MethodNotAllowedMiddleware(table: methods))
        router.add(middleware: ClientAddressMiddleware(trusted: TrustedProxies(options.trustedProxies)))
        HealthRoutes(services: services, database: database).register(router)
        OpenAPIRoute().register(router)
        WebPageRoute().register(router)
        if options.metricsPort == nil {
            MetricsRoute(metrics: options.metrics, queue: queue)
                .register(router.group().add(middleware: AuthenticationMiddleware(accounts: accounts, limits: limits)))
        }

        let api = router.group("api")
        let authenticated = api.group().add(middleware: AuthenticationMiddleware(accounts: accounts, limits: limits))
        AuthRoutes(accounts: accounts, secureCookies: options.secureCookies)
            .register(
                public: api.group().add(middleware: AnonymousRateLimitMiddleware(limits: limits)),
                authenticated: authenticated)
        let registry = AnswerRegistry()
        let conversations = ConversationRoutes(
            services: services, database: database, runner: runner, registry: registry, metrics: options.metrics,
            budgets: budgets, limits: limits)
        conversations.register(authenticated)
        let messages = MessageRoutes(database: database, registry: registry)
        messages.register(authenticated)
        WebSocketRoutes(
            accounts: accounts, conversations: conversations, messages: messages, corsOrigins: options.corsOrigins,
            metrics: options.metrics
        ).register(api)
        CollectionRoutes(services: services, database: database).register(authenticated)
        UploadRoutes(
            services: services, database: database, queue: queue, signal: signal, maxUploadBytes: options.maxUploadBytes
        ).register(authenticated)
        JobRoutes(queue: queue, signal: signal).register(authenticated)
        AdminRoutes(accounts: accounts, limits: options.limits).register(authenticated)
        UsageRoutes(accounts: accounts, database: database, budgets: budgets).register(authenticated)

        let openAI = router.group("v1").add(middleware: AuthenticationMiddleware(accounts: accounts, limits: limits))
        OpenAIRoutes(services: services, ledger: ledger, metrics: options.metrics, budgets: budgets, limits: limits)
            .register(openAI)
        TranscriptionRoute(services: services).register(openAI)
        methods.set(router.routes.map { (method: $0.method, path: $0.path) })
        return router
    }
}
