import Foundation

/// One table's file of a backup being written: NDJSON lines are gathered in a caller's buffer and
/// handed over in pieces of about 256 KiB, compressed (and sealed) as they come.
struct TableFileOutput {
    /// Hand a buffer over once it holds this many bytes.
    static let flushThreshold = 256 << 10

    private let table: BackupSchema.Table
    private let path: String
    private let writer: ArchiveFileWriter
    private let progress: (@Sendable (BackupProgress) -> Void)?

    /// Creates `tables/<name>.ndjson.zst` in `staging`.
    init(
        _ table: BackupSchema.Table, in staging: URL, level: Int32, cipher: BackupCipher?,
        progress: (@Sendable (BackupProgress) -> Void)?
    ) throws {
        self.table = table
        path = "tables/\(table.name).ndjson.zst"
        writer = try ArchiveFileWriter(directory: staging, path: path, level: level, cipher: cipher)
        self.progress = progress
    }

    /// An empty buffer with room for one piece.
    static func makeBuffer() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushThreshold + (flushThreshold >> 3))
        return buffer
    }

    /// Writes out and empties `buffer`; `rows` is how many rows are done so far (for progress).
    func write(_ buffer: inout [UInt8], rows: Int) throws {
        try writer.write(buffer)
        buffer.removeAll(keepingCapacity: true)
        progress?(BackupProgress(item: table.name, done: rows, total: nil))
    }

    /// Writes the rest, ends the file and returns its manifest entry.
    func finish(_ buffer: [UInt8], rows: Int) throws -> BackupManifest.TableEntry {
        try writer.write(buffer)
        let stored = try writer.finish()
        progress?(BackupProgress(item: table.name, done: rows, total: rows))
        return BackupManifest.TableEntry(
            name: table.name, rows: rows, file: path, sha256: stored.sha256, bytes: stored.bytes)
    }
}
