import ChatbotCore
import Foundation
import SQLKit
import Testing

@testable import ChatbotStorage

/// PostgreSQL-only behaviour, on every server `Scripts/test` started (none without the variables).
@Suite("PostgresDatabaseStore", .enabled(if: !PostgresTestServer.all.isEmpty, "needs CHATBOT_TEST_POSTGRES*_URL"))
struct PostgresDatabaseStoreTests {
    @Test(
        "a schema with pending migrations is refused outside `migrate`, naming both versions",
        arguments: PostgresTestServer.all)
    func pendingSchemaRefused(server: PostgresTestServer) async throws {
        try await server.withDatabase { database in
            let error = try await #require(throws: ChatbotError.self) {
                try await PostgresDatabaseStore.open(database, logger: .testing)
            }
            #expect(error.kind == .unavailable)
            #expect(error.kind.exitCode == 69)
            #expect(
                error.message
                    == "the database schema is at version 0, this chatbot needs \(PostgresMigrations.all.count)")
            #expect(error.hint == "run `chatbot migrate up`")

            // `migrate` itself may open it, and once migrated everyone may.
            let migrating = try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: .refuseNewer)
            try await migrating.migrator.up()
            try await migrating.close()
            let store = try await PostgresDatabaseStore.open(database, logger: .testing)
            _ = try await store.conversations.createConversation(title: "works")
            try await store.close()
        }
    }

    @Test("a schema newer than this binary is refused, by migrate too", arguments: PostgresTestServer.all)
    func newerSchemaRefused(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        try await store.withTransaction { sql in
            try await sql.raw(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)"
            ).run()
        }
        try await store.close()
        for check in [PostgresDatabaseStore.SchemaCheck.requireCurrent, .refuseNewer] {
            let error = try await #require(throws: ChatbotError.self) {
                try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: check)
            }
            #expect(error.kind == .conflict)
            #expect(error.message.contains("version 999"))
        }
        let inspecting = try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: .none)
        let status = try await inspecting.migrator.status()
        try await inspecting.close()
        try await server.dropDatabase(database)
        #expect(status.entries.last?.isKnown == false)
    }

    @Test("an altered migration is refused by checksum", arguments: PostgresTestServer.all)
    func checksumMismatch(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        try await store.withTransaction { sql in
            try await sql.raw("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1").run()
        }
        try await store.close()
        let error = try await #require(throws: ChatbotError.self) {
            try await PostgresDatabaseStore.open(database, logger: .testing)
        }
        try await server.dropDatabase(database)
        #expect(error.kind == .conflict)
        #expect(error.message.contains("checksum"))
    }

    @Test(
        "concurrent `migrate up` from separate pools apply each migration exactly once",
        arguments: PostgresTestServer.all)
    func concurrentMigrations(server: PostgresTestServer) async throws {
        try await server.withDatabase { database in
            // Opened one after another, closed on every path (a pool must be shut down before
            // it is released); migrated all at once.
            var stores: [PostgresDatabaseStore] = []
            let applied: [MigrationStep]
            let count: Int?
            do {
                for _ in 0..<4 {
                    stores.append(
                        try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: .refuseNewer))
                }
                let migrating = stores
                applied = try await withThrowingTaskGroup(of: [MigrationStep].self) { group in
                    for store in migrating { group.addTask { try await store.migrator.up() } }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                count = try await stores[0].withSnapshot { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()?.decode(
                        column: "n", as: Int.self)
                }
            } catch {
                for store in stores { try? await store.close() }
                throw error
            }
            for store in stores { try await store.close() }
            #expect(applied.map(\.version).sorted() == PostgresMigrations.all.map(\.version))
            #expect(count == PostgresMigrations.all.count)
        }
    }

    @Test("`migrate up` waits for the advisory lock held by another session", arguments: PostgresTestServer.all)
    func advisoryLockIsTaken(server: PostgresTestServer) async throws {
        try await server.withDatabase { database in
            let holder = try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: .none)
            let migrating = try await PostgresDatabaseStore.open(database, logger: .testing, schemaCheck: .refuseNewer)
            let key = PostgresDialectFeatures.migrationLockKey
            let (steps, appliedWhileLocked) = try await holder.access.database.withSession { session in
                try await session.raw("SELECT pg_advisory_lock(\(bind: key))").run()
                return try await withThrowingTaskGroup(of: [MigrationStep]?.self) { group in
                    group.addTask { try await migrating.migrator.up() }
                    // Wait until the migrator is blocked on the lock: its request is in pg_locks, not granted.
                    let deadline = ContinuousClock.now + .seconds(60)
                    var waiting = 0
                    while waiting == 0, ContinuousClock.now < deadline {
                        waiting =
                            try await session.raw(
                                """
                                SELECT COUNT(*) AS n FROM pg_locks
                                WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
                                AND ((classid::bigint << 32) | objid::bigint) = \(bind: key)
                                """
                            ).first()?.decode(column: "n", as: Int.self) ?? 0
                        if waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
                    }
                    #expect(waiting == 1, "`migrate up` never waited for the lock")
                    let tables = try await session.raw(
                        "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'conversations'"
                    ).first()?.decode(column: "n", as: Int.self)
                    try await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    let steps = try await group.next() ?? nil
                    return (steps ?? [], tables ?? -1)
                }
            }
            try await migrating.close()
            try await holder.close()
            #expect(appliedWhileLocked == 0)
            #expect(steps.map(\.version) == PostgresMigrations.all.map(\.version))
        }
    }

    @Test("a snapshot does not see rows committed after it started", arguments: PostgresTestServer.all)
    func snapshotIsolation(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        _ = try await store.conversations.createConversation(title: "before")
        let counts = try await store.withSnapshot { sql in
            let first = try await sql.raw("SELECT COUNT(*) AS n FROM conversations").first()?
                .decode(column: "n", as: Int.self)
            // Committed by another pooled connection while the snapshot is open.
            _ = try await store.conversations.createConversation(title: "during")
            let second = try await sql.raw("SELECT COUNT(*) AS n FROM conversations").first()?
                .decode(column: "n", as: Int.self)
            let readOnly: Bool
            do {
                try await sql.raw(
                    "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('x', 'x', 0, 0)"
                )
                .run()
                readOnly = false
            } catch {
                readOnly = true
            }
            return [first, second, readOnly ? 1 : 0]
        }
        let after = try await store.conversations.listConversations(limit: 10, offset: 0).count
        try await store.close()
        try await server.dropDatabase(database)
        #expect(counts == [1, 1, 1])
        #expect(after == 2)
    }

    @Test("full-text search ranks, stems and marks matches with ts_headline", arguments: PostgresTestServer.all)
    func fullTextSearch(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        let conversation = try await store.conversations.createConversation(title: "fts")
        let running = MessageRecord.fixture(in: conversation.id, content: "She was running through the deployments")
        let ran = MessageRecord.fixture(in: conversation.id, content: "run run run: runs everywhere, the runner runs")
        for message in [running, ran] { try await store.conversations.appendMessage(message) }
        let hits = try await store.conversations.searchMessages("runs", limit: 10)
        let hostile = try await store.conversations.searchMessages("run & !deploy | (<-> :* ' \"", limit: 10)
        let plan = try await store.access.perform { sql in
            try await sql.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_content_tsv_idx'").first()?
                .decode(column: "indexdef", as: String.self)
        }
        try await store.close()
        try await server.dropDatabase(database)
        #expect(hits.map(\.message.id) == [ran.id, running.id])
        #expect(hits.last?.snippet.contains("[running]") == true)
        #expect(hostile.map(\.message.id).count <= 2)
        #expect(plan?.contains("gin") == true)
    }

    @Test("pgvector is detected where the server has it", arguments: PostgresTestServer.all)
    func pgvectorDetection(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        let installed = try await store.vectorExtensionInstalled()
        try await store.close()
        // Read at open: a store opened after the migration reports it.
        let reopened = try await PostgresDatabaseStore.open(database, logger: .testing)
        let flag = reopened.supportsVectorIndex
        try await reopened.close()
        try await server.dropDatabase(database)
        #expect(installed == server.hasPgvector)
        #expect(flag == server.hasPgvector)
    }

    @Test(
        "a unix-socket URL reaches the server",
        .enabled(if: ProcessInfo.processInfo.environment["CHATBOT_TEST_POSTGRES_SOCKET_URL"] != nil))
    func unixSocket() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["CHATBOT_TEST_POSTGRES_SOCKET_URL"])
        let settings = try PostgresConnectionSettings(url: url)
        #expect(settings.isUnixSocket)
        let store = try await PostgresDatabaseStore.open(settings, logger: .testing, schemaCheck: .none)
        let address = try await store.access.perform { sql in
            try await sql.raw("SELECT COALESCE(inet_client_addr()::text, 'local') AS address").first()?
                .decode(column: "address", as: String.self)
        }
        try await store.close()
        #expect(address == "local")
    }

    @Test("a lock timeout and a serialization failure are temporary errors", arguments: PostgresTestServer.all)
    func temporaryErrors(server: PostgresTestServer) async throws {
        let (store, database) = try await server.openMigratedStore()
        let conversation = try await store.conversations.createConversation(title: "locked")
        let id = conversation.id
        let (lockError, serializationError) = try await store.access.database.withSession { holder in
            // A row lock held by another session: waiting past lock_timeout fails with 55P03.
            try await holder.raw("BEGIN").run()
            try await holder.raw("UPDATE conversations SET title = 'held' WHERE id = \(bind: id)").run()
            let lockError = await #expect(throws: ChatbotError.self) {
                try await store.withTransaction { sql in
                    try await sql.raw("SET LOCAL lock_timeout = '100ms'").run()
                    try await sql.raw("UPDATE conversations SET title = 'waiting' WHERE id = \(bind: id)").run()
                }
            }
            // A REPEATABLE READ transaction updating a row committed after its snapshot: 40001.
            let serializationError = await #expect(throws: ChatbotError.self) {
                try await store.withTransaction { sql in
                    try await sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
                    _ = try await sql.raw("SELECT title FROM conversations WHERE id = \(bind: id)").all()
                    try await holder.raw("COMMIT").run()
                    try await sql.raw("UPDATE conversations SET title = 'stale' WHERE id = \(bind: id)").run()
                }
            }
            return (lockError, serializationError)
        }
        try await store.close()
        try await server.dropDatabase(database)
        #expect(lockError?.kind == .temporary)
        #expect(serializationError?.kind == .temporary)
        #expect(serializationError?.kind.exitCode == 75)
    }

    @Test("a server that is not there is unavailable, with a hint")
    func connectionRefused() async throws {
        let settings = PostgresConnectionSettings(host: "127.0.0.1", port: 1, sslMode: .disable)
        let error = try await #require(throws: ChatbotError.self) {
            try await PostgresDatabaseStore.open(settings, logger: .testing)
        }
        #expect(error.kind == .unavailable)
        #expect(error.hint?.contains("PostgreSQL is running") == true)
    }
}
