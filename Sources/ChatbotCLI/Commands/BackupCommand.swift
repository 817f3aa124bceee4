import ArgumentParser
import ChatbotBackup
import ChatbotBackupS3
import ChatbotCore
import ChatbotStorage
import Foundation
import Logging

/// `chatbot backup create|verify|list|prune|restore`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up, verify, list, prune and restore the database and object store.",
        discussion: """
            A backup is a directory chatbot-backup-<UTC time>/ holding manifest.json (format and \
            schema version, row counts, SHA-256 of every file), manifest.sig, tables/<name>.ndjson.zst \
            (one JSON object per row) and objects/ab/<sha256>.zst. The tables are dumped from one \
            consistent snapshot while other writers go on; the archive is portable between backends. \
            With --key-file or --passphrase-file every file is encrypted (AES-256-GCM) and the \
            manifest authenticated. A backup is written to .partial-<name>/ and renamed when \
            complete; a lock makes a second concurrent run exit 75. Destinations may also be \
            s3://bucket/prefix?endpoint=...&region=... (AWS credentials from the environment): the \
            backup is staged locally and uploaded with its manifest last.

            EXIT STATUS: 0 success; 1 failure (damaged backup, non-empty target without --force, \
            I/O error); 64 usage error; 69 database unavailable; 75 another backup or prune holds \
            the lock (retry later).
            """,
        subcommands: [Create.self, Verify.self, List.self, Prune.self, Restore.self]
    )

    /// `chatbot backup` alone prints the help.
    func run() async throws {
        throw CleanExit.helpRequest(self)
    }

    /// `--key-file` / `--passphrase-file`, shared by the subcommands that read or write data.
    struct KeyOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "Encrypt (or decrypt) with this key: 32 raw bytes or 64 hex characters.", valueName: "file"))
        var keyFile: String?

        @Option(
            help: ArgumentHelp(
                "Encrypt (or decrypt) with the passphrase on this file's first line (scrypt).", valueName: "file"))
        var passphraseFile: String?

        func validate() throws {
            if keyFile != nil && passphraseFile != nil {
                throw ValidationError("pass --key-file or --passphrase-file, not both")
            }
        }

        func load() throws -> BackupKey? {
            if let keyFile { return try BackupKey.fromKeyFile(keyFile) }
            if let passphraseFile { return try BackupKey.fromPassphraseFile(passphraseFile) }
            return nil
        }
    }

    /// Progress lines on stderr, only when it is a terminal and not `--quiet`.
    static func progressReporter(quiet: Bool) -> (@Sendable (BackupProgress) -> Void)? {
        guard !quiet, StandardError.isTerminal else { return nil }
        return { event in
            let total = event.total.map { "/\($0)" } ?? ""
            StandardError.write("\r\u{1B}[K\(event.item): \(event.done)\(total)")
            if let total = event.total, event.done == total { StandardError.write("\n") }
        }
    }

    /// The configured database and object store (filesystem or S3), closed with the context.
    static func withStores<T>(
        _ context: CommandContext, _ body: (any SQLDatabaseStore, any ObjectStore) async throws -> T
    ) async throws -> T {
        let objects = try context.openObjectStore()
        return try await body(try await context.openStore(), objects)
    }

    /// The destination named by `location` (see ``BackupLocation/destination(_:logger:)``).
    static func destination(_ location: String, logger: Logger) throws -> any BackupDestination {
        try BackupLocation.destination(location, logger: logger)
    }

    /// Runs `body` with the backup at `location` opened (see ``BackupLocation/withArchive(at:key:logger:_:)``).
    static func withArchive<T>(
        at location: String, key: BackupKey?, logger: Logger, _ body: (BackupArchive) async throws -> T
    ) async throws -> T {
        try await BackupLocation.withArchive(at: location, key: key, logger: logger, body)
    }

    /// A size for people.
    static func size(_ bytes: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
    }
}
