import ChatbotBackup
import ChatbotCore
import Foundation
import Testing

@Suite("backup directory")
struct LocalBackupDirectoryTests {
    @Test("a staging directory left by a killed run is never listed, and is removed by prune's cleanup")
    func abandonedStaging() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            let directory = LocalBackupDirectory(url: root.appendingPathComponent("backups"))
            let archive = try await backUp(source, into: directory.url)
            // What a run killed after writing its manifest would leave behind.
            let staging = try await directory.makeStagingDirectory(name: "chatbot-backup-20990101T000000Z")
            for file in ["manifest.json", "manifest.sig"] {
                try FileManager.default.copyItem(
                    at: archive.directory.appendingPathComponent(file), to: staging.appendingPathComponent(file))
            }
            #expect(try await directory.list().map(\.location) == [archive.directory.path])
            let lock = try await directory.lock()
            #expect(try await directory.removeAbandonedStaging() == [".partial-chatbot-backup-20990101T000000Z"])
            withExtendedLifetime(lock) {}
            #expect(!FileManager.default.fileExists(atPath: staging.path))
            #expect(try await directory.list().count == 1)
            try await source.close()
        }
    }

    @Test("two backups in the same second get distinct names; list is newest first")
    func sameSecond() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            let directory = LocalBackupDirectory(url: root.appendingPathComponent("backups"))
            let instant = Date(timeIntervalSince1970: 1_767_268_800)
            let creator = BackupCreator(database: source.store, objects: source.objects, clock: { instant })
            let first = try await creator.create(in: directory, options: BackupCreateOptions(chatbotVersion: "t"))
            let second = try await creator.create(in: directory, options: BackupCreateOptions(chatbotVersion: "t"))
            #expect(first.name == "chatbot-backup-20260101T120000Z")
            #expect(second.name != first.name && second.name.hasPrefix(first.name))
            #expect(Set(try await directory.list().map(\.name)) == [first.name, second.name])
            await #expect(throws: ChatbotError.self) { try await directory.remove(name: "../source") }
            try await source.close()
        }
    }
}
