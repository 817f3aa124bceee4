import ArgumentParser
import ChatbotBackup
import ChatbotCore
import Foundation

extension BackupCommand {
    /// `chatbot backup list DIR`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the backups in a directory, newest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The backup directory or s3:// URL.", valueName: "dir|url")) var directory: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let backups = try await BackupCommand.destination(directory, logger: context.logger).list()
                if json { return try JSONOutput.print(backups) }
                var table = TextTable(columns: ["NAME", "CREATED", "SIZE", "SCHEMA", "ROWS", "OBJECTS", "ENCRYPTED"])
                for backup in backups {
                    table.add([
                        backup.name, backup.createdAt.formatted(.iso8601), BackupCommand.size(backup.bytes),
                        String(backup.schemaVersion), String(backup.rows), String(backup.objects),
                        backup.encrypted ? "yes" : "no",
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    /// `chatbot backup prune DIR --keep-last N --keep-daily N --keep-weekly N`.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Delete old backups, keeping the newest and one per recent day and week.",
            discussion: """
                Keeps the newest --keep-last backups, the newest backup of each of the last \
                --keep-daily days (UTC, today included) and of each of the last --keep-weekly ISO \
                weeks; deletes the rest, and any .partial- directory a killed run left. Prints what is \
                deleted (or, with --dry-run, what would be).
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The backup directory or s3:// URL.", valueName: "dir|url")) var directory: String
        @Option(help: "Keep the newest N backups.") var keepLast = 0
        @Option(help: "Keep the newest backup of each of the last N days.") var keepDaily = 0
        @Option(help: "Keep the newest backup of each of the last N ISO weeks.") var keepWeekly = 0
        @Flag(help: "Show what would be deleted; delete nothing.") var dryRun = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard keepLast >= 0, keepDaily >= 0, keepWeekly >= 0 else {
                throw ValidationError("--keep-* values must be 0 or more")
            }
            guard BackupRetention(keepLast: keepLast, keepDaily: keepDaily, keepWeekly: keepWeekly).keepsSomething
            else {
                throw ValidationError("pass at least one of --keep-last, --keep-daily, --keep-weekly above 0")
            }
        }

        func run() async throws {
            try await CommandContext.with(global) { context in
                let destination = try BackupCommand.destination(directory, logger: context.logger)
                let lock = try await destination.lock()
                let policy = BackupRetention(keepLast: keepLast, keepDaily: keepDaily, keepWeekly: keepWeekly)
                let keep: [BackupSummary]
                let delete: [BackupSummary]
                var abandoned: [String] = []
                do {
                    (keep, delete) = policy.apply(to: try await destination.list(), now: Date())
                    if !dryRun {
                        for backup in delete { try await destination.remove(name: backup.name) }
                        abandoned = try await destination.removeAbandonedStaging()
                    }
                    await lock.release()
                } catch {
                    await lock.release()
                    throw error
                }
                if json {
                    return try JSONOutput.print(
                        PruneView(
                            kept: keep.map(\.name), deleted: delete.map(\.name), abandonedPartials: abandoned,
                            dryRun: dryRun))
                }
                for backup in delete {
                    StandardOutput.write((dryRun ? "would delete " : "deleted ") + backup.location + "\n")
                }
                if !global.quiet {
                    StandardError.write("kept \(keep.count), \(dryRun ? "would delete" : "deleted") \(delete.count)\n")
                }
            }
        }
    }
}

private struct PruneView: Encodable {
    var kept: [String]
    var deleted: [String]
    var abandonedPartials: [String]
    var dryRun: Bool
}
