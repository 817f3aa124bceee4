import ChatbotCore
import Foundation
import Logging
import SQLKit
import Testing

@testable import ChatbotBackup
@testable import ChatbotStorage

/// The PostgreSQL server of this run (`Scripts/test` starts one), if any.
private let postgresURL: String? = ["CHATBOT_TEST_POSTGRES_URL", "CHATBOT_TEST_POSTGRES15_URL"]
    .compactMap { ProcessInfo.processInfo.environment[$0] }.first { !$0.isEmpty }

@Suite(
    "backups across backends", .enabled(if: postgresURL != nil, "needs CHATBOT_TEST_POSTGRES_URL or …POSTGRES15_URL"))
struct CrossBackendTests {
    /// Creates a fresh, migrated database on the test server, runs `body` with a store on it,
    /// and drops it.
    private static func withPostgres(_ body: (PostgresDatabaseStore) async throws -> Void) async throws {
        let server = try PostgresConnectionSettings(url: try #require(postgresURL))
        let admin = try await PostgresDatabaseStore.open(server, logger: Logger(label: "test"), schemaCheck: .none)
        let name = "chatbot_backup_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin.access.perform { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var settings = server
        settings.database = name
        do {
            let migrating = try await PostgresDatabaseStore.open(
                settings, logger: Logger(label: "test"), schemaCheck: .refuseNewer)
            try await migrating.migrator.up()
            try await migrating.close()
            let store = try await PostgresDatabaseStore.open(settings, logger: Logger(label: "test"))
            do {
                try await body(store)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
        } catch {
            try? await admin.access.perform {
                try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
            }
            try? await admin.close()
            throw error
        }
        try await admin.access.perform {
            try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
        }
        try await admin.close()
    }

    @Test("SQLite → backup → PostgreSQL → backup → SQLite: identical rows and types, search and new inserts work")
    func sqliteToPostgresAndBack() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 3, messagesEach: 20)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))

            try await Self.withPostgres { postgres in
                let objects = FileSystemObjectStore(root: root.appendingPathComponent("pg-objects"))
                let restored = try await BackupRestorer(database: postgres, objects: objects).restore(archive)
                #expect(restored.rows["messages"] == 60)

                let conversations = try await source.store.conversations.listConversations(limit: 100, offset: 0)
                #expect(try await postgres.conversations.listConversations(limit: 100, offset: 0) == conversations)
                for conversation in conversations {
                    #expect(
                        try await postgres.conversations.messages(conversationID: conversation.id)
                            == source.store.conversations.messages(conversationID: conversation.id))
                }
                #expect(try await postgres.conversations.cachedResponse(key: "key-2") != nil)
                #expect(try await !postgres.conversations.searchMessages("jumping fox", limit: 100).isEmpty)
                // And back: a PostgreSQL snapshot restores into SQLite with every value and type intact.
                let fromPostgres = try await BackupCreator(database: postgres, objects: objects).create(
                    in: LocalBackupDirectory(url: root.appendingPathComponent("pg-backups")),
                    options: BackupCreateOptions(chatbotVersion: "test"))
                let pgArchive = try BackupArchive(at: URL(fileURLWithPath: fromPostgres.path), key: nil)
                #expect(pgArchive.manifest.backend == "postgres")
                let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
                _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(pgArchive)
                #expect(try await target.tableContents() == source.tableContents())

                // The sequence was moved past the restored keys: a new message can be stored.
                let first = try #require(conversations.first)
                try await postgres.conversations.appendMessage(
                    .init(id: "after-restore", conversationID: first.id, role: .user, content: "x", createdAt: Date()))
                #expect(try await target.objectContents() == source.objectContents())
                try await target.close()
            }
            try await source.close()
        }
    }

    @Test("a PostgreSQL backup taken while a writer appends restores to a consistent snapshot")
    func postgresWritesContinue() async throws {
        try await withTemporaryDirectory { root in
            try await Self.withPostgres { postgres in
                let objects = FileSystemObjectStore(root: root.appendingPathComponent("pg-objects"))
                for index in 0..<20 {
                    let conversation = try await postgres.conversations.createConversation(title: "seed \(index)")
                    for number in 0..<50 {
                        try await postgres.conversations.appendMessage(
                            .init(
                                id: UUID().uuidString, conversationID: conversation.id, role: .user,
                                content: "seed message \(number)", createdAt: Date()))
                    }
                }
                let archive = try await withThrowingTaskGroup(of: BackupArchive?.self) { group in
                    group.addTask {
                        // Whole conversations in one transaction each, until cancelled.
                        while !Task.isCancelled {
                            try await postgres.withTransaction { sql in
                                let id = UUID().uuidString
                                try await sql.raw(
                                    """
                                    INSERT INTO conversations (id, title, created_at, updated_at) \
                                    VALUES (\(bind: id), 'during', 1, 2)
                                    """
                                ).run()
                                for number in 0..<3 {
                                    try await sql.raw(
                                        """
                                        INSERT INTO messages (id, conversation_id, role, content, status, cached, created_at) \
                                        VALUES (\(bind: UUID().uuidString), \(bind: id), 'user', \(bind: "during \(number)"), \
                                        'complete', FALSE, 3)
                                        """
                                    ).run()
                                }
                            }
                        }
                        return nil
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(50))
                        let report = try await BackupCreator(database: postgres, objects: objects).create(
                            in: LocalBackupDirectory(url: root.appendingPathComponent("pg-backups")),
                            options: BackupCreateOptions(chatbotVersion: "test"))
                        return try BackupArchive(at: URL(fileURLWithPath: report.path), key: nil)
                    }
                    var archive: BackupArchive?
                    while let result = try await group.next() {
                        if let result {
                            archive = result
                            group.cancelAll()
                        }
                    }
                    return try #require(archive)
                }
                let rows = Dictionary(uniqueKeysWithValues: archive.manifest.tables.map { ($0.name, $0.rows) })
                let conversations = try #require(rows["conversations"])
                #expect(conversations > 20)
                // Whole transactions only: every conversation written during the backup has its 3 messages.
                #expect(rows["messages"] == 1000 + (conversations - 20) * 3)
                let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
                let restored = try await BackupRestorer(database: target.store, objects: target.objects).restore(
                    archive)
                #expect(restored.rows == rows)
                try await target.close()
            }
        }
    }
    @Test("the postgres-nio dump path (verify-full TLS, SQL_ASCII) writes the same rows as the COPY path")
    func driverPathMatchesCopy() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 24)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            try await Self.withPostgres { postgres in
                let objects = FileSystemObjectStore(root: root.appendingPathComponent("pg-objects"))
                _ = try await BackupRestorer(database: postgres, objects: objects).restore(archive)
                // The COPY path really serves this server (it is the default the other tests take).
                let copied = try await PostgresCopyDump.withSnapshot(postgres.settings) { connection, version in
                    var buffer: [UInt8] = []
                    let rows = try PostgresCopyDump.dump(
                        BackupSchema.version1.tables[1], over: connection, into: &buffer, flush: { _, _ in })
                    return [version, rows]
                }
                #expect(copied == [try #require(BackupSchema.known.map(\.version).max()), 48])
                var contents: [[String: [String]]] = []
                for usesCopy in [true, false] {
                    var creator = BackupCreator(database: postgres, objects: objects)
                    creator.usesCopyDump = usesCopy
                    let report = try await creator.create(
                        in: LocalBackupDirectory(url: root.appendingPathComponent("pg-backups-\(usesCopy)")),
                        options: BackupCreateOptions(chatbotVersion: "test"))
                    let target = try await StoreFixture.open(in: root.appendingPathComponent("target-\(usesCopy)"))
                    _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(
                        try BackupArchive(at: URL(fileURLWithPath: report.path), key: nil))
                    contents.append(try await target.tableContents())
                    try await target.close()
                }
                #expect(contents[0] == contents[1])
                #expect(contents[0] == (try await source.tableContents()))
            }
            try await source.close()
        }
    }

    @Test("a PostgreSQL restore drops indexes, keys and foreign keys for the load and rebuilds every one")
    func restoreRebuildsIndexesAndForeignKeys() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 10)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            try await Self.withPostgres { postgres in
                @Sendable func catalog() async throws -> [String] {
                    try await postgres.withTransaction { sql in
                        let indexes = try await sql.raw(
                            "SELECT indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = current_schema()"
                        ).all().map { try $0.decode(column: "d", as: String.self) }
                        let keys = try await sql.raw(
                            "SELECT conname || ': ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE contype IN ('f', 'p', 'u')"
                        ).all().map { try $0.decode(column: "d", as: String.self) }
                        return (indexes + keys).sorted()
                    }
                }
                let before = try await catalog()
                #expect(before.contains { $0.contains("USING gin") })
                #expect(before.contains { $0.contains("FOREIGN KEY") })
                #expect(before.contains { $0.contains("PRIMARY KEY") })
                let objects = FileSystemObjectStore(root: root.appendingPathComponent("pg-objects"))
                _ = try await BackupRestorer(database: postgres, objects: objects).restore(archive)
                #expect(try await catalog() == before)
                // The rebuilt foreign key is enforced, and the rebuilt full-text index answers.
                await #expect(throws: (any Error).self) {
                    try await postgres.conversations.appendMessage(
                        .init(
                            id: "orphan", conversationID: "no-such-conversation", role: .user, content: "x",
                            createdAt: Date()))
                }
                #expect(try await !postgres.conversations.searchMessages("jumping fox", limit: 10).isEmpty)
            }
            try await source.close()
        }
    }
}
