import ChatbotCore
import ChatbotLocalStack
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
        let loader = SettingsLoader(overrides: values, configFile: options.config)
        let settings = try await loader.load()
        var logger = Logger(label: "chatbot")
        logger.logLevel = options.verbose ? .debug : (options.quiet ? .error : .warning)
        return CommandContext(settings: settings, logger: logger, options: options)
    }

    /// Opens the embedded store, migrating it on first use.
    func openStore() async throws -> SQLiteDatabaseStore {
        try await SQLiteDatabaseStore.open(
            at: URL(fileURLWithPath: settings.databasePath), logger: logger, autoMigrate: true)
    }

    /// The supervisor of the managed local servers.
    var localStack: LocalStackSupervisor {
        LocalStackSupervisor(settings: settings.local, logger: logger)
    }
}
