import ChatbotCore
import ChatbotLocalStack
import ChatbotServices
import ChatbotStorage
import Foundation
import Logging

/// The state every subcommand shares, built once per run: settings, logger, and the library's
/// composition root (``ChatbotServices``), whose parts open on first use and close when the
/// command's body ends.
struct CommandContext {
    let settings: ChatbotSettings
    let logger: Logger
    let options: GlobalOptions
    let services: ChatbotServices

    /// Loads settings (command-line values take precedence over everything else), builds the
    /// services, runs `body`, and shuts the services down whether `body` returns or throws.
    static func with<T: Sendable>(
        _ options: GlobalOptions, overrides: [String: String] = [:], _ body: (CommandContext) async throws -> T
    ) async throws -> T {
        let (settings, logger) = try await load(options, overrides: overrides)
        let quiet = options.quiet
        let notice: @Sendable (ServiceNotice) -> Void = { notice in Self.print(notice, quiet: quiet) }
        return try await ChatbotServices.with(settings: settings, logger: logger, onNotice: notice) { services in
            try await body(CommandContext(settings: settings, logger: logger, options: options, services: services))
        }
    }

    /// The settings and logger of `options`, for commands that open nothing.
    static func load(_ options: GlobalOptions, overrides: [String: String] = [:]) async throws -> (
        ChatbotSettings, Logger
    ) {
        var values = overrides
        if let dataDir = options.dataDir { values["data_dir"] = dataDir }
        if let databaseURL = options.databaseURL { values["database_url"] = databaseURL }
        if let objectStore = options.objectStore { values["object_store"] = objectStore }
        let loader = SettingsLoader(overrides: values, configFile: options.config)
        let settings = try await loader.load()
        var logger = Logger(label: "chatbot")
        logger.logLevel = options.verbose ? .debug : (options.quiet ? .error : .warning)
        return (settings, logger)
    }

    /// The configured store (see ``ChatbotServices/database()``); closed with the context.
    func openStore() async throws -> any SQLDatabaseStore {
        try await services.database()
    }

    /// The configured object store; closed with the context.
    func openObjectStore() throws -> any ObjectStore {
        try services.objectStore()
    }

    /// The database in use, for people (a PostgreSQL URL without its password).
    var databaseDescription: String { services.databaseDescription }

    /// The object store in use, for people.
    var objectStoreDescription: String { services.objectStoreDescription }

    /// The supervisor of the managed local servers.
    var localStack: LocalStackSupervisor { services.localStack }

    private static func print(_ notice: ServiceNotice, quiet: Bool) {
        guard !quiet else { return }
        switch notice {
        case .startingLocalServer(.chat): StandardError.write("chatbot: starting the local model server…\n")
        case .startingLocalServer(.embeddings): StandardError.write("chatbot: starting the local embedding server…\n")
        case .startingLocalServer(.speech): StandardError.write("chatbot: starting the local speech server…\n")
        }
    }
}
