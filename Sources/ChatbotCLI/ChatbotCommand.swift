public import ArgumentParser
import ChatbotCore
import Foundation

/// The root `chatbot` command.
public struct ChatbotCommand: AsyncParsableCommand {
    /// The version printed by `--version`.
    public static let version = ChatbotVersion.current

    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "chatbot",
        abstract: "Ask questions of an AI model, keep a searchable history, and run it offline on a local model stack.",
        discussion: """
            chatbot is one binary with composable subcommands. Data goes to stdout; progress, \
            warnings and errors go to stderr. `-` means stdin. With no configuration it answers from a \
            local llama.cpp server that Scripts/setup installs and chatbot starts on demand.

            EXIT STATUS: 0 success; 1 runtime failure; 2 partial failure; 64 usage error (bad flags or \
            configuration); 69 a required service is unavailable (model server, database); 75 temporary \
            failure worth retrying (rate limited, busy, timed out); 130 interrupted (Ctrl-C).
            """,
        version: version,
        subcommands: [
            AskCommand.self,
            IngestCommand.self,
            SearchCommand.self,
            CollectionsCommand.self,
            TranscribeCommand.self,
            HistoryCommand.self,
            MigrateCommand.self,
            BackupCommand.self,
            UsersCommand.self,
            KeysCommand.self,
            AuditCommand.self,
            ServeCommand.self,
            WorkerCommand.self,
            JobsCommand.self,
            ConfigCommand.self,
            LocalCommand.self,
            ScrapeCommand.self,
            ExtractCommand.self,
        ]
    )

    /// Creates the command (used by the argument parser).
    public init() {}

    /// Parses the process arguments, runs the chosen subcommand and exits with the documented code.
    public static func run(arguments: [String]? = nil) async -> Never {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)  // usage errors (64), --help, --version
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            ErrorReporter.report(error, exitUsing: Self.self)
        }
    }
}
