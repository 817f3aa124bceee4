import ChatbotCore
public import Foundation

/// A local directory holding backups as `chatbot-backup-<time>/` subdirectories.
///
/// A backup is written into `.partial-<name>/` and renamed into place when complete, so a killed
/// run never leaves anything that looks like a finished backup.
public struct LocalBackupDirectory: BackupDestination {
    /// The directory.
    public let url: URL

    /// Uses `url` (created when missing, mode 0700).
    public init(url: URL) {
        self.url = url
    }

    /// The directory's path.
    public var location: String { url.path }

    static let stagingPrefix = ".partial-"

    /// Creates the directory if needed and takes its lock.
    public func lock() async throws -> any BackupLock {
        try createDirectory()
        return try BackupDirectoryLock(directory: url)
    }

    /// Creates `.partial-<name>/`, replacing one a killed run left.
    public func makeStagingDirectory(name: String) async throws -> URL {
        try createDirectory()
        let staging = url.appendingPathComponent(Self.stagingPrefix + name, isDirectory: true)
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(
            at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return staging
    }

    /// Renames the staging directory to `name` and flushes the directory entry.
    public func publish(staging: URL, name: String) async throws -> String {
        let final = url.appendingPathComponent(name, isDirectory: true)
        guard !FileManager.default.fileExists(atPath: final.path) else {
            throw ChatbotError(.conflict, "a backup named \(name) already exists in \(url.path)")
        }
        guard rename(staging.path, final.path) == 0 else {
            throw ChatbotError(
                .runtime, "cannot rename \(staging.path) to \(final.path): \(String(cString: strerror(errno)))")
        }
        if let handle = try? FileHandle(forReadingFrom: url) {
            try? handle.synchronize()
            try? handle.close()
        }
        return final.path
    }

    /// Removes the staging directory.
    public func discard(staging: URL) {
        try? FileManager.default.removeItem(at: staging)
    }

    /// Every subdirectory with a readable manifest, newest first. Others are skipped.
    public func list() async throws -> [BackupSummary] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ChatbotError(.notFound, "there is no backup directory \(url.path)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return
            names
            .filter { !$0.hasPrefix(".") }
            .compactMap { name -> BackupSummary? in
                let directory = url.appendingPathComponent(name, isDirectory: true)
                guard let manifest = try? BackupArchive.readManifest(in: directory) else { return nil }
                return BackupSummary(manifest, name: name, location: directory.path)
            }
            .sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) }
    }

    /// Deletes the backup `name` (a plain name inside the directory, nothing else).
    public func remove(name: String) async throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw ChatbotError(.usage, "'\(name)' is not a backup name")
        }
        try FileManager.default.removeItem(at: url.appendingPathComponent(name, isDirectory: true))
    }

    /// Deletes every `.partial-*` directory (only safe with the lock held).
    public func removeAbandonedStaging() async throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        var removed: [String] = []
        for name in names where name.hasPrefix(Self.stagingPrefix) {
            try FileManager.default.removeItem(at: url.appendingPathComponent(name, isDirectory: true))
            removed.append(name)
        }
        return removed
    }

    private func createDirectory() throws {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ChatbotError(
                .runtime, "cannot create the backup directory \(url.path)", hint: "check the path and its permissions")
        }
    }
}

extension BackupSummary {
    /// The summary of a backup with this manifest.
    public init(_ manifest: BackupManifest, name: String, location: String) {
        self.init(
            name: name,
            location: location,
            createdAt: BackupTime.date(from: manifest.createdAt) ?? .distantPast,
            schemaVersion: manifest.schemaVersion,
            backend: manifest.backend,
            rows: manifest.totalRows,
            objects: manifest.objects.count,
            bytes: manifest.dataBytes,
            encrypted: manifest.encryption != nil
        )
    }
}
