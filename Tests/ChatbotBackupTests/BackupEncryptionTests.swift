import ChatbotCore
import Foundation
import Testing

@testable import ChatbotBackup

@Suite("encrypted backups")
struct BackupEncryptionTests {
    private static func writeKeyFile(in root: URL, hex: Bool) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let path = root.appendingPathComponent("key-\(UUID().uuidString)").path
        let contents = hex ? Data((Hex.string(bytes) + "\n").utf8) : bytes
        try contents.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("key file (raw and hex) and passphrase: round trip; files are not readable as plain zstd")
    func roundTrip() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 10)
            let passphrase = root.appendingPathComponent("passphrase").path
            try Data("correct horse battery staple\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let keys = [
                try BackupKey.fromKeyFile(Self.writeKeyFile(in: root, hex: false)),
                try BackupKey.fromKeyFile(Self.writeKeyFile(in: root, hex: true)),
                try BackupKey.fromPassphraseFile(passphrase),
            ]
            for (index, key) in keys.enumerated() {
                let archive = try await backUp(source, into: root.appendingPathComponent("backups-\(index)"), key: key)
                #expect(archive.manifest.encryption != nil)
                _ = try archive.verify()
                // Without the key, the data cannot even be opened.
                #expect(throws: ChatbotError.self) { try BackupArchive(at: archive.directory, key: nil) }
                let messages = archive.directory.appendingPathComponent("tables/messages.ndjson.zst")
                let stored = try Data(contentsOf: messages)
                #expect(stored.range(of: Data("quick brown".utf8)) == nil)
                #expect(stored.prefix(4) != Data([0x28, 0xB5, 0x2F, 0xFD]))  // no zstd magic in the clear

                let target = try await StoreFixture.open(in: root.appendingPathComponent("target-\(index)"))
                _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
                #expect(try await target.tableContents() == source.tableContents())
                #expect(try await target.objectContents() == source.objectContents())
                try await target.close()
            }
            try await source.close()
        }
    }

    @Test("a wrong key or passphrase is refused before anything is read")
    func wrongKey() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 1, messagesEach: 2)
            let right = try BackupKey.fromKeyFile(Self.writeKeyFile(in: root, hex: false))
            let wrong = try BackupKey.fromKeyFile(Self.writeKeyFile(in: root, hex: false))
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"), key: right)
            #expect(throws: ChatbotError.self) { try BackupArchive(at: archive.directory, key: wrong) }
            let passphrase = root.appendingPathComponent("passphrase").path
            try Data("not it".utf8).write(to: URL(fileURLWithPath: passphrase))
            #expect(throws: ChatbotError.self) {
                try BackupArchive(at: archive.directory, key: BackupKey.fromPassphraseFile(passphrase))
            }
            try await source.close()
        }
    }

    @Test("segments: truncation, reordering and moving a file to another name are detected")
    func segmentTampering() async throws {
        try await withTemporaryDirectory { root in
            let key = try BackupKey.fromKeyFile(Self.writeKeyFile(in: root, hex: false))
            let (cipher, _) = try BackupCipher.create(with: key)
            var generator = SystemRandomNumberGenerator()
            let content = Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let writer = try ArchiveFileWriter(directory: root, path: "objects/a.zst", level: 1, cipher: cipher)
            try writer.write(content)
            let stored = try writer.finish()
            func read(_ path: String, _ bytes: Data) throws -> Data {
                try bytes.write(to: root.appendingPathComponent(path))
                let reader = try ArchiveFileReader(
                    directory: root, path: path, sha256: Hex.string(SHA256Digest.of(bytes)), bytes: Int64(bytes.count),
                    cipher: cipher)
                var output = Data()
                try reader.readAll { output.append($0) }
                return output
            }
            let original = try Data(contentsOf: root.appendingPathComponent("objects/a.zst"))
            #expect(Int64(original.count) == stored.bytes)
            #expect(try read("objects/a.zst", original) == content)

            let segment = BackupCipher.segmentSize + BackupCipher.overhead
            #expect(original.count > 3 * segment)
            // Cut after the first two segments: the last one left was not sealed as final.
            #expect(throws: ChatbotError.self) { try read("objects/a.zst", original.prefix(2 * segment)) }
            // Swap the first two segments.
            let swapped =
                original.subdata(in: segment..<2 * segment) + original.subdata(in: 0..<segment)
                + original.subdata(in: 2 * segment..<original.count)
            #expect(throws: ChatbotError.self) { try read("objects/a.zst", swapped) }
            // The same bytes under another name.
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("objects/b"), withIntermediateDirectories: true)
            #expect(throws: ChatbotError.self) { try read("objects/b.zst", original) }
        }
    }
}
