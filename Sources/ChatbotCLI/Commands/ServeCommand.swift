import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import ChatbotJobs
import ChatbotServer
import ChatbotServices
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// `chatbot serve`: the HTTP API for a team, on the same store as the command line.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API: accounts, conversations with streamed answers, OpenAI-compatible /v1.",
        discussion: """
            Listens on 127.0.0.1:8080 unless --host/--port say otherwise; a public address is bound only \
            when given. Uses the same database and object store as the other commands (SQLite and the \
            data folder by default; PostgreSQL and S3 when configured). Create the first admin with \
            `chatbot users add NAME --role admin`, then log in with POST /api/auth/login or create an API \
            key with `chatbot keys create`. SIGTERM or Ctrl-C stops accepting connections and lets running \
            answers finish within --grace seconds.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address to listen on (default 127.0.0.1: this machine only).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("TCP port (0: any free port, printed at start-up).", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("Seconds running answers get to finish after SIGTERM.", valueName: "seconds"))
    var grace = 30

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A proxy whose X-Forwarded-For is believed: an address or CIDR block (repeatable).", valueName: "cidr"))
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("cors-origin"),
        help: ArgumentHelp(
            "An origin allowed to call the API from a browser (repeatable; none by default).", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(
        name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("metrics-port"),
        help: ArgumentHelp(
            "Serve /metrics without credentials on 127.0.0.1:PORT instead of for admins on the main port.",
            valueName: "port"))
    var metricsPort: Int?

    @Option(
        name: .customLong("access-log"),
        help: ArgumentHelp("Where one JSON line per request goes: stdout (default) or off.", valueName: "stdout|off"))
    var accessLog = "stdout"

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Seconds a connection may send nothing (idle, or a stalled request) before it is closed.",
            valueName: "seconds"))
    var idleTimeout = 60

    @Option(
        help: ArgumentHelp(
            "Background job workers in this process (0: none; run `chatbot worker` instead).", valueName: "n"))
    var workers = 2

    @Option(
        name: .customLong("max-upload"),
        help: ArgumentHelp("The largest upload accepted, in bytes (suffixes K, M, G: 100M).", valueName: "size"))
    var maxUpload = "100M"

    @Option(
        name: .customLong("fetch-allow"),
        help: ArgumentHelp(
            "A host:port URL jobs may fetch although its address is private (repeatable).", valueName: "host:port"))
    var fetchAllow: [String] = []

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let metricsPort, !(1...65535).contains(metricsPort) || metricsPort == port {
            throw ValidationError("--metrics-port must be between 1 and 65535 and differ from --port")
        }
        guard ["stdout", "off"].contains(accessLog) else {
            throw ValidationError("--access-log takes stdout or off, not '\(accessLog)'")
        }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second") }
        guard workers >= 0 else { throw ValidationError("--workers must not be negative") }
        guard Self.parseSize(maxUpload) != nil else {
            throw ValidationError("--max-upload takes a size like 100M or 2G, not '\(maxUpload)'")
        }
        var scratch4 = in_addr()
        var scratch6 = in6_addr()
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard grace >= 0 else { throw ValidationError("--grace must not be negative") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        for proxy in trustedProxies {
            let address = String(proxy.split(separator: "/").first ?? "")
            guard inet_pton(AF_INET, address, &scratch4) == 1 || inet_pton(AF_INET6, address, &scratch6) == 1 else {
                throw ValidationError("--trusted-proxy takes an address or CIDR block, not '\(proxy)'")
            }
        }
        for origin in corsOrigins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) || origin == "*"
        {
            throw ValidationError("--cors-origin takes an origin like https://app.example, not '\(origin)'")
        }
    }

    func run() async throws {
        let tls = try tlsConfiguration()
        try await CommandContext.with(global) { context in
            let database = try await context.openStore()
            let accounts = AccountService(database: SQLStoreAccountsDatabase(database))
            _ = try await accounts.ensureLocalUser()
            let hasUsers = try await accounts.users().contains { $0.hasPassword && !$0.isDisabled }
            let host = host
            let quiet = global.quiet
            var options = ServerOptions(
                host: host, port: port, secureCookies: tls != nil, trustedProxies: trustedProxies,
                corsOrigins: corsOrigins)
            options.tls = tls
            options.metricsPort = metricsPort
            options.accessLog = accessLog == "stdout" ? .standardOutput : nil
            options.idleTimeout = .seconds(idleTimeout)
            options.limits = context.services.settings.limits
            options.workers = workers
            options.workerOptions.grace = .seconds(max(0, grace - 1))
            options.maxUploadBytes = Self.parseSize(maxUpload) ?? options.maxUploadBytes
            options.fetchAllowedHostPorts = Set(fetchAllow)
            let scheme = tls == nil ? "http" : "https"
            let metricsPort = metricsPort
            let app = ChatbotServer.application(
                services: context.services, database: database, options: options, logger: context.logger
            ) { port in
                guard !quiet else { return }
                let shown = host.contains(":") ? "[\(host)]" : host
                var lines = [
                    "chatbot: listening on \(scheme)://\(shown):\(port) (\(context.services.databaseDescription))"
                ]
                if let metricsPort { lines.append("chatbot: metrics on http://127.0.0.1:\(metricsPort)/metrics") }
                if hasUsers {
                    lines.append(
                        "chatbot: log in with POST /api/auth/login, or use an API key from `chatbot keys create`")
                } else {
                    lines.append(
                        "chatbot: no user can log in yet: create one with `chatbot users add NAME --role admin`")
                }
                StandardError.write(lines.joined(separator: "\n") + "\n")
            }
            var configuration = ServiceGroupConfiguration(
                services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: context.logger)
            configuration.maximumGracefulShutdownDuration = .seconds(grace)
            try await ServiceGroup(configuration: configuration).run()
        }
    }

    /// The HTTPS settings from --tls-cert and --tls-key, checked now (readable, PEM, a key that
    /// matches the certificate) so a mistake stops the start, not the first client.
    private func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tlsCert, let tlsKey else { return nil }
        for path in [tlsCert, tlsKey] where !FileManager.default.isReadableFile(atPath: path) {
            throw ChatbotError(.usage, "cannot read '\(path)'")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tlsCert)
            guard !chain.isEmpty else { throw ChatbotError(.usage, "'\(tlsCert)' holds no PEM certificate") }
            let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            _ = try NIOSSLContext(configuration: configuration)
            return configuration
        } catch let error as ChatbotError {
            throw error
        } catch {
            throw ChatbotError(
                .usage, "--tls-cert/--tls-key: not a PEM certificate chain and a matching private key (\(error))")
        }
    }

    /// A byte count with an optional decimal suffix: `500000`, `512K`, `100M`, `2G`.
    static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1_000, "M": 1_000_000, "G": 1_000_000_000]
        var digits = text.uppercased()
        var multiplier = 1
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits.removeLast()
        }
        guard let value = Int(digits), value > 0, value <= Int.max / multiplier else { return nil }
        return value * multiplier
    }
}
