import ArgumentParser
import ChatbotBackup
import ChatbotBackupS3
import ChatbotCore
import ChatbotS3
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

    /// Opens the configured database and object store (filesystem or S3), runs `body`, and closes both.
    static func withStores<T>(
        _ context: CommandContext, _ body: (any SQLDatabaseStore, any ObjectStore) async throws -> T
    ) async throws -> T {
        let objects = try context.openObjectStore()
        let store: any SQLDatabaseStore
        do {
            store = try await context.openStore()
        } catch {
            await objects.close()
            throw error
        }
        do {
            let result = try await body(store, objects.store)
            try await store.close()
            await objects.close()
            return result
        } catch {
            try? await store.close()
            await objects.close()
            throw error
        }
    }

    /// The destination named by `location`: a directory, or `s3://bucket/prefix?endpoint=…` (AWS
    /// credentials from the environment; the lock is a local file under `$XDG_STATE_HOME`).
    static func destination(_ location: String, logger: Logger) throws -> any BackupDestination {
        guard location.hasPrefix("s3://") else {
            if location.contains("://") {
                throw ChatbotError(
                    .usage, "'\(location)' is neither a directory nor an s3:// URL",
                    hint: "pass a directory or s3://bucket/prefix?endpoint=…&region=…")
            }
            return LocalBackupDirectory(url: URL(fileURLWithPath: location, isDirectory: true))
        }
        let environment = ProcessInfo.processInfo.environment
        let configuration = try S3Configuration(url: location, environment: environment)
        let client = try S3Client(configuration: configuration, environment: environment, logger: logger)
        let lockName = String(
            "\(configuration.bucket)/\(configuration.prefix)".map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        )
        let lockDirectory = URL(fileURLWithPath: XDGDirectories(environment: environment).stateHome, isDirectory: true)
            .appendingPathComponent("chatbot/backup-locks/\(lockName)", isDirectory: true)
        return S3BackupDestination(client: client, lockDirectory: lockDirectory, logger: logger)
    }

    /// Runs `body` with the backup at `location` opened: a directory as it is, or an
    /// `s3://bucket/prefix/<backup name>?…` URL downloaded to a temporary directory first.
    static func withArchive<T>(
        at location: String, key: BackupKey?, logger: Logger, _ body: (BackupArchive) async throws -> T
    ) async throws -> T {
        guard location.hasPrefix("s3://") else {
            _ = try destination(location, logger: logger)  // refuses other URLs
            return try await body(BackupArchive(at: URL(fileURLWithPath: location, isDirectory: true), key: key))
        }
        let (base, query) = location.split(separator: "?", maxSplits: 1).map(String.init).pairOrNil()
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let slash = trimmed.lastIndex(of: "/"), trimmed.distance(from: trimmed.startIndex, to: slash) > 4 else {
            throw ChatbotError(
                .usage, "'\(location)' does not name a backup", hint: "s3://bucket/prefix/chatbot-backup-…")
        }
        let name = String(trimmed[trimmed.index(after: slash)...])
        let parent = String(trimmed[..<slash]) + (query.map { "?" + $0 } ?? "")
        guard let s3 = try destination(parent, logger: logger) as? S3BackupDestination else {
            throw ChatbotError(.usage, "'\(location)' does not name a backup")
        }
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-backup-download-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let local = try await s3.download(name: name, into: temporary)
        return try await body(BackupArchive(at: local, key: key))
    }

    /// A size for people.
    static func size(_ bytes: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
    }
}

extension Array where Element == String {
    /// The first element and the second one, if any.
    fileprivate func pairOrNil() -> (String, String?) {
        (first ?? "", count > 1 ? self[1] : nil)
    }
}
