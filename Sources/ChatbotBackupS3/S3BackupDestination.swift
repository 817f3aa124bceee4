public import ChatbotBackup
import ChatbotCore
public import ChatbotS3
public import Foundation
public import Logging
import NIOCore

/// Backups under an S3 prefix: `<prefix>/chatbot-backup-<time>/…`, the same layout as a directory.
///
/// A backup is staged in a local temporary directory and uploaded on publish, data files first,
/// `manifest.sig` next and `manifest.json` last: a listing only shows backups whose manifest
/// exists, so an interrupted upload never looks complete (prune deletes its leftovers). The lock is
/// ``S3BackupLock``: an object created with a conditional PUT, so runs on different hosts exclude
/// each other too, plus a local `flock` in `lockDirectory`.
public struct S3BackupDestination: BackupDestination {
    /// The client, configured with the bucket and prefix.
    public let client: S3Client
    /// Where the local lock file lives.
    public let lockDirectory: URL
    /// How old (by the time in its name) an upload without a manifest must be before
    /// ``removeAbandonedStaging()`` deletes it.
    public let abandonedAfter: TimeInterval
    /// How old a lock object must be before another run takes it over.
    public let staleLockAfter: TimeInterval
    private let logger: Logger
    private let clock: @Sendable () -> Date

    /// Creates a destination; `lockDirectory` is created when missing.
    public init(
        client: S3Client, lockDirectory: URL, abandonedAfter: TimeInterval = 24 * 3600,
        staleLockAfter: TimeInterval = 12 * 3600, logger: Logger = Logger(label: "chatbot.backup.s3"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.lockDirectory = lockDirectory
        self.abandonedAfter = abandonedAfter
        self.staleLockAfter = staleLockAfter
        self.logger = logger
        self.clock = clock
    }

    /// `s3://bucket/prefix`.
    public var location: String {
        let prefix = client.configuration.prefix
        return "s3://\(client.configuration.bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
    }

    /// Takes the prefix's lock (``S3BackupLock``), shared by every host.
    public func lock() async throws -> any BackupLock {
        try await mapping {
            try await S3BackupLock.acquire(
                client: client, lockDirectory: lockDirectory, staleAfter: staleLockAfter, now: clock(), logger: logger)
        }
    }

    /// A local temporary directory.
    public func makeStagingDirectory(name: String) async throws -> URL {
        let staging = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-backup-staging-\(UUID().uuidString)", isDirectory: true)
            .appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(
            at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return staging
    }

    /// Uploads the staged files (manifest last) and removes the staging directory.
    public func publish(staging: URL, name: String) async throws -> String {
        var files = try Self.relativeFiles(in: staging)
        let last = ["manifest.sig", "manifest.json"]
        files = files.filter { !last.contains($0) } + last
        for file in files {
            _ = try await mapping {
                try await client.uploadMultipart(
                    "\(name)/\(file)", fileAt: staging.appendingPathComponent(file), concurrency: 2)
            }
        }
        discard(staging: staging)
        return "\(location)/\(name)"
    }

    /// Removes the local staging directory (and its temporary parent).
    public func discard(staging: URL) {
        try? FileManager.default.removeItem(at: staging.deletingLastPathComponent())
    }

    /// Every backup whose manifest is present, newest first.
    public func list() async throws -> [BackupSummary] {
        var summaries: [BackupSummary] = []
        for name in try await groups().filter(\.value).map(\.key) {
            guard let bytes = try await mapping({ try await client.getObject("\(name)/manifest.json") }),
                let manifest = try? BackupManifest.decoded(from: Data(bytes.readableBytesView))
            else { continue }
            summaries.append(BackupSummary(manifest, name: name, location: "\(location)/\(name)"))
        }
        return summaries.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) }
    }

    /// Deletes every object of the backup `name`.
    public func remove(name: String) async throws {
        guard !name.isEmpty, !name.contains("/") else {
            throw ChatbotError(.usage, "'\(name)' is not a backup name")
        }
        for object in try await objects(of: name) {
            try await mapping { try await client.deleteObject(object.key) }
        }
    }

    /// Deletes the objects of uploads that never got their manifest and are older than
    /// ``abandonedAfter`` (by the time in their name; a name without one is left alone).
    public func removeAbandonedStaging() async throws -> [String] {
        let cutoff = clock().addingTimeInterval(-abandonedAfter)
        let abandoned = try await groups().filter { name, complete in
            guard !complete, let started = Self.date(inName: name) else { return false }
            return started < cutoff
        }.map(\.key).sorted()
        for name in abandoned { try await remove(name: name) }
        return abandoned
    }

    /// Downloads the backup `name` into `directory/name` and returns that directory.
    public func download(name: String, into directory: URL) async throws -> URL {
        let target = directory.appendingPathComponent(name, isDirectory: true)
        let objects = try await objects(of: name)
        guard objects.contains(where: { $0.key == "\(name)/manifest.json" }) else {
            throw ChatbotError(.notFound, "there is no backup \(name) in \(location)")
        }
        for object in objects {
            let relative = String(object.key.dropFirst(name.count + 1))
            guard !relative.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { continue }
            let file = target.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            _ = try await mapping { try await client.downloadObject(object.key, to: file, concurrency: 2) }
        }
        return target
    }

    /// The objects of the backup `name`. Listed by the bare name, then filtered: a prefix ending
    /// in `/` is valid S3, but some S3-protocol servers (moto) mis-verify its signature.
    private func objects(of name: String) async throws -> [S3ListPage.Object] {
        try await mapping { try await client.listAllObjects(prefix: name) }.filter { $0.key.hasPrefix(name + "/") }
    }

    /// Backup names under the prefix, each with whether its manifest is present.
    private func groups() async throws -> [String: Bool] {
        var groups: [String: Bool] = [:]
        for object in try await mapping({ try await client.listAllObjects() }) {
            let parts = object.key.split(separator: "/", maxSplits: 1)
            guard parts.count == 2, parts[0].hasPrefix("chatbot-backup-") else { continue }
            let name = String(parts[0])
            groups[name] = (groups[name] ?? false) || parts[1] == "manifest.json"
        }
        return groups
    }

    /// The UTC time in `chatbot-backup-20260102T030405Z…`.
    static func date(inName name: String) -> Date? {
        let digits = Array(name.dropFirst("chatbot-backup-".count).prefix(16))
        guard digits.count == 16, digits[8] == "T", digits[15] == "Z",
            let year = Int(String(digits[0..<4])), let month = Int(String(digits[4..<6])),
            let day = Int(String(digits[6..<8])), let hour = Int(String(digits[9..<11])),
            let minute = Int(String(digits[11..<13])), let second = Int(String(digits[13..<15]))
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    private static func relativeFiles(in directory: URL) throws -> [String] {
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    /// Turns ``S3Error``s into the user-facing ``ChatbotError`` naming the bucket and endpoint.
    private func mapping<T>(_ body: () async throws -> T) async throws -> T {
        try await client.mappingErrors(body)
    }
}
