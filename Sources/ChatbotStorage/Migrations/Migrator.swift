import ChatbotCore
import Foundation
import SQLKit

/// Applies and undoes the embedded schema migrations, and checks that a database fits this binary.
///
/// Applied migrations are recorded in `schema_migrations` (version, name, SHA-256 checksum of the
/// `up` SQL, time applied). Each migration runs in its own transaction, which re-checks the record
/// first, so two processes migrating at once apply each migration once; on PostgreSQL `up` and
/// `down` also hold an advisory lock, so concurrent runs wait for each other.
public struct Migrator: Sendable {
    private let access: SQLDatabaseAccess

    /// Every migration this binary knows, oldest first.
    public let migrations: [Migration]

    init(access: SQLDatabaseAccess, migrations: [Migration]) {
        self.access = access
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The highest version this binary knows (0 when it knows none).
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Every known and every recorded migration, with what is applied and whether it was altered.
    public func status() async throws -> MigrationStatus {
        let records = try await appliedRecords()
        let recordsByVersion = Dictionary(records.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var entries = migrations.map { migration in
            let record = recordsByVersion[migration.version]
            return MigrationStatus.Entry(
                version: migration.version,
                name: migration.name,
                isApplied: record != nil,
                appliedAt: record.map { DatabaseTimestamp.date(fromMilliseconds: $0.appliedAt) },
                checksumMismatch: record.map { $0.checksum != migration.checksum } ?? false,
                isKnown: true
            )
        }
        let knownVersions = Set(migrations.map(\.version))
        for record in records where !knownVersions.contains(record.version) {
            entries.append(
                MigrationStatus.Entry(
                    version: record.version,
                    name: record.name,
                    isApplied: true,
                    appliedAt: DatabaseTimestamp.date(fromMilliseconds: record.appliedAt),
                    checksumMismatch: false,
                    isKnown: false
                )
            )
        }
        entries.sort { $0.version < $1.version }
        return MigrationStatus(
            entries: entries,
            currentVersion: records.map(\.version).max() ?? 0,
            latestVersion: latestVersion
        )
    }

    /// Applies pending migrations up to `target` (default: the latest) and returns what ran; with
    /// `dryRun`, returns what would run and changes nothing.
    ///
    /// - Throws: ``ChatbotError`` (`.conflict`) when the database is newer than this binary or an
    ///   applied migration was altered; (`.usage`) for a target this binary does not know.
    @discardableResult
    public func up(to target: Int? = nil, dryRun: Bool = false) async throws -> [MigrationStep] {
        let target = target ?? latestVersion
        guard (0...latestVersion).contains(target) else {
            throw ChatbotError(
                .usage,
                "there is no schema version \(target); this chatbot knows versions 0 to \(latestVersion)"
            )
        }
        return try await withMigrationLock(dryRun: dryRun) { migrator in
            let applied = Set(try await migrator.validatedRecords().map(\.version))
            let pending = migrator.migrations.filter { $0.version <= target && !applied.contains($0.version) }
            var steps: [MigrationStep] = []
            for migration in pending {
                if !dryRun, try await !migrator.apply(migration) { continue }
                steps.append(
                    MigrationStep(
                        version: migration.version, name: migration.name, direction: .up, statements: migration.up))
            }
            return steps
        }
    }

    /// Undoes applied migrations newer than `target`, newest first, and returns what ran; with
    /// `dryRun`, returns what would run and changes nothing. `down(to: 0)` empties the schema.
    ///
    /// - Throws: ``ChatbotError`` as for ``up(to:dryRun:)``.
    @discardableResult
    public func down(to target: Int, dryRun: Bool = false) async throws -> [MigrationStep] {
        guard target >= 0 else {
            throw ChatbotError(.usage, "schema version \(target) is negative", hint: "use 0 to undo every migration")
        }
        return try await withMigrationLock(dryRun: dryRun) { migrator in
            let applied = Set(try await migrator.validatedRecords().map(\.version))
            let toUndo = migrator.migrations.reversed().filter { $0.version > target && applied.contains($0.version) }
            var steps: [MigrationStep] = []
            for migration in toUndo {
                if !dryRun, try await !migrator.revert(migration) { continue }
                steps.append(
                    MigrationStep(
                        version: migration.version, name: migration.name, direction: .down,
                        statements: migration.down))
            }
            return steps
        }
    }

    /// Runs `body` holding the backend's cross-process migration lock (PostgreSQL: an advisory lock
    /// on one session, which `body`'s migrator then uses), so concurrent `chatbot migrate` runs
    /// apply each migration once and never interleave their DDL. SQLite needs none: each
    /// migration's write transaction re-checks the record.
    private func withMigrationLock(
        dryRun: Bool,
        _ body: @escaping @Sendable (Migrator) async throws -> [MigrationStep]
    ) async throws -> [MigrationStep] {
        guard !dryRun, let lock = access.features.migrationLockStatements else { return try await body(self) }
        let features = access.features
        let migrations = migrations
        return try await access.perform { database in
            try await database.withSession { session in
                try await session.raw(SQLQueryString(lock.lock)).run()
                let locked = Migrator(
                    access: SQLDatabaseAccess(database: session, features: features, gate: nil),
                    migrations: migrations)
                do {
                    let steps = try await body(locked)
                    try await session.raw(SQLQueryString(lock.unlock)).run()
                    return steps
                } catch {
                    // Closing the session would release it too; unlock so a pooled session is clean.
                    _ = try? await session.raw(SQLQueryString(lock.unlock)).run()
                    throw error
                }
            }
        }
    }

    /// Whether the database holds exactly this binary's migrations, unaltered, and nothing newer:
    /// then ``up(to:dryRun:)`` has nothing to do and ``validate()`` nothing to refuse. One row is
    /// read (the versions and checksums folded by SQLite's `group_concat`), where validating reads
    /// and decodes every record; `chatbot ask` opens the store on every run. `false` when anything
    /// differs or cannot be read (a new database has no bookkeeping table yet): the full path then
    /// creates, applies or refuses, with its precise errors.
    func isCurrent() async -> Bool {
        let expected = migrations.map { "\($0.version):\($0.checksum)" }.joined(separator: ",")
        do {
            let row = try await access.perform { database in
                try await database.raw(
                    """
                    SELECT group_concat(version || ':' || checksum, ',') AS applied \
                    FROM (SELECT version, checksum FROM schema_migrations ORDER BY version)
                    """
                ).first()
            }
            return try row?.decode(column: "applied", as: String?.self) == expected
        } catch {
            return false
        }
    }

    /// Refuses a database this binary must not touch: one with a schema newer than it knows, or
    /// one where an applied migration differs from the embedded one. Called when a store opens.
    public func validate() async throws {
        _ = try await validatedRecords()
    }

    // MARK: - Records

    /// One row of `schema_migrations`.
    struct AppliedRecord: Sendable, Hashable {
        var version: Int
        var name: String
        var checksum: String
        var appliedAt: Int64
    }

    /// The bookkeeping table; the same SQL works on SQLite and PostgreSQL.
    static let createBookkeepingSQL: SQLQueryString = """
        CREATE TABLE IF NOT EXISTS schema_migrations (\
        version BIGINT NOT NULL PRIMARY KEY, \
        name TEXT NOT NULL, \
        checksum TEXT NOT NULL, \
        applied_at BIGINT NOT NULL)
        """

    private func appliedRecords() async throws -> [AppliedRecord] {
        let transactionLock = access.features.migrationTransactionLockSQL
        if let transactionLock {
            // Concurrent `CREATE TABLE IF NOT EXISTS` race in PostgreSQL's catalog (a unique
            // violation on pg_type): create the table under the migration lock.
            try await access.transaction { database in
                try await database.raw(SQLQueryString(transactionLock)).run()
                try await database.raw(Self.createBookkeepingSQL).run()
            }
        }
        return try await access.perform { database in
            if transactionLock == nil { try await database.raw(Self.createBookkeepingSQL).run() }
            return try await database.raw(
                "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
            ).all().map { row in
                AppliedRecord(
                    version: try row.decode(column: "version", as: Int.self),
                    name: try row.decode(column: "name", as: String.self),
                    checksum: try row.decode(column: "checksum", as: String.self),
                    appliedAt: try row.decode(column: "applied_at", as: Int64.self)
                )
            }
        }
    }

    private func validatedRecords() async throws -> [AppliedRecord] {
        let records = try await appliedRecords()
        if let newest = records.map(\.version).max(), newest > latestVersion {
            throw ChatbotError(
                .conflict,
                "database schema is version \(newest) but this chatbot knows up to \(latestVersion)",
                hint: "upgrade chatbot"
            )
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for record in records {
            guard let migration = known[record.version], migration.checksum != record.checksum else { continue }
            throw ChatbotError(
                .conflict,
                "schema migration \(record.version) (\(migration.name)) differs from the one applied to this database (checksum mismatch)",
                hint: "use the chatbot version that created this database, or restore it from a backup"
            )
        }
        return records
    }

    // MARK: - Running

    /// Applies one migration in a transaction; `false` when another process applied it first.
    private func apply(_ migration: Migration) async throws -> Bool {
        try await access.transaction { database in
            guard try await !isRecorded(migration.version, in: database) else { return false }
            for statement in migration.up {
                try await database.raw(SQLQueryString(statement)).run()
            }
            let now = DatabaseTimestamp.milliseconds(Date())
            try await database.raw(
                """
                INSERT INTO schema_migrations (version, name, checksum, applied_at) \
                VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: migration.checksum), \(bind: now))
                """
            ).run()
            return true
        }
    }

    /// Undoes one migration in a transaction; `false` when another process undid it first.
    private func revert(_ migration: Migration) async throws -> Bool {
        try await access.transaction { database in
            guard try await isRecorded(migration.version, in: database) else { return false }
            for statement in migration.down {
                try await database.raw(SQLQueryString(statement)).run()
            }
            try await database.raw("DELETE FROM schema_migrations WHERE version = \(bind: migration.version)").run()
            return true
        }
    }

    private func isRecorded(_ version: Int, in database: any SQLDatabase) async throws -> Bool {
        try await database.raw("SELECT version FROM schema_migrations WHERE version = \(bind: version)").first() != nil
    }
}
