import ChatbotCore
import Crypto
import Foundation

/// Reads one file of a backup back, a piece at a time: checks its SHA-256 and size against the
/// manifest, opens its segments (when encrypted) and decompresses it.
///
/// Plain bytes come out of ``next()`` before the checksum can be known; the checksum is checked
/// when the file ends, so a caller that stores what it reads must do so in a transaction it can
/// roll back (restore does, and verifies the whole backup before that anyway).
final class ArchiveFileReader {
    /// Stored bytes read per step; bounds what one ``next()`` returns to this times the
    /// compression ratio.
    static let readSize = 128 << 10

    private let path: String
    private let expectedSHA256: String
    private let expectedBytes: Int64
    private let cipher: BackupCipher?
    private let handle: FileHandle
    private let decompressor: ZstdDecompressor
    private var hasher = SHA256()
    private var total: Int64 = 0
    private var pending = Data()
    private var segmentIndex: UInt64 = 0
    private var finished = false

    /// Opens `directory/path`, to be checked against the manifest's `sha256` and `bytes`.
    init(directory: URL, path: String, sha256: String, bytes: Int64, cipher: BackupCipher?) throws {
        self.path = path
        expectedSHA256 = sha256
        expectedBytes = bytes
        self.cipher = cipher
        handle = try Self.open(directory: directory, path: path)
        decompressor = try ZstdDecompressor()
    }

    /// Checks the stored file's size and SHA-256 against the manifest's, without decompressing
    /// or decrypting it (what ``next()`` checks at the end of a file, up front).
    static func checkStored(directory: URL, path: String, sha256: String, bytes: Int64) throws {
        let handle = try open(directory: directory, path: path)
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while total <= bytes, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += Int64(chunk.count)
        }
        guard total == bytes, Hex.string(hasher.finalize()) == sha256 else {
            throw corrupt(path, "its SHA-256 or size differs from the manifest")
        }
    }

    private static func open(directory: URL, path: String) throws -> FileHandle {
        let url = directory.appendingPathComponent(path, isDirectory: false)
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ChatbotError(.runtime, "the backup is incomplete: \(path) is missing", hint: "use another backup")
        }
        return handle
    }

    private static func corrupt(_ path: String, _ detail: String) -> ChatbotError {
        ChatbotError(.runtime, "\(path) is damaged: \(detail)", hint: "use another backup")
    }

    deinit { try? handle.close() }

    /// The next plain bytes (possibly empty), or `nil` at the end once every check passed.
    func next() throws -> Data? {
        guard !finished else { return nil }
        let chunk = try handle.read(upToCount: Self.readSize) ?? Data()
        let atEnd = chunk.isEmpty
        hasher.update(data: chunk)
        total += Int64(chunk.count)
        var plain = Data()
        if let cipher {
            pending.append(chunk)
            try openSegments(cipher, atEnd: atEnd) { try decompressor.decompress($0) { plain.append($0) } }
        } else if !atEnd {
            try decompressor.decompress(chunk) { plain.append($0) }
        }
        if atEnd {
            try complete()
            return plain.isEmpty ? nil : plain
        }
        return plain
    }

    /// Reads the whole file, handing the plain bytes to `sink`.
    func readAll(_ sink: (Data) throws -> Void) throws {
        while let data = try next() {
            try sink(data)
        }
    }

    private func corrupt(_ detail: String) -> ChatbotError { Self.corrupt(path, detail) }

    /// Opens every complete segment in `pending`; a segment is final only when nothing follows it.
    private func openSegments(_ cipher: BackupCipher, atEnd: Bool, _ plain: (Data) throws -> Void) throws {
        while pending.count >= 4 {
            let length = pending.prefix(4).reduce(0) { ($0 << 8) | Int($1) }
            guard length <= BackupCipher.segmentSize else { throw corrupt("bad segment length") }
            let size = BackupCipher.overhead + length
            guard pending.count >= size else { return }
            // A segment that ends the buffered bytes may be the final one: read on to find out.
            if !atEnd && pending.count == size { return }
            let isFinal = atEnd && pending.count == size
            let body = Data(pending.dropFirst(4).prefix(size - 4))
            try plain(try cipher.open(body, path: path, index: segmentIndex, isFinal: isFinal))
            segmentIndex += 1
            pending = Data(pending.dropFirst(size))
        }
    }

    private func complete() throws {
        finished = true
        if cipher != nil {
            guard pending.isEmpty, segmentIndex > 0 else { throw corrupt("truncated (no final segment)") }
        }
        try decompressor.finish()
        guard Hex.string(hasher.finalize()) == expectedSHA256, total == expectedBytes else {
            throw corrupt("its SHA-256 or size differs from the manifest")
        }
    }
}
