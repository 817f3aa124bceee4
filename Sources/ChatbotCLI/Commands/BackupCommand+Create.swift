import ArgumentParser
import ChatbotBackup
import Foundation

extension BackupCommand {
    /// `chatbot backup create --to DIR`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write a backup of the database and objects into a directory.",
            discussion: """
                Prints the backup's path (or, with --json, a report: path, bytes, rows per table, \
                objects, duration). Safe to run from cron while chatbot is in use.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var key: KeyOptions
        @Option(
            name: .customLong("to"),
            help: ArgumentHelp(
                "The directory, or s3://bucket/prefix?endpoint=...&region=..., to write the backup into.",
                valueName: "dir|url"))
        var destination: String
        @Option(help: "zstd compression level (1-19).") var level = 3
        @Flag(help: "Print a JSON report.") var json = false

        func validate() throws {
            guard (1...19).contains(level) else { throw ValidationError("--level must be between 1 and 19") }
        }

        func run() async throws {
            try await CommandContext.with(global) { context in
                let options = BackupCreateOptions(
                    compressionLevel: level, key: try key.load(), chatbotVersion: ChatbotCommand.version)
                let destination = try BackupCommand.destination(destination, logger: context.logger)
                let report = try await BackupCommand.withStores(context) { database, objects in
                    try await BackupCreator(database: database, objects: objects).create(
                        in: destination, options: options, progress: BackupCommand.progressReporter(quiet: global.quiet)
                    )
                }
                if json { return try JSONOutput.print(report) }
                StandardOutput.write(report.path + "\n")
                if !global.quiet {
                    let rows = report.rows.values.reduce(0, +)
                    StandardError.write(
                        "backed up \(rows) rows and \(report.objects) objects (\(BackupCommand.size(report.bytes))) in "
                            + String(format: "%.1f s\n", report.durationSeconds))
                }
            }
        }
    }
}
