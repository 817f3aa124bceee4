public import ChatbotBackup
import ChatbotCore
public import ChatbotS3
public import Foundation
public import Logging
import NIOCore

/// The lock of an S3 backup prefix, shared by every host: the object `<prefix>/.chatbot-backup.lock`,
/// created with a conditional PUT (`If-None-Match: *`) so exactly one run can create it, holding
/// who took it and when. A local `flock` is taken first, so two runs on one host never race for it.
///
/// A lock older than `staleAfter` is taken over (its run is assumed dead: a backup never takes that
/// long), with a warning. A PUT whose response was lost and retried finds its own token in the
/// object and counts as taken.
public final class S3BackupLock: BackupLock {
    /// The lock object's name under the destination's prefix.
    public static let objectName = ".chatbot-backup.lock"

    struct Holder: Codable {
        var token: String
        var host: String
        var pid: Int32
        var createdAt: Date
    }

    private let client: S3Client
    private let token: String
    private let local: BackupDirectoryLock
    private let logger: Logger

    private init(client: S3Client, token: String, local: BackupDirectoryLock, logger: Logger) {
        self.client = client
        self.token = token
        self.local = local
        self.logger = logger
    }

    /// Takes the lock.
    ///
    /// - Throws: ``ChatbotError`` (`.temporary`, exit 75) when another run (on this host or any
    ///   other) holds it and it is not stale.
    public static func acquire(
        client: S3Client, lockDirectory: URL, staleAfter: TimeInterval, now: Date = Date(), logger: Logger
    ) async throws -> S3BackupLock {
        try FileManager.default.createDirectory(
            at: lockDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let local = try BackupDirectoryLock(directory: lockDirectory)
        let holder = Holder(
            token: UUID().uuidString, host: ProcessInfo.processInfo.hostName,
            pid: ProcessInfo.processInfo.processIdentifier, createdAt: now)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let body = ByteBuffer(bytes: try encoder.encode(holder))
        do {
            for attempt in 1...2 {
                if try await client.putObjectIfAbsent(objectName, body: body, contentType: "application/json") {
                    return S3BackupLock(client: client, token: holder.token, local: local, logger: logger)
                }
                guard let current = try await readHolder(client) else { continue }  // released meanwhile
                if current.token == holder.token {  // our PUT landed; its response was lost
                    return S3BackupLock(client: client, token: holder.token, local: local, logger: logger)
                }
                let age = now.timeIntervalSince(current.createdAt)
                guard age > staleAfter, attempt == 1 else {
                    throw ChatbotError(
                        .temporary,
                        "another chatbot backup holds the lock on \(location(client)) (host \(current.host), pid "
                            + "\(current.pid), since \(ISO8601DateFormatter().string(from: current.createdAt)))",
                        hint: "wait for it to finish; if that run died, the lock is taken over after "
                            + "\(Int(staleAfter / 3600)) h, or delete \(location(client))/\(objectName)")
                }
                logger.warning(
                    "Taking over a stale S3 backup lock",
                    metadata: ["host": "\(current.host)", "pid": "\(current.pid)", "age_seconds": "\(Int(age))"])
                try await client.deleteObject(objectName)
            }
            throw ChatbotError(.temporary, "another chatbot backup took the lock on \(location(client)) first")
        } catch {
            await local.release()
            throw error
        }
    }

    /// Deletes the lock object if it is still ours, then drops the local lock.
    public func release() async {
        do {
            if let current = try await Self.readHolder(client), current.token == token {
                try await client.deleteObject(Self.objectName)
            }
        } catch {
            logger.warning(
                "Could not release the S3 backup lock", metadata: ["error": "\(String(describing: error))"])
        }
        await local.release()
    }

    static func readHolder(_ client: S3Client) async throws -> Holder? {
        guard let bytes = try await client.getObject(objectName) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        // An unreadable lock object is treated as held since the epoch: stale, so taken over.
        return (try? decoder.decode(Holder.self, from: Data(bytes.readableBytesView)))
            ?? Holder(token: "", host: "unknown", pid: 0, createdAt: Date(timeIntervalSince1970: 0))
    }

    private static func location(_ client: S3Client) -> String {
        let prefix = client.configuration.prefix
        return "s3://\(client.configuration.bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
    }
}
