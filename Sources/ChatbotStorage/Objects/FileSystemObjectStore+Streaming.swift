public import ChatbotCore
import Crypto
public import Foundation
import NIOPosix

extension FileSystemObjectStore {
    /// Writes `chunks` to a temporary file under `root/.incoming/` while hashing them, then
    /// flushes it and renames it to the content's key (or drops it when the content is stored
    /// already). The temporary file is removed when `chunks` throws or passes `maxBytes`.
    public func put(streaming chunks: ObjectByteStream, maxBytes: Int) async throws -> StoredObject {
        let incoming = root.appendingPathComponent(".incoming", isDirectory: true)
        let temporary = incoming.appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: false)
        let root = root
        let handle: FileHandle = try await NIOThreadPool.singleton.runIfActive {
            do {
                try FileManager.default.createDirectory(
                    at: incoming, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                guard
                    FileManager.default.createFile(
                        atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
                else { throw CocoaError(.fileWriteUnknown) }
                return try FileHandle(forWritingTo: temporary)
            } catch {
                throw ChatbotError(
                    .runtime, "cannot store an object in \(root.path): \(error.localizedDescription)",
                    hint: "check that the directory is writable and the disk is not full")
            }
        }
        var hasher = SHA256()
        var size = 0
        do {
            for try await chunk in chunks {
                size += chunk.count
                guard size <= maxBytes else { throw ObjectStoreLimits.tooLarge(maxBytes) }
                hasher.update(data: chunk)
                try await NIOThreadPool.singleton.runIfActive { try handle.write(contentsOf: chunk) }
            }
            let key = ObjectKey.hex(hasher.finalize())
            let destination =
                root
                .appendingPathComponent(String(key.prefix(2)), isDirectory: true)
                .appendingPathComponent(String(key.dropFirst(2).prefix(2)), isDirectory: true)
                .appendingPathComponent(key, isDirectory: false)
            try await NIOThreadPool.singleton.runIfActive {
                try handle.synchronize()
                try handle.close()
                if FileManager.default.fileExists(atPath: destination.path) {
                    try? FileManager.default.removeItem(at: temporary)
                    return
                }
                let directory = destination.deletingLastPathComponent()
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                guard rename(temporary.path, destination.path) == 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
                }
                if let directoryHandle = try? FileHandle(forReadingFrom: directory) {
                    try? directoryHandle.synchronize()
                    try? directoryHandle.close()
                }
            }
            return StoredObject(key: key, size: size)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
