public import ChatbotCore
import Crypto
public import Foundation
import NIOPosix

/// ``ObjectStore`` on the local filesystem, content-addressed by SHA-256.
///
/// The object with key `abcdef…` lives at `root/ab/cd/abcdef…`. Writes are atomic: the bytes go
/// to a temporary file in the same directory, are flushed to disk, and are renamed into place, so
/// a reader never sees a partial object. Keys that are not 64 lowercase hex characters are
/// refused, so no key can name a path outside the root.
///
/// The file system calls run on `NIOThreadPool.singleton`, never on the caller's thread, so they
/// do not hold a thread of Swift's cooperative pool.
public struct FileSystemObjectStore: ObjectStore {
    /// The directory holding the objects, e.g. ``StoragePaths/objects``.
    public let root: URL

    /// Creates a store under `root` (created on the first `put`).
    public init(root: URL) {
        self.root = root
    }

    /// Stores `data` and returns its SHA-256 (hex); content already stored is not written again.
    public func put(_ data: Data) async throws -> String {
        let key = ObjectKey.hex(SHA256.hash(data: data))
        let destination = fileURL(forValidKey: key)
        let root = root
        try await NIOThreadPool.singleton.runIfActive {
            if FileManager.default.fileExists(atPath: destination.path) { return }
            let directory = destination.deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(
                    at: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
                try Self.writeAtomically(data, to: destination)
            } catch {
                throw ChatbotError(
                    .runtime,
                    "cannot store an object in \(root.path): \(error.localizedDescription)",
                    hint: "check that the directory is writable and the disk is not full"
                )
            }
        }
        return key
    }

    /// The bytes stored under `key`, or `nil`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for a key that is not 64 lowercase hex characters.
    public func get(_ key: String) async throws -> Data? {
        let url = try fileURL(for: key)
        return try await NIOThreadPool.singleton.runIfActive {
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try Data(contentsOf: url)
        }
    }

    /// Whether something is stored under `key`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func exists(_ key: String) async throws -> Bool {
        let url = try fileURL(for: key)
        return try await NIOThreadPool.singleton.runIfActive { FileManager.default.fileExists(atPath: url.path) }
    }

    /// Removes `key`; a missing key is not an error.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an invalid key.
    public func delete(_ key: String) async throws {
        let url = try fileURL(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            do {
                try FileManager.default.removeItem(at: url)
            } catch CocoaError.fileNoSuchFile {
                return
            }
        }
    }

    /// Every key in the store, found by walking `root/xx/yy/`; temporary files and anything that
    /// is not an object are skipped.
    public func list() async throws -> [String] {
        let root = root
        return try await NIOThreadPool.singleton.runIfActive { try Self.keys(under: root) }
    }

    private static func keys(under root: URL) throws -> [String] {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: root.path) else { return [] }
        var keys: [String] = []
        for first in try fileManager.contentsOfDirectory(atPath: root.path) where Self.isHexPrefix(first) {
            let firstURL = root.appendingPathComponent(first, isDirectory: true)
            for second in (try? fileManager.contentsOfDirectory(atPath: firstURL.path)) ?? []
            where Self.isHexPrefix(second) {
                let secondURL = firstURL.appendingPathComponent(second, isDirectory: true)
                for name in (try? fileManager.contentsOfDirectory(atPath: secondURL.path)) ?? [] {
                    if Self.isValidKey(name), name.hasPrefix(first + second) { keys.append(name) }
                }
            }
        }
        return keys
    }

    /// Whether `key` is a SHA-256 digest in lowercase hex.
    public static func isValidKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy(isLowercaseHexDigit)
    }

    // MARK: - Paths and writing

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isHexPrefix(_ name: String) -> Bool {
        name.utf8.count == 2 && name.utf8.allSatisfy(isLowercaseHexDigit)
    }

    private func fileURL(for key: String) throws -> URL {
        guard Self.isValidKey(key) else {
            throw ChatbotError(
                .usage,
                "'\(key.prefix(80))' is not an object key",
                hint: "object keys are SHA-256 digests: 64 lowercase hex characters"
            )
        }
        return fileURL(forValidKey: key)
    }

    private func fileURL(forValidKey key: String) -> URL {
        root
            .appendingPathComponent(String(key.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(key.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(key, isDirectory: false)
    }

    /// Temporary file in the destination's directory, fsync, then rename(2), which replaces
    /// atomically (a concurrent writer of the same content is harmless: the bytes are identical).
    private static func writeAtomically(_ data: Data, to destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".tmp-\(UUID().uuidString)", isDirectory: false)
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            guard rename(temporary.path, destination.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        Self.synchronizeDirectory(directory)
    }

    /// Flushes the directory entry of a rename to disk (best effort: not every filesystem allows it).
    private static func synchronizeDirectory(_ directory: URL) {
        guard let handle = try? FileHandle(forReadingFrom: directory) else { return }
        defer { try? handle.close() }
        try? handle.synchronize()
    }
}
