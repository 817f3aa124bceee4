public import ChatbotBackup
public import ChatbotCore
import ChatbotS3
public import Foundation
public import Logging

/// Where backups live, named the way people write it: a directory, or
/// `s3://bucket/prefix?endpoint=…&region=…` (AWS credentials from the environment).
public enum BackupLocation {
    /// The destination named by `location`: a directory, or `s3://bucket/prefix?endpoint=…` (AWS
    /// credentials from the environment; the lock is a local file under `$XDG_STATE_HOME`).
    public static func destination(_ location: String, logger: Logger) throws -> any BackupDestination {
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
    public static func withArchive<T>(
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
}

extension Array where Element == String {
    /// The first element and the second one, if any.
    fileprivate func pairOrNil() -> (String, String?) {
        (first ?? "", count > 1 ? self[1] : nil)
    }
}
