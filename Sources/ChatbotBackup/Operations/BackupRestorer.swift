public import ChatbotCore
public import ChatbotStorage
import Foundation
import PostgresNIO
import SQLKit

/// Restores a backup into a database and object store of any backend, through the
/// ``SQLDatabaseStore`` and ``ObjectStore`` protocols only.
///
/// Every file's SHA-256 is checked against the manifest before the target is touched; rows are
/// decompressed, parsed and counted as they are loaded, inside the transaction. The target must
/// be empty unless `replace` is set; then its rows are deleted in the same transaction that inserts the backup's,
/// so a failure leaves the database as it was. Rows go in parent tables first (conversations,
/// then messages), with their original keys; full-text indexes are rebuilt by the insert
/// triggers. The target is migrated to the backup's schema version first and to this binary's
/// latest version afterwards.
public struct BackupRestorer: Sendable {
    private let database: any SQLDatabaseStore
    private let objects: any ObjectStore

    /// Creates a restorer into a database and an object store.
    public init(database: any SQLDatabaseStore, objects: any ObjectStore) {
        self.database = database
        self.objects = objects
    }

    /// Checks every file of `archive` against its manifest, then restores it.
    ///
    /// - Throws: ``ChatbotError``: (`.conflict`) the target is not empty and `replace` is off, or
    ///   the backup's schema is newer than this binary; (`.runtime`) a damaged backup.
    public func restore(
        _ archive: BackupArchive,
        replace: Bool = false,
        progress: (@Sendable (BackupProgress) -> Void)? = nil
    ) async throws -> BackupRestoreReport {
        let started = ContinuousClock.now
        try archive.verifyChecksums(progress: progress)
        let schema = try archive.schema()
        let migrator = database.migrator
        guard schema.version <= migrator.latestVersion else {
            throw ChatbotError(
                .conflict,
                "the backup has schema version \(schema.version) but this chatbot knows up to \(migrator.latestVersion)",
                hint: "upgrade chatbot")
        }

        // The target must be empty (or replacing must be asked for).
        let status = try await migrator.status()
        let existingObjects = Set(try await objects.list())
        let existingRows = status.currentVersion == 0 ? 0 : try await countRows(schemaVersion: status.currentVersion)
        if (existingRows > 0 || !existingObjects.isEmpty) && !replace {
            throw ChatbotError(
                .conflict,
                "the target store is not empty (\(existingRows) rows, \(existingObjects.count) objects)",
                hint: "restore into an empty data directory or database, or ask to replace its contents",
                reason: .restoreTargetNotEmpty)
        }

        // Bring the schema to the backup's version.
        if status.currentVersion > schema.version { try await migrator.down(to: schema.version) }
        try await migrator.up(to: schema.version)

        // Objects first: content-addressed, so storing them cannot break anything.
        let wanted = Set(archive.manifest.objects.map(\.key))
        for (index, object) in archive.manifest.objects.enumerated() where !existingObjects.contains(object.key) {
            let stored = try await objects.put(try archive.objectContent(object))
            guard stored == object.key else {
                throw ChatbotError(.runtime, "the object store stored \(object.key) under another key (\(stored))")
            }
            progress?(BackupProgress(item: "objects", done: index + 1, total: archive.manifest.objects.count))
        }

        // Rows: one transaction, wiping the target's rows first when replacing.
        let backend = database.backend
        let rows = try await Self.withTransaction(database) { sql, postgres in
            if replace {
                for table in schema.tables.reversed() {
                    try await sql.raw("DELETE FROM \(ident: table.name)").run()
                }
            }
            // PostgreSQL: load with the secondary indexes and foreign keys dropped and rebuild them
            // once at the end, as pg_restore does (one sort per index instead of per-row upkeep).
            let deferred =
                postgres == nil ? nil : try await PostgresDeferredConstraints.drop(on: schema.tables.map(\.name), sql)
            var counts: [String: Int] = [:]
            for (entry, table) in zip(archive.manifest.tables, schema.tables) {
                counts[table.name] = try await Self.load(
                    table, entry: entry, from: archive, into: sql, postgres: postgres, progress: progress)
                if table.keyIsSequence && backend != .sqlite {
                    // PostgreSQL: move the sequence past the restored keys (SQLite's AUTOINCREMENT
                    // follows explicit inserts by itself).
                    try await sql.raw(
                        """
                        SELECT setval(pg_get_serial_sequence(\(literal: table.name), \(literal: table.key)), \
                        COALESCE(MAX(\(ident: table.key)), 0) + 1, false) FROM \(ident: table.name)
                        """
                    ).run()
                }
            }
            if let deferred {
                progress?(BackupProgress(item: "indexes", done: 0, total: deferred.count))
                try await deferred.recreate(sql)
                progress?(BackupProgress(item: "indexes", done: deferred.count, total: deferred.count))
            }
            return counts
        }
        if replace {
            for key in existingObjects.subtracting(wanted) { try await objects.delete(key) }
        }
        let final = try await migrator.up()
        return BackupRestoreReport(
            path: archive.directory.path, rows: rows, objects: archive.manifest.objects.count,
            schemaVersion: schema.version, finalSchemaVersion: final.last?.version ?? schema.version,
            replaced: replace, durationSeconds: BackupCreator.seconds(ContinuousClock.now - started))
    }

    private static func load(
        _ table: BackupSchema.Table,
        entry: BackupManifest.TableEntry,
        from archive: BackupArchive,
        into sql: any SQLDatabase,
        postgres: PostgresConnection?,
        progress: (@Sendable (BackupProgress) -> Void)?
    ) async throws -> Int {
        let reader = try archive.reader(path: entry.file, sha256: entry.sha256, bytes: entry.bytes)
        var splitter = LineSplitter()
        let names = TableRows.names(table)
        var count = 0
        if let connection = postgres {
            try await TableRows.copyPostgres(into: table, connection: connection, logger: sql.logger) { add in
                while let chunk = try reader.next() {
                    var parsed: [[BackupValue]] = []
                    try splitter.feed(chunk) { parsed.append(try TableRows.parse($0, table: table, names: names)) }
                    for row in parsed { try await add(row) }
                    count += parsed.count
                    progress?(BackupProgress(item: table.name, done: count, total: entry.rows))
                }
            }
            guard !splitter.hasPartialLine, count == entry.rows else {
                throw ChatbotError(.runtime, "\(entry.file) changed while it was restored")
            }
            return count
        }
        var batch: [[BackupValue]] = []
        while let chunk = try reader.next() {
            var parsed: [[BackupValue]] = []
            try splitter.feed(chunk) { parsed.append(try TableRows.parse($0, table: table, names: names)) }
            batch.append(contentsOf: parsed)
            while batch.count >= TableRows.insertBatch {
                try await TableRows.insert(Array(batch.prefix(TableRows.insertBatch)), into: table, database: sql)
                batch.removeFirst(TableRows.insertBatch)
                count += TableRows.insertBatch
            }
            progress?(BackupProgress(item: table.name, done: count, total: entry.rows))
        }
        try await TableRows.insert(batch, into: table, database: sql)
        count += batch.count
        guard !splitter.hasPartialLine, count == entry.rows else {
            throw ChatbotError(.runtime, "\(entry.file) changed while it was restored")
        }
        return count
    }

    /// Runs `body` in one read-write transaction, with the postgres-nio connection when the
    /// store is PostgreSQL (for COPY).
    private static func withTransaction<T: Sendable>(
        _ database: any SQLDatabaseStore,
        _ body: @escaping @Sendable (any SQLDatabase, PostgresConnection?) async throws -> T
    ) async throws -> T {
        if let postgres = database as? PostgresDatabaseStore {
            return try await postgres.withTransactionSession { session in
                try await body(session.sql, session.connection)
            }
        }
        return try await database.withTransaction { sql in try await body(sql, nil) }
    }

    private func countRows(schemaVersion: Int) async throws -> Int {
        let schema = try BackupSchema.forVersion(schemaVersion)
        return try await database.withSnapshot { sql in
            var total = 0
            for table in schema.tables {
                total +=
                    try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table.name)").first()?
                    .decode(column: "n", as: Int.self) ?? 0
            }
            return total
        }
    }
}
