import ChatbotCore
import ChatbotStorage
import Foundation
import SQLKit
import Testing

@testable import ChatbotBackup

@Suite("backup create, verify and restore")
struct BackupRoundTripTests {
    @Test("SQLite → backup → fresh SQLite + filesystem objects: every row, type and object identical")
    func roundTrip() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate()
            // The accounts tables (schema 4): a disabled user, NULLs, a REAL, a JSON detail, a sequence.
            try await source.store.withTransaction { sql in
                for statement: SQLQueryString in [
                    """
                    INSERT INTO users (id, name, email, password_hash, role, disabled, created_at, token_version)
                    VALUES ('u1', 'alice', NULL, '$2b$12$hash', 'admin', 1, 1700000000000, 3)
                    """,
                    """
                    INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, created_at, rotated_at)
                    VALUES ('h1', 'f1', 'u1', 1800000000000, 1700000000000, 1700000000001)
                    """,
                    """
                    INSERT INTO api_keys (id, secret_hash, user_id, name, scopes, created_at, budget_cost)
                    VALUES ('k1', 's1', 'u1', 'laptop', 'chat documents:read', 1700000000000, 2.5)
                    """,
                    """
                    INSERT INTO signing_keys (kid, algorithm, private_key, public_key, created_at)
                    VALUES ('kid1', 'EdDSA', 'cHJpdmF0ZQ==', 'cHVibGlj', 1700000000000)
                    """,
                    """
                    INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip)
                    VALUES (1700000000000, 'u1', 'alice', 'user.created', 'alice', '{"role":"admin"}', NULL)
                    """,
                    """
                    INSERT INTO usage_records (at, user_id, api_key_id, source, provider, model, prompt_tokens,
                        completion_tokens, cost, status)
                    VALUES (1700000000000, 'u1', 'k1', 'v1.chat.completions', 'local', 'm', 12, 7, 0.25, 'completed')
                    """,
                    """
                    INSERT INTO jobs (id, kind, payload, owner_id, status, attempts, max_attempts, run_at,
                        lease_holder, lease_expires_at, cancel_requested, progress, result, error, idempotency_key,
                        created_at, updated_at, finished_at)
                    VALUES ('j1', 'ingest.upload', '{"collection":"docs"}', 'u1', 'running', 1, 5, 1700000000000,
                        'host:1:ab', 1700000030000, 0, '{"done":1}', NULL, 'first try', 'key-1', 1700000000000,
                        1700000001000, NULL)
                    """,
                ] {
                    try await sql.raw(statement).run()
                }
            }
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            let verification = try archive.verify()
            #expect(
                verification.rows == [
                    "conversations": 5, "messages": 150, "response_cache": 3, "embeddings": 9, "collections": 2,
                    "documents": 3, "chunks": 7, "users": 1, "refresh_tokens": 1, "api_keys": 1, "signing_keys": 1,
                    "audit_log": 1, "usage_records": 1, "jobs": 1,
                ])
            #expect(verification.objects == 4)

            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            let report = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
            #expect(report.rows["messages"] == 150)
            #expect(report.rows["jobs"] == 1)

            #expect(try await target.tableContents() == source.tableContents())
            #expect(try await target.objectContents() == source.objectContents())
            let sourceConversations = try await source.store.conversations.listConversations(limit: 100, offset: 0)
            #expect(
                try await target.store.conversations.listConversations(limit: 100, offset: 0) == sourceConversations)
            for conversation in sourceConversations {
                #expect(
                    try await target.store.conversations.messages(conversationID: conversation.id)
                        == source.store.conversations.messages(conversationID: conversation.id))
            }
            #expect(try await target.store.conversations.cachedResponse(key: "key-1") != nil)
            let found = try await target.store.documents.search("harbour tides", collection: "docs", limit: 3)
            #expect(found.first?.source == "/docs/harbour.md")
            let nearest = try await target.store.vectors.nearest(
                to: [3, 0, 1e-7, 0, 0.5, -1], collection: "notes", model: "e5", limit: 1)
            #expect(nearest.first?.itemID == "chunk-3")

            // Full-text search works after the restore (the FTS index is rebuilt by the triggers).
            let hits = try await target.store.conversations.searchMessages("jumping fox", limit: 100)
            #expect(hits.count == 25)
            #expect(
                hits.count == (try await source.store.conversations.searchMessages("jumping fox", limit: 100).count))

            // New messages get keys after the restored ones.
            let conversation = try #require(sourceConversations.first)
            try await target.store.conversations.appendMessage(
                .init(id: "new", conversationID: conversation.id, role: .user, content: "after", createdAt: Date()))
            let seq = try await target.store.withSnapshot { sql in
                try await sql.raw("SELECT seq FROM messages WHERE id = 'new'").first()?.decode(
                    column: "seq", as: Int.self)
            }
            #expect(seq == 151)
            try await source.close()
            try await target.close()
        }
    }

    @Test("an empty store backs up and restores")
    func emptyStore() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            #expect(try archive.verify().rows.values.allSatisfy { $0 == 0 })
            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
            #expect(try await target.tableContents() == source.tableContents())
            try await source.close()
            try await target.close()
        }
    }

    @Test("a non-empty target is refused; --force replaces its rows and objects")
    func nonEmptyTarget() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 4)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))

            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            let other = try await target.store.conversations.createConversation(title: "already here")
            try await target.store.conversations.appendMessage(
                .init(id: "x", conversationID: other.id, role: .user, content: "keep me", createdAt: Date()))
            let stray = try await target.objects.put(Data("stray".utf8))
            let before = try await target.tableContents()

            let restorer = BackupRestorer(database: target.store, objects: target.objects)
            await #expect(throws: ChatbotError.self) { try await restorer.restore(archive) }
            #expect(try await target.tableContents() == before)

            _ = try await restorer.restore(archive, replace: true)
            #expect(try await target.tableContents() == source.tableContents())
            #expect(try await target.objects.exists(stray) == false)
            #expect(try await target.objectContents() == source.objectContents())
            #expect(try await target.store.conversations.searchMessages("keep", limit: 10).isEmpty)
            try await source.close()
            try await target.close()
        }
    }

    @Test("the backup schema matches the tables the migrations create, for every known version")
    func schemaMatchesMigrations() async throws {
        try await withTemporaryDirectory { root in
            let fixture = try await StoreFixture.open(in: root)
            #expect(BackupSchema.known.map(\.version).contains(fixture.store.migrator.latestVersion))
            let schema = try BackupSchema.forVersion(fixture.store.migrator.latestVersion)
            // Every table is dumped but the bookkeeping, the FTS5 indexes (and their shadow tables)
            // and the rate limiter's seconds-lived state.
            let tables = try await fixture.store.withSnapshot { sql in
                try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            let dumpable = tables.filter {
                !$0.hasPrefix("sqlite_") && !$0.contains("_fts") && $0 != "schema_migrations" && $0 != "rate_limits"
                    && $0 != "active_streams"
            }
            #expect(Set(dumpable) == Set(schema.tables.map(\.name)))
            for table in schema.tables {
                let columns = try await fixture.store.withSnapshot { sql in
                    try await sql.raw(
                        "SELECT name, \"notnull\" AS required FROM pragma_table_info(\(bind: table.name))"
                    )
                    .all().map {
                        (
                            try $0.decode(column: "name", as: String.self),
                            try $0.decode(column: "required", as: Int.self)
                        )
                    }
                }
                #expect(columns.map(\.0) == table.columns.map(\.name), "\(table.name)")
                // seq is INTEGER PRIMARY KEY (never NULL although not declared NOT NULL).
                #expect(
                    columns.map { $0.1 == 0 && $0.0 != table.key } == table.columns.map(\.nullable),
                    "\(table.name)")
            }
            try await fixture.close()
        }
    }

    @Test("a backup of an older schema (version 1) restores into this binary and is migrated to the latest")
    func olderSchema() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            _ = try await source.store.migrator.down(to: 1)
            let conversation = try await source.store.conversations.createConversation(title: "from v1")
            try await source.store.conversations.appendMessage(
                .init(id: "m1", conversationID: conversation.id, role: .user, content: "old times", createdAt: Date()))
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            #expect(archive.manifest.schemaVersion == 1)
            #expect(archive.manifest.tables.map(\.name) == ["conversations", "messages", "response_cache"])

            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            let report = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
            #expect(report.schemaVersion == 1)
            #expect(report.finalSchemaVersion == target.store.migrator.latestVersion)
            #expect(target.store.migrator.latestVersion >= 2)
            #expect(
                try await target.store.conversations.messages(conversationID: conversation.id).map(\.content) == [
                    "old times"
                ])
            // The newer tables exist and work after the restore.
            try await target.store.vectors.upsert([
                VectorRecord(collection: "c", itemID: "i", model: "m", vector: [1, 0])
            ])
            #expect(try await target.store.vectors.count(collection: "c") == 1)
            try await source.close()
            try await target.close()
        }
    }
}
