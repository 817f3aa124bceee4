public import ChatbotCore
import Crypto
import Foundation
import SQLKit

/// How a caller waits for a named lock another process holds.
public enum LockWaiting: Sendable, Hashable {
    /// Fail at once with ``ChatbotError`` `.temporary` (exit 75), naming the lock.
    case failFast
    /// Try again every half second until the lock is free or `seconds` have passed.
    case wait(seconds: Double)
}

extension LockWaiting {
    /// When a caller starting at `start` gives up: `nil` for ``failFast`` (after one try), else
    /// `seconds` after `start`.
    public func deadline(from start: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
        switch self {
        case .failFast: nil
        case .wait(let seconds): start + .milliseconds(Int64(seconds * 1000))
        }
    }

    /// The error for a lock called `name` that another holder kept: ``ChatbotError`` `.temporary`
    /// (exit 75) with a hint. Every ``DatabaseStore`` implementation throws this one.
    public static func busyError(_ name: String) -> ChatbotError {
        ChatbotError(
            .temporary, "\(name) is in use by another chatbot process",
            hint: "wait for it to finish, or ask to queue behind it", reason: .lockHeld)
    }
}

enum NamedLockKey {
    /// A file name for `name`: its SHA-256 in hex.
    static func fileName(_ name: String) -> String {
        SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined() + ".lock"
    }

    /// A signed 64-bit advisory-lock key for `name` (the first 8 bytes of its SHA-256).
    static func advisoryKey(_ name: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data(("chatbot:" + name).utf8)))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    static func busy(_ name: String) -> ChatbotError {
        LockWaiting.busyError(name)
    }
}

/// An `flock(2)` on a file: released on close, and by the kernel when the process dies.
enum FileLock {
    static func with<T: Sendable>(
        path: String, name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ChatbotError(.unavailable, "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let deadline = waiting.deadline()
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw ChatbotError(.unavailable, "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            guard let deadline, ContinuousClock.now < deadline else { throw NamedLockKey.busy(name) }
            try await Task.sleep(for: .milliseconds(500))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}

extension PostgresDatabaseStore {
    /// Runs `body` holding a session advisory lock on one pooled connection.
    func withAdvisoryLock<T: Sendable>(
        _ name: String, waiting: LockWaiting, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let key = NamedLockKey.advisoryKey(name)
        let deadline = waiting.deadline()
        return try await access.perform { database in
            try await database.withSession { session in
                while true {
                    let row = try await session.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS locked").first()
                    if try row?.decode(column: "locked", as: Bool.self) == true { break }
                    guard let deadline, ContinuousClock.now < deadline else { throw NamedLockKey.busy(name) }
                    try await Task.sleep(for: .milliseconds(500))
                }
                do {
                    let result = try await body()
                    _ = try? await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    return result
                } catch {
                    _ = try? await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    throw error
                }
            }
        }
    }
}
