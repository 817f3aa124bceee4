import ChatbotCore
import ChatbotStorage
import Foundation
import Testing

@testable import ChatbotBackup

@Suite("damaged backups")
struct BackupTamperTests {
    /// Every file of a backup, relative to it.
    private static func files(in directory: URL) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    private static func flipByte(in url: URL, at position: (Int) -> Int) throws {
        var data = try Data(contentsOf: url)
        let index = position(data.count)
        data[index] ^= 0x01
        try data.write(to: url)
    }

    @Test(
        "one flipped byte in any file (table, object, manifest, signature) fails verify and restore; the target stays untouched",
        arguments: [false, true])
    func flippedByte(encrypted: Bool) async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 6)
            let keyPath = root.appendingPathComponent("key").path
            try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: keyPath))
            let key = encrypted ? try BackupKey.fromKeyFile(keyPath) : nil
            let pristine = try await backUp(source, into: root.appendingPathComponent("backups"), key: key)
            let files = try Self.files(in: pristine.directory)
            #expect(files.contains("manifest.json") && files.contains("manifest.sig"))
            #expect(files.contains { $0.hasPrefix("objects/") } && files.contains { $0.hasPrefix("tables/") })

            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            let before = try await target.tableContents()
            for file in files {
                for position in [{ (count: Int) in 0 }, { (count: Int) in count / 2 }, { (count: Int) in count - 1 }] {
                    let copy = root.appendingPathComponent("copy-\(UUID().uuidString)")
                    try FileManager.default.copyItem(at: pristine.directory, to: copy)
                    let url = copy.appendingPathComponent(file)
                    if (try Data(contentsOf: url)).isEmpty { continue }
                    try Self.flipByte(in: url, at: position)
                    #expect(throws: ChatbotError.self, "verify of \(file)") {
                        try BackupArchive(at: copy, key: key).verify()
                    }
                    await #expect(throws: ChatbotError.self, "restore of \(file)") {
                        let archive = try BackupArchive(at: copy, key: key)
                        _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
                    }
                    #expect(try await target.tableContents() == before)
                    #expect(try await target.objects.list().isEmpty)
                    try FileManager.default.removeItem(at: copy)
                }
            }
            try await source.close()
            try await target.close()
        }
    }

    @Test(
        "a table file whose checksum matches a re-signed manifest but that holds a row fewer: restore --force fails inside its transaction and the target keeps its rows"
    )
    func consistentChecksumWrongRows() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 6)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            // Rewrite tables/messages with its last row dropped, and a manifest that vouches for it.
            var manifest = archive.manifest
            let index = try #require(manifest.tables.firstIndex { $0.name == "messages" })
            let url = archive.directory.appendingPathComponent(manifest.tables[index].file)
            let decompressor = try ZstdDecompressor()
            var plain = Data()
            try decompressor.decompress(try Data(contentsOf: url)) { plain.append($0) }
            try decompressor.finish()
            var lines = plain.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            lines.removeLast()
            let shorter = Data(lines.joined(separator: [UInt8(ascii: "\n")])) + Data([UInt8(ascii: "\n")])
            let compressor = try ZstdCompressor(level: 3)
            let stored = try compressor.compress(shorter) + compressor.finish()
            try stored.write(to: url)
            manifest.tables[index].sha256 = Hex.string(SHA256Digest.of(stored))
            manifest.tables[index].bytes = Int64(stored.count)
            let manifestBytes = try BackupArchive.encoder.encode(manifest)
            try manifestBytes.write(to: archive.directory.appendingPathComponent(BackupArchive.manifestName))
            try Data("sha256 \(Hex.string(SHA256Digest.of(manifestBytes)))\n".utf8).write(
                to: archive.directory.appendingPathComponent(BackupArchive.signatureName))

            let reopened = try BackupArchive(at: archive.directory, key: nil)
            #expect(throws: ChatbotError.self) { try reopened.verify() }
            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            try await target.populate(conversations: 1, messagesEach: 3)
            let before = try await target.tableContents()
            await #expect(throws: ChatbotError.self) {
                _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(
                    reopened, replace: true)
            }
            #expect(try await target.tableContents() == before)
            try await source.close()
            try await target.close()
        }
    }

    @Test("a missing file fails verify")
    func missingFile() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 1, messagesEach: 2)
            let archive = try await backUp(source, into: root.appendingPathComponent("backups"))
            let object = try #require(archive.manifest.objects.first)
            try FileManager.default.removeItem(at: archive.directory.appendingPathComponent(object.file))
            #expect(throws: ChatbotError.self) { try archive.verify() }
            try await source.close()
        }
    }
}
