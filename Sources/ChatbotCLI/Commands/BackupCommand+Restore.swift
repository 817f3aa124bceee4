import ArgumentParser
import ChatbotBackup
import Foundation

extension BackupCommand {
    /// `chatbot backup verify PATH`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a backup: manifest, every file's SHA-256, decryption, decompression and row counts."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var key: KeyOptions
        @Argument(
            help: ArgumentHelp("The backup: a directory, or s3://bucket/prefix/<name>?....", valueName: "path|url"))
        var path: String
        @Flag(help: "Print a JSON report.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let result = try await BackupCommand.withArchive(at: path, key: try key.load(), logger: context.logger)
                {
                    try $0.verify(progress: BackupCommand.progressReporter(quiet: global.quiet))
                }
                if json { return try JSONOutput.print(result) }
                StandardOutput.write(
                    "ok: \(result.path): schema \(result.schemaVersion), \(result.rows.values.reduce(0, +)) rows, "
                        + "\(result.objects) objects, \(BackupCommand.size(result.bytes))\n")
            }
        }
    }

    /// `chatbot backup restore PATH`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Restore a backup into the configured (empty) database and object store.",
            discussion: """
                The backup is verified in full before anything is written. A target holding any row \
                or object is refused unless --force, which replaces its contents in one transaction. \
                The target may be another backend than the one backed up: this is how to move from \
                the embedded store to PostgreSQL and S3.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var key: KeyOptions
        @Argument(
            help: ArgumentHelp("The backup: a directory, or s3://bucket/prefix/<name>?....", valueName: "path|url"))
        var path: String
        @Flag(help: "Replace the contents of a non-empty target.") var force = false
        @Flag(help: "Print a JSON report.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let report = try await BackupCommand.withArchive(at: path, key: try key.load(), logger: context.logger)
                {
                    archive in
                    try await BackupCommand.withStores(context) { database, objects in
                        try await BackupRestorer(database: database, objects: objects).restore(
                            archive, replace: force, progress: BackupCommand.progressReporter(quiet: global.quiet))
                    }
                }
                if json { return try JSONOutput.print(report) }
                if !global.quiet {
                    StandardError.write(
                        "restored \(report.rows.values.reduce(0, +)) rows and \(report.objects) objects from \(report.path)\n"
                    )
                }
            }
        }
    }
}
