import ArgumentParser
import ChatbotCore
import ChatbotServices
import ChatbotStorage
import Foundation

/// `chatbot migrate status|up|down`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Show and change the database schema version.",
        discussion: """
            Migrations are versioned SQL embedded in the binary, each recorded with a SHA-256 checksum; \
            an applied migration whose SQL changed is refused. The embedded SQLite store migrates itself \
            on first use; PostgreSQL (--database-url) is migrated only by this command, under an advisory \
            lock, so concurrent runs are safe. A database newer than this binary is refused.
            """,
        subcommands: [Status.self, Up.self, Down.self],
        defaultSubcommand: Status.self
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "List migrations and whether each is applied.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let store = try await context.services.databaseForMigration(validateSchema: false)
                let status = try await store.migrator.status()
                if json {
                    try JSONOutput.print(
                        StatusView(status, database: context.databaseDescription, backend: store.backend.description))
                    return
                }
                StandardOutput.write("database: \(context.databaseDescription) (\(store.backend))\n")
                StandardOutput.write("schema version: \(status.currentVersion) of \(status.latestVersion)")
                StandardOutput.write(
                    status.pending.isEmpty ? " (up to date)\n" : " (\(status.pending.count) pending)\n")
                var table = TextTable(columns: ["VERSION", "NAME", "STATE", "APPLIED"])
                for entry in status.entries {
                    table.add([
                        String(entry.version), entry.name, StatusView.state(entry),
                        entry.appliedAt.map { $0.formatted(.iso8601) } ?? "-",
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "up", abstract: "Apply pending migrations.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("to"), help: "Stop at this version (default: the latest).") var version: Int?
        @Flag(help: "Print the SQL without running it.") var dryRun = false

        func run() async throws {
            try await withMigrator(global) { store in
                let steps = try await store.migrator.up(to: version, dryRun: dryRun)
                report(steps, dryRun: dryRun, quiet: global.quiet, nothing: "already up to date")
                if !dryRun, !steps.isEmpty, let postgres = store as? PostgresDatabaseStore,
                    try await !postgres.vectorExtensionInstalled()
                {
                    StandardError.write("chatbot: warning: \(PostgresDatabaseStore.pgvectorMissingWarning)\n")
                }
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "down", abstract: "Revert migrations down to a version.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("to"), help: "Revert every migration above this version (0 reverts all).")
        var version: Int
        @Flag(help: "Print the SQL without running it.") var dryRun = false

        func validate() throws {
            guard version >= 0 else { throw ValidationError("--to must be 0 or more") }
        }

        func run() async throws {
            try await withMigrator(global) { store in
                let steps = try await store.migrator.down(to: version, dryRun: dryRun)
                report(steps, dryRun: dryRun, quiet: global.quiet, nothing: "nothing to revert")
            }
        }
    }

    private static func withMigrator(
        _ global: GlobalOptions, _ body: (any SQLDatabaseStore) async throws -> Void
    ) async throws {
        try await CommandContext.with(global) { context in
            try await body(try await context.services.databaseForMigration(validateSchema: true))
        }
    }

    private static func report(_ steps: [MigrationStep], dryRun: Bool, quiet: Bool, nothing: String) {
        if steps.isEmpty {
            if !quiet { StandardError.write("\(nothing)\n") }
            return
        }
        for step in steps {
            if dryRun {
                StandardOutput.write("-- \(step.direction.rawValue) \(step.version) \(step.name)\n")
                for statement in step.statements {
                    StandardOutput.write(statement.trimmingCharacters(in: .whitespacesAndNewlines) + ";\n")
                }
            } else if !quiet {
                StandardError.write("\(step.direction == .up ? "applied" : "reverted") \(step.version) \(step.name)\n")
            }
        }
    }
}

private struct StatusView: Encodable {
    struct Entry: Encodable {
        var version: Int
        var name: String
        var state: String
        var appliedAt: Date?
    }
    var backend: String
    var database: String
    var currentVersion: Int
    var latestVersion: Int
    var pending: Int
    var migrations: [Entry]

    init(_ status: MigrationStatus, database: String, backend: String) {
        self.database = database
        self.backend = backend
        currentVersion = status.currentVersion
        latestVersion = status.latestVersion
        pending = status.pending.count
        migrations = status.entries.map {
            Entry(version: $0.version, name: $0.name, state: Self.state($0), appliedAt: $0.appliedAt)
        }
    }

    static func state(_ entry: MigrationStatus.Entry) -> String {
        if !entry.isKnown { return "unknown (newer than this binary)" }
        if entry.checksumMismatch { return "altered (checksum mismatch)" }
        return entry.isApplied ? "applied" : "pending"
    }
}
