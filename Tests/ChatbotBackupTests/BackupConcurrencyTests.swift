import ChatbotCore
import ChatbotStorage
import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

@testable import ChatbotBackup

@Suite("backups while the store is in use")
struct BackupConcurrencyTests {
    @Test("a backup taken while another connection appends messages restores to a consistent snapshot")
    func writesContinue() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 3, messagesEach: 400)
            // A second connection to the same file, as another chatbot process would be.
            let writer = try await SQLiteDatabaseStore.open(at: source.databaseURL, logger: Logger(label: "writer"))
            let written = SharedFlag<Int>(0)
            let stop = SharedFlag<Bool>(false)
            let archive = try await withThrowingTaskGroup(of: BackupArchive?.self) { group in
                group.addTask {
                    while !stop.value {
                        let conversation = try await writer.conversations.createConversation(title: "during")
                        for number in 0..<3 {
                            try await writer.conversations.appendMessage(
                                .init(
                                    id: UUID().uuidString, conversationID: conversation.id, role: .user,
                                    content: "written during the backup \(number)", createdAt: Date()))
                        }
                        written.update { $0 += 1 }
                    }
                    return nil
                }
                group.addTask {
                    // Let the writer get going, then back up while it goes on.
                    while written.value < 5 { try await Task.sleep(for: .milliseconds(5)) }
                    defer { stop.update { $0 = true } }
                    return try await backUp(source, into: root.appendingPathComponent("backups"))
                }
                var archive: BackupArchive?
                for try await result in group where result != nil { archive = result }
                return try #require(archive)
            }
            try await writer.close()
            #expect(written.value > 5)

            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            let report = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
            #expect(report.rows == Dictionary(uniqueKeysWithValues: archive.manifest.tables.map { ($0.name, $0.rows) }))
            let (orphans, conversations, messages) = try await target.store.withSnapshot { sql in
                (
                    try await sql.raw(
                        """
                        SELECT COUNT(*) AS n FROM messages m \
                        WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id)
                        """
                    ).first()?.decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM conversations").first()?.decode(
                        column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM messages").first()?.decode(column: "n", as: Int.self)
                )
            }
            #expect(orphans == 0)
            #expect(conversations == report.rows["conversations"])
            #expect(messages == report.rows["messages"])
            // The writer commits a conversation, then its 3 messages one by one: a snapshot holds every
            // message of the conversations before the newest one, and 0 to 3 of the newest one's.
            let during = try #require(conversations) - 3
            #expect(during > 0)
            #expect((1200 + (during - 1) * 3...1200 + during * 3).contains(try #require(messages)))
            try await source.close()
            try await target.close()
        }
    }

    @Test("a second create while one holds the directory's lock fails as temporary (exit 75)")
    func lockHeld() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            let destination = LocalBackupDirectory(url: root.appendingPathComponent("backups"))
            let lock = try await destination.lock()
            let error = await #expect(throws: ChatbotError.self) {
                try await BackupCreator(database: source.store, objects: source.objects).create(
                    in: destination, options: BackupCreateOptions(chatbotVersion: "test"))
            }
            #expect(error?.kind == .temporary)
            #expect(error?.kind.exitCode == 75)
            withExtendedLifetime(lock) {}
            #expect(try await destination.list().isEmpty)
            try await source.close()
        }
    }
}

/// A value shared between test tasks.
private final class SharedFlag<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ change: (inout Value) -> Void) { storage.withLock { change(&$0) } }
}
