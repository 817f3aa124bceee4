import ChatbotCore
import Crypto
import Foundation

/// Writes one file of a backup: plain bytes in, zstd-compressed (and, with a cipher, sealed in
/// segments) bytes to disk, with the SHA-256 and size of what was stored.
final class ArchiveFileWriter {
    /// The path relative to the backup directory (bound into each encrypted segment).
    let path: String
    private let handle: FileHandle
    private let compressor: ZstdCompressor
    private let cipher: BackupCipher?
    private var pendingPlaintext = Data()
    private var segmentIndex: UInt64 = 0
    private var hasher = SHA256()
    private var storedBytes: Int64 = 0
    private var writeBuffer = Data()

    /// Creates `directory/path` (and its parent directories).
    init(directory: URL, path: String, level: Int32, cipher: BackupCipher?) throws {
        self.path = path
        self.cipher = cipher
        let url = directory.appendingPathComponent(path, isDirectory: false)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw ChatbotError(.runtime, "cannot create \(url.path)", hint: "check that the destination is writable")
        }
        handle = try FileHandle(forWritingTo: url)
        compressor = try ZstdCompressor(level: level)
    }

    deinit { try? handle.close() }

    /// Compresses and stores `data`.
    func write(_ data: some ContiguousBytes) throws {
        try emit(compressor.compress(data))
    }

    /// Ends the file, flushes it to disk and returns its SHA-256 (hex) and stored size.
    func finish() throws -> (sha256: String, bytes: Int64) {
        try emit(compressor.finish())
        if let cipher {
            try store(cipher.seal(pendingPlaintext, path: path, index: segmentIndex, isFinal: true))
            pendingPlaintext = Data()
        }
        try flush()
        try handle.synchronize()
        try handle.close()
        return (Hex.string(hasher.finalize()), storedBytes)
    }

    private func emit(_ compressed: Data) throws {
        guard let cipher else { return try store(compressed) }
        pendingPlaintext.append(compressed)
        // Strictly more than one segment: the last segment is sealed by finish() as the final one.
        while pendingPlaintext.count > BackupCipher.segmentSize {
            let segment = pendingPlaintext.prefix(BackupCipher.segmentSize)
            try store(cipher.seal(Data(segment), path: path, index: segmentIndex, isFinal: false))
            segmentIndex += 1
            pendingPlaintext = Data(pendingPlaintext.dropFirst(BackupCipher.segmentSize))
        }
    }

    private func store(_ bytes: Data) throws {
        guard !bytes.isEmpty else { return }
        hasher.update(data: bytes)
        storedBytes += Int64(bytes.count)
        writeBuffer.append(bytes)
        if writeBuffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !writeBuffer.isEmpty else { return }
        try handle.write(contentsOf: writeBuffer)
        writeBuffer.removeAll(keepingCapacity: true)
    }
}
