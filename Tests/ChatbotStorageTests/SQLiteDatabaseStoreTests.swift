import ChatbotCore
import Foundation
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

    @Test("a directory that cannot be created is an unavailable error")
    func unwritableLocation() async throws {
        try await TemporaryDirectory.with { directory in
            let blocker = directory.appending("file")
            try Data("x".utf8).write(to: blocker)
            let error = try await #require(throws: ChatbotError.self) {
                try await SQLiteDatabaseStore.open(at: blocker.appendingPathComponent("db/chatbot.sqlite"), logger: .testing)
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
