import ChatbotCore
import Foundation
import Testing

@testable import ChatbotStorage

@Suite("Migrator (SQLite)")
struct MigratorTests {
    private static func open(_ directory: TemporaryDirectory, autoMigrate: Bool = false) async throws
        -> SQLiteDatabaseStore
    {
        try await SQLiteDatabaseStore.open(
            at: directory.appending("chatbot.sqlite"), logger: .testing, autoMigrate: autoMigrate)
    }

    @Test("status lists every migration as pending before and applied after up")
    func statusBeforeAndAfter() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory)
            let before = try await store.migrator.status()
            let latest = try #require(SQLiteMigrations.all.last?.version)
            #expect(before.currentVersion == 0)
            #expect(before.latestVersion == latest)
            #expect(before.entries.map(\.version) == SQLiteMigrations.all.map(\.version))
            #expect(before.entries.allSatisfy { !$0.isApplied && $0.appliedAt == nil && $0.isKnown })
            #expect(before.pending.count == SQLiteMigrations.all.count)

            let steps = try await store.migrator.up()
            #expect(steps.map(\.version) == SQLiteMigrations.all.map(\.version))
            let after = try await store.migrator.status()
            try await store.close()
            #expect(after.currentVersion == latest)
            #expect(after.entries.allSatisfy { $0.isApplied && $0.appliedAt != nil && !$0.checksumMismatch })
            #expect(after.pending.isEmpty)
        }
    }

    @Test("a dry run returns the SQL and changes nothing")
    func dryRun() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory)
            let planned = try await store.migrator.up(dryRun: true)
            let status = try await store.migrator.status()
            let tables = try await store.scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversations'", as: Int.self)
            try await store.close()
            #expect(planned.first?.statements == SQLiteMigrations.v1Initial.up)
            #expect(planned.allSatisfy { $0.direction == .up })
            #expect(status.currentVersion == 0)
            #expect(tables == 0)
        }
    }

    @Test("up, down to 0, up again leaves a working schema")
    func upDownUp() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory, autoMigrate: true)
            _ = try await store.conversations.createConversation(title: "before down")

            let plannedDown = try await store.migrator.down(to: 0, dryRun: true)
            #expect(try await store.migrator.status().currentVersion == SQLiteMigrations.all.count)
            let down = try await store.migrator.down(to: 0)
            #expect(down == plannedDown)
            #expect(down.map(\.version) == SQLiteMigrations.all.map(\.version).reversed())
            #expect(try await store.migrator.status().currentVersion == 0)
            let leftovers = try await store.scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
                as: Int.self
            )
            #expect(leftovers == 0)

            try await store.migrator.up()
            let conversation = try await store.conversations.createConversation(title: "after up")
            try await store.conversations.appendMessage(.fixture(in: conversation.id, content: "indexed again"))
            let hits = try await store.conversations.searchMessages("indexed", limit: 5)
            let count = try await store.conversations.listConversations(limit: 10, offset: 0).count
            try await store.close()
            #expect(hits.count == 1)
            #expect(count == 1)
        }
    }

    @Test("up(to:) and down(to:) stop at the target version")
    func targets() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory)
            let migrator = Migrator(access: store.access, migrations: Self.threeSteps)
            #expect(try await migrator.up(to: 2).map(\.version) == [1, 2])
            #expect(try await migrator.status().currentVersion == 2)
            #expect(try await migrator.up().map(\.version) == [3])
            #expect(try await migrator.down(to: 1).map(\.version) == [3, 2])
            let remaining = try await store.scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'step%'", as: Int.self)
            let outOfRange = try await #require(throws: ChatbotError.self) { try await migrator.up(to: 9) }
            try await store.close()
            #expect(remaining == 1)
            #expect(outOfRange.kind == .usage)
        }
    }

    // The store's open skips the migrator when this one-row check passes, so it must fail for
    // anything short of exactly this binary's migrations.
    @Test("the quick check on open passes only when every known migration is applied, unaltered, and nothing newer")
    func quickCheck() async throws {
        try await TemporaryDirectory.with { directory in
            let fresh = try await Self.open(directory)
            #expect(await fresh.migrator.isCurrent() == false)  // no bookkeeping table yet
            try await fresh.close()

            let store = try await Self.open(directory, autoMigrate: true)
            #expect(await store.migrator.isCurrent())
            let latest = store.migrator.latestVersion
            try await store.migrator.down(to: latest - 1)
            #expect(await store.migrator.isCurrent() == false)
            try await store.close()

            // Opening migrates again: the check did not mistake the reverted schema for a current one.
            let reopened = try await Self.open(directory, autoMigrate: true)
            #expect(try await reopened.migrator.status().pending.isEmpty)
            #expect(await reopened.migrator.isCurrent())
            try await reopened.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = \(latest)")
            #expect(await reopened.migrator.isCurrent() == false)
            try await reopened.close()
        }
    }

    @Test("an applied migration whose checksum changed is refused on open, naming the version")
    func checksumTampering() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory, autoMigrate: true)
            try await store.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
            try await store.close()

            let error = try await #require(throws: ChatbotError.self) {
                try await Self.open(directory, autoMigrate: true)
            }
            #expect(error.kind == .conflict)
            #expect(error.message.contains("migration 1 "))
            #expect(error.message.contains("checksum"))

            // `migrate status` can still open it and shows which one.
            let inspecting = try await SQLiteDatabaseStore.open(
                at: directory.appending("chatbot.sqlite"), logger: .testing, autoMigrate: false, validateSchema: false
            )
            let status = try await inspecting.migrator.status()
            let refusal = try await #require(throws: ChatbotError.self) { try await inspecting.migrator.down(to: 0) }
            try await inspecting.close()
            #expect(status.entries.first { $0.version == 1 }?.checksumMismatch == true)
            #expect(refusal.kind == .conflict)
        }
    }

    @Test("a database newer than this binary is refused on open")
    func newerSchema() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.open(directory, autoMigrate: true)
            try await store.execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)"
            )
            try await store.close()

            let latest = SQLiteMigrations.all.count
            for autoMigrate in [true, false] {
                let error = try await #require(throws: ChatbotError.self) {
                    try await Self.open(directory, autoMigrate: autoMigrate)
                }
                #expect(error.kind == .conflict)
                #expect(error.message == "database schema is version 999 but this chatbot knows up to \(latest)")
                #expect(error.hint == "upgrade chatbot")
            }
        }
    }

    @Test("checksums cover the up SQL")
    func checksums() {
        let migration = SQLiteMigrations.v1Initial
        var edited = migration
        edited.up[0] += " "
        #expect(migration.checksum.count == 64)
        #expect(migration.checksum == SQLiteMigrations.v1Initial.checksum)
        #expect(edited.checksum != migration.checksum)
    }

    /// Three small migrations, to exercise targets.
    static let threeSteps = (1...3).map { version in
        Migration(
            version: version,
            name: "step\(version)",
            up: ["CREATE TABLE step\(version) (id INTEGER)"],
            down: ["DROP TABLE step\(version)"]
        )
    }
}
