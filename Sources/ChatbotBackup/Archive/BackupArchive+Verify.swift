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
        let schema = try schema()
        var rows: [String: Int] = [:]
        for (entry, table) in zip(manifest.tables, schema.tables) {
            var splitter = LineSplitter()
            var count = 0
            let names = TableRows.names(table)
            try reader(path: entry.file, sha256: entry.sha256, bytes: entry.bytes).readAll { chunk in
                try splitter.feed(chunk) { line in
                    _ = try TableRows.parse(line, table: table, names: names)
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

    /// Checks the SHA-256 and size of every stored file against the (signed or authenticated)
    /// manifest without decompressing anything: what restore runs before it touches the target.
    ///
    /// Any changed byte fails here. What a checksum cannot see — a file that was written whole but
    /// does not decompress to the rows the manifest counts — is still caught while restoring, inside
    /// the transaction, which is then rolled back.
    func verifyChecksums(progress: (@Sendable (BackupProgress) -> Void)?) throws {
        _ = try schema()
        let files =
            manifest.tables.map { (path: $0.file, sha256: $0.sha256, bytes: $0.bytes) }
            + manifest.objects.map { (path: $0.file, sha256: $0.sha256, bytes: $0.bytes) }
        for (index, file) in files.enumerated() {
            try Self.checkRelative(file.path)
            try ArchiveFileReader.checkStored(
                directory: directory, path: file.path, sha256: file.sha256, bytes: file.bytes)
            progress?(BackupProgress(item: "checksums", done: index + 1, total: files.count))
        }
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
