public import ChatbotCore
public import ChatbotStorage
import Crypto
public import Foundation
import SQLKit

/// Takes a backup: every table dumped inside one database snapshot, then every object, then the
/// manifest; written to a staging directory and published only when complete.
///
/// ```swift
/// let creator = BackupCreator(database: store, objects: objectStore)
/// let report = try await creator.create(in: LocalBackupDirectory(url: dir), options: options)
/// ```
///
/// Objects are content-addressed and never change, so copying them after the snapshot is safe:
/// every object a dumped row can refer to was stored before the row. An object that disappears
/// between listing and copying fails the backup.
public struct BackupCreator: Sendable {
    private let database: any SQLDatabaseStore
    private let objects: any ObjectStore
    private let clock: @Sendable () -> Date
    /// Whether PostgreSQL is dumped through libpq's COPY (the fast path) when it can be; tests
    /// turn it off to check the postgres-nio path against it.
    var usesCopyDump = true

    /// Creates a creator over a database and an object store.
    public init(
        database: any SQLDatabaseStore, objects: any ObjectStore, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.objects = objects
        self.clock = clock
    }

    /// Writes a backup into `destination` and returns what was written.
    ///
    /// - Throws: ``ChatbotError``: (`.temporary`) another backup holds the destination's lock;
    ///   (`.conflict`) a schema this binary cannot dump; (`.runtime`) I/O and database failures.
    ///   Nothing is published on failure.
    public func create(
        in destination: some BackupDestination,
        options: BackupCreateOptions,
        progress: (@Sendable (BackupProgress) -> Void)? = nil
    ) async throws -> BackupReport {
        let started = ContinuousClock.now
        let lock = try await destination.lock()
        do {
            let report = try await createLocked(
                in: destination, options: options, progress: progress, started: started)
            await lock.release()
            return report
        } catch {
            await lock.release()
            throw error
        }
    }

    private func createLocked(
        in destination: some BackupDestination,
        options: BackupCreateOptions,
        progress: (@Sendable (BackupProgress) -> Void)?,
        started: ContinuousClock.Instant
    ) async throws -> BackupReport {
        let startDate = clock()
        var name = BackupTime.name(startDate)
        if try await destination.list().contains(where: { $0.name == name }) {
            name += "-\(UUID().uuidString.prefix(8))"
        }
        let staging = try await destination.makeStagingDirectory(name: name)
        do {
            let report = try await write(
                into: staging, name: name, createdAt: startDate, options: options, progress: progress)
            let path = try await destination.publish(staging: staging, name: name)
            var final = report
            final.path = path
            final.durationSeconds = Self.seconds(ContinuousClock.now - started)
            return final
        } catch {
            destination.discard(staging: staging)
            throw error
        }
    }

    private func write(
        into staging: URL,
        name: String,
        createdAt: Date,
        options: BackupCreateOptions,
        progress: (@Sendable (BackupProgress) -> Void)?
    ) async throws -> BackupReport {
        let level = Int32(clamping: options.compressionLevel)
        var cipher: BackupCipher?
        var encryption: BackupManifest.Encryption?
        if let key = options.key { (cipher, encryption) = try BackupCipher.create(with: key) }
        let fileCipher = cipher

        // 1. Every table inside one snapshot.
        let (schemaVersion, tables) = try await dumpTables(
            into: staging, level: level, cipher: fileCipher, progress: progress)

        // 2. The objects (immutable and content-addressed: safe to copy after the snapshot).
        var objectEntries: [BackupManifest.ObjectEntry] = []
        let keys = try await objects.list().sorted()
        for (index, key) in keys.enumerated() {
            guard let content = try await objects.get(key) else {
                throw ChatbotError(.runtime, "object \(key) disappeared while it was being backed up")
            }
            guard Hex.string(SHA256.hash(data: content)) == key else {
                throw ChatbotError(
                    .runtime, "object \(key) in the object store does not match its key (damaged store)")
            }
            let path = "objects/\(key.prefix(2))/\(key).zst"
            let writer = try ArchiveFileWriter(directory: staging, path: path, level: level, cipher: fileCipher)
            try writer.write(content)
            let stored = try writer.finish()
            objectEntries.append(.init(key: key, file: path, sha256: stored.sha256, bytes: stored.bytes))
            progress?(BackupProgress(item: "objects", done: index + 1, total: keys.count))
        }

        // 3. The manifest, then its signature.
        let manifest = BackupManifest(
            formatVersion: BackupManifest.currentFormatVersion, createdAt: BackupTime.string(createdAt),
            chatbotVersion: options.chatbotVersion, backend: database.backend.description, schemaVersion: schemaVersion,
            compressionLevel: Int(level), tables: tables, objects: objectEntries, encryption: encryption)
        let manifestBytes = try BackupArchive.encoder.encode(manifest)
        let signature =
            cipher.map { "hmac-sha256 \($0.authenticate(manifest: manifestBytes))\n" }
            ?? "sha256 \(Hex.string(SHA256.hash(data: manifestBytes)))\n"
        try Self.writeSynchronized(manifestBytes, to: staging.appendingPathComponent(BackupArchive.manifestName))
        try Self.writeSynchronized(
            Data(signature.utf8), to: staging.appendingPathComponent(BackupArchive.signatureName))

        return BackupReport(
            path: staging.path, name: name,
            bytes: manifest.dataBytes + Int64(manifestBytes.count + signature.utf8.count),
            rows: Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0.rows) }), objects: objectEntries.count,
            schemaVersion: schemaVersion, encrypted: cipher != nil, durationSeconds: 0)
    }

    /// Dumps every table of the schema inside one snapshot: through libpq's COPY for PostgreSQL
    /// when it can (``PostgresCopyDump``), through the store's own snapshot otherwise.
    private func dumpTables(
        into staging: URL, level: Int32, cipher: BackupCipher?, progress: (@Sendable (BackupProgress) -> Void)?
    ) async throws -> (Int, [BackupManifest.TableEntry]) {
        if usesCopyDump, let postgres = database as? PostgresDatabaseStore,
            PostgresCopyDump.isUsable(for: postgres.settings),
            let dumped = try await PostgresCopyDump.withSnapshot(
                postgres.settings,
                { connection, version in
                    let schema = try BackupSchema.forVersion(version)
                    let entries = try schema.tables.map { table in
                        try Self.writeTable(table, into: staging, level: level, cipher: cipher, progress: progress) {
                            buffer, flush in
                            try PostgresCopyDump.dump(table, over: connection, into: &buffer, flush: flush)
                        }
                    }
                    return (version, entries)
                })
        {
            return dumped
        }
        return try await SnapshotSource.withSnapshot(of: database) { source in
            let version =
                try await source.sql.raw("SELECT MAX(version) AS version FROM schema_migrations").first()?
                .decode(column: "version", as: Int?.self) ?? 0
            let schema = try BackupSchema.forVersion(version)
            var entries: [BackupManifest.TableEntry] = []
            for table in schema.tables {
                entries.append(
                    try await Self.dump(
                        table, from: source, into: staging, level: level, cipher: cipher, progress: progress))
            }
            return (version, entries)
        }
    }

    /// Writes one table file: `produce` appends NDJSON to the buffer and calls the flush it is
    /// given whenever the buffer is worth writing; returns the row count.
    private static func writeTable(
        _ table: BackupSchema.Table, into staging: URL, level: Int32, cipher: BackupCipher?,
        progress: (@Sendable (BackupProgress) -> Void)?,
        produce: (inout [UInt8], (inout [UInt8], Int) throws -> Void) throws -> Int
    ) throws -> BackupManifest.TableEntry {
        let output = try TableFileOutput(table, in: staging, level: level, cipher: cipher, progress: progress)
        var buffer = TableFileOutput.makeBuffer()
        let rows = try produce(&buffer) { try output.write(&$0, rows: $1) }
        return try output.finish(buffer, rows: rows)
    }

    private static func dump(
        _ table: BackupSchema.Table,
        from source: SnapshotSource,
        into staging: URL,
        level: Int32,
        cipher: BackupCipher?,
        progress: (@Sendable (BackupProgress) -> Void)?
    ) async throws -> BackupManifest.TableEntry {
        let output = try TableFileOutput(table, in: staging, level: level, cipher: cipher, progress: progress)
        var buffer = TableFileOutput.makeBuffer()
        let rows: Int
        if let connection = source.postgres {
            rows = try await TableRows.dumpPostgresNDJSON(
                table, from: connection, logger: source.sql.logger, utf8: source.textIsUTF8, into: &buffer
            ) { try output.write(&$0, rows: $1) }
        } else {
            var written = 0
            rows = try await TableRows.dump(table, from: source.sql) { values in
                TableRows.appendLine(values, table: table, to: &buffer)
                written += 1
                if buffer.count >= TableFileOutput.flushThreshold { try output.write(&buffer, rows: written) }
            }
        }
        return try output.finish(buffer, rows: rows)
    }

    private static func writeSynchronized(_ data: Data, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw ChatbotError(.runtime, "cannot create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
