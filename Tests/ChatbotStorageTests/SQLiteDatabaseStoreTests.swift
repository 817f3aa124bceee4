import ChatbotCore
import Foundation
import Logging
import SQLKit
import Testing

@testable import ChatbotStorage

@Suite("SQLiteDatabaseStore")
struct SQLiteDatabaseStoreTests {
    @Test("open creates a private WAL-mode database with synchronous=FULL and foreign keys on")
    func openConfiguresDatabase() async throws {
        try await TemporaryDirectory.with { directory in
            let url = directory.appending("nested/data/chatbot.sqlite")
            let store = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let journal = try await store.scalar("PRAGMA journal_mode", as: String.self)
            let synchronous = try await store.scalar("PRAGMA synchronous", as: Int.self)
            let foreignKeys = try await store.scalar("PRAGMA foreign_keys", as: Int.self)
            let busyTimeout = try await store.scalar("PRAGMA busy_timeout", as: Int.self)
            try await store.close()

            #expect(journal == "wal")
            #expect(synchronous == 2)
            #expect(foreignKeys == 1)
            #expect(busyTimeout == 5000)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("relaxed statements run on a second connection with synchronous=NORMAL; their commits are seen and kept")
    func relaxedConnection() async throws {
        try await TemporaryDirectory.with { directory in
            let url = directory.appending("chatbot.sqlite")
            let store = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let relaxed = try await store.withoutTransactionRelaxed { sql in
                try await sql.raw("INSERT INTO rate_limits (id, tat, allowed) VALUES ('cell', 42, 1)").run()
                return try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            }
            // The store's own connection sees the commit at once and keeps its own setting.
            let seen = try await store.scalar("SELECT tat FROM rate_limits WHERE id = 'cell'", as: Int.self)
            let own = try await store.scalar("PRAGMA synchronous", as: Int.self)
            try await store.close()
            await #expect(throws: ChatbotError.self) {
                try await store.withoutTransactionRelaxed { sql in try await sql.raw("SELECT 1").run() }
            }
            #expect(relaxed == 1)
            #expect(own == 2)
            #expect(seen == 42)

            let reopened = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let kept = try await reopened.scalar("SELECT tat FROM rate_limits WHERE id = 'cell'", as: Int.self)
            try await reopened.close()
            #expect(kept == 42)
        }
    }

    @Test("reopening keeps the data and does not migrate again")
    func reopenKeepsData() async throws {
        try await TemporaryDirectory.with { directory in
            let url = directory.appending("chatbot.sqlite")
            let first = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let conversation = try await first.conversations.createConversation(title: "kept")
            try await first.close()

            let second = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let found = try await second.conversations.conversation(matching: conversation.id)
            let applied = try await second.scalar("SELECT COUNT(*) FROM schema_migrations", as: Int.self)
            try await second.close()
            #expect(found == conversation)
            #expect(applied == SQLiteMigrations.all.count)
        }
    }

    @Test("a write lock held by another process is a temporary error, and nothing is half-written")
    func lockedDatabase() async throws {
        try await TemporaryDirectory.with { directory in
            let url = directory.appending("chatbot.sqlite")
            let holder = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let waiter = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            try await waiter.execute("PRAGMA busy_timeout = 50")
            try await holder.execute("BEGIN IMMEDIATE")
            let error = await #expect(throws: ChatbotError.self) {
                try await waiter.conversations.createConversation(title: "blocked")
            }
            try await holder.execute("ROLLBACK")
            let afterwards = try await waiter.conversations.createConversation(title: "free again")
            let count = try await waiter.conversations.listConversations(limit: 10, offset: 0)
            try await holder.close()
            try await waiter.close()
            #expect(error?.kind == .temporary)
            #expect(count == [afterwards])
        }
    }

    @Test("a relaxed statement that finds the write lock held is a temporary error too, and writes nothing")
    func lockedDatabaseRelaxed() async throws {
        try await TemporaryDirectory.with { directory in
            let url = directory.appending("chatbot.sqlite")
            let holder = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let waiter = try await SQLiteDatabaseStore.open(at: url, logger: .testing)
            let insert: @Sendable (any SQLDatabase) async throws -> Void = { sql in
                try await sql.raw("PRAGMA busy_timeout = 50").run()
                try await sql.raw("INSERT INTO rate_limits (id, tat, allowed) VALUES ('cell', 1, 1)").run()
            }
            try await holder.execute("BEGIN IMMEDIATE")
            let error = await #expect(throws: ChatbotError.self) { try await waiter.withoutTransactionRelaxed(insert) }
            try await holder.execute("ROLLBACK")
            let before = try await waiter.scalar("SELECT COUNT(*) FROM rate_limits", as: Int.self)
            try await waiter.withoutTransactionRelaxed(insert)
            let after = try await waiter.scalar("SELECT COUNT(*) FROM rate_limits", as: Int.self)
            try await holder.close()
            try await waiter.close()
            #expect(error?.kind == .temporary)
            #expect(before == 0)
            #expect(after == 1)
        }
    }

    @Test("a directory that cannot be created is an unavailable error")
    func unwritableLocation() async throws {
        try await TemporaryDirectory.with { directory in
            let blocker = directory.appending("file")
            try Data("x".utf8).write(to: blocker)
            let error = try await #require(throws: ChatbotError.self) {
                try await SQLiteDatabaseStore.open(
                    at: blocker.appendingPathComponent("db/chatbot.sqlite"), logger: .testing)
            }
            #expect(error.kind == .unavailable)
        }
    }
}

extension SQLiteDatabaseStore {
    /// The first column of the first row of `sql`.
    func scalar<T: Decodable & Sendable>(_ sql: String, as type: T.Type) async throws -> T? {
        try await access.perform { database in
            guard let row = try await database.raw(SQLQueryString(sql)).first() else { return nil }
            let column = try #require(row.allColumns.first)
            return try row.decode(column: column, as: T.self)
        }
    }

    /// Runs one statement outside any repository, e.g. to tamper with bookkeeping.
    func execute(_ sql: String) async throws {
        try await access.perform { database in try await database.raw(SQLQueryString(sql)).run() }
    }
}

@Suite("SQLite full-text index")
struct SQLiteFullTextIndexTests {
    @Test("the FTS5 index stays in sync through inserts, updates and cascading deletes")
    func indexIntegrity() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await SQLiteDatabaseStore.open(at: directory.appending("chatbot.sqlite"), logger: .testing)
            let conversation = try await store.conversations.createConversation(title: "fts")
            var message = MessageRecord.fixture(in: conversation.id, content: "original words")
            try await store.conversations.appendMessage(message)
            message.content = "replacement words"
            try await store.conversations.updateMessage(message)
            try await store.conversations.appendMessage(.fixture(in: conversation.id, content: "second message"))
            // 'integrity-check' with rank 1 compares the index against the content table and throws
            // (SQLITE_CORRUPT_VTAB) when they differ.
            try await store.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
            let original = try await store.conversations.searchMessages("original", limit: 5)
            #expect(original.isEmpty)
            _ = try await store.conversations.deleteConversation(id: conversation.id)
            try await store.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
            let rows = try await store.scalar(
                "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'words'", as: Int.self)
            try await store.close()
            #expect(rows == 0)
        }
    }

    @Test(
        "user text becomes quoted FTS5 terms",
        arguments: [
            ("hello world", #""hello" "world""#),
            (#"foo"bar"#, #""foo""bar""#),
            ("AND ( x", #""AND" "x""#),
            ("  ", nil),
            ("* ( )", nil),
        ] as [(String, String?)]
    )
    func matchExpression(input: String, expected: String?) {
        #expect(SQLiteDialectFeatures.ftsMatchExpression(for: input) == expected)
    }
}

@Suite("SQLite snapshots and transactions")
struct SQLiteSnapshotTests {
    @Test("a snapshot does not see rows committed after it started")
    func snapshotIsolation() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await SQLiteDatabaseStore.open(
                at: directory.url.appendingPathComponent("db.sqlite"), logger: Logger(label: "test"))
            let writer = try await SQLiteDatabaseStore.open(
                at: directory.url.appendingPathComponent("db.sqlite"), logger: Logger(label: "test"))
            _ = try await store.conversations.createConversation(title: "before")
            let counts = try await store.withSnapshot { database in
                let first = try await database.raw("SELECT COUNT(*) AS n FROM conversations").first()?
                    .decode(column: "n", as: Int.self)
                _ = try await writer.conversations.createConversation(title: "during")
                let second = try await database.raw("SELECT COUNT(*) AS n FROM conversations").first()?
                    .decode(column: "n", as: Int.self)
                return [first, second]
            }
            #expect(counts == [1, 1])
            #expect(try await store.conversations.listConversations(limit: 10, offset: 0).count == 2)
            try await writer.close()
            try await store.close()
        }
    }

    @Test("a transaction that throws leaves nothing behind")
    func rollback() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await SQLiteDatabaseStore.open(
                at: directory.url.appendingPathComponent("db.sqlite"), logger: Logger(label: "test"))
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await store.withTransaction { database in
                    try await database.raw(
                        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('x', 't', 0, 0)"
                    ).run()
                    throw Abort()
                }
            }
            #expect(try await store.conversations.listConversations(limit: 10, offset: 0).isEmpty)
            try await store.close()
        }
    }
}
