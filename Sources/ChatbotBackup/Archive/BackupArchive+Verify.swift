import ChatbotCore
import Crypto
import Foundation

extension BackupArchive {
    /// Reads every file of the backup in full: checksums and sizes against the manifest,
    /// decryption, decompression, every row parsed against the schema and counted, every object's
    /// content hashed against its key.
    ///
    /// - Throws: ``ChatbotError`` (`.runtime`) naming the first problem found.
    public func verify(progress: (@Sendable (BackupProgress) -> Void)? = nil) throws -> BackupVerification {
        try verify(parsingRows: true, progress: progress)
    }

    /// ``verify(progress:)``; without `parsingRows`, rows are counted but not parsed (restore
    /// parses them as it inserts, inside its transaction, after every checksum passed).
    func verify(parsingRows: Bool, progress: (@Sendable (BackupProgress) -> Void)?) throws -> BackupVerification {
        let schema = try schema()
        var rows: [String: Int] = [:]
        for (entry, table) in zip(manifest.tables, schema.tables) {
            var splitter = LineSplitter()
            var count = 0
            let names = TableRows.names(table)
            try reader(path: entry.file, sha256: entry.sha256, bytes: entry.bytes).readAll { chunk in
                try splitter.feed(chunk) { line in
                    if parsingRows { _ = try TableRows.parse(line, table: table, names: names) }
                    count += 1
                }
                progress?(BackupProgress(item: table.name, done: count, total: entry.rows))
            }
            guard !splitter.hasPartialLine else {
                throw ChatbotError(.runtime, "\(entry.file) is damaged: it ends inside a row")
            }
            guard count == entry.rows else {
                throw ChatbotError(
                    .runtime, "\(entry.file) holds \(count) rows but the manifest says \(entry.rows)")
            }
            rows[entry.name] = count
        }
        for (index, object) in manifest.objects.enumerated() {
            _ = try objectContent(object)
            progress?(BackupProgress(item: "objects", done: index + 1, total: manifest.objects.count))
        }
        return BackupVerification(
            path: directory.path, schemaVersion: manifest.schemaVersion, rows: rows, objects: manifest.objects.count,
            bytes: manifest.dataBytes, encrypted: manifest.encryption != nil)
    }

    /// An object's content, checked against its key.
    func objectContent(_ object: BackupManifest.ObjectEntry) throws -> Data {
        var content = Data()
        try reader(path: object.file, sha256: object.sha256, bytes: object.bytes).readAll { content.append($0) }
        guard Hex.string(SHA256.hash(data: content)) == object.key else {
            throw ChatbotError(.runtime, "object \(object.key) in the backup does not match its key")
        }
        return content
    }
}
