import ChatbotCore
public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<directory>/.chatbot-backup.lock`, held while a backup is written or
/// pruned, so two cron runs never write or delete in the same directory at once. The kernel
/// drops the lock when the process dies, so a killed run never leaves it stuck.
public final class BackupDirectoryLock: BackupLock {
    private let descriptor: Mutex<Int32>

    /// The lock file's name inside a backup directory.
    public static let fileName = ".chatbot-backup.lock"

    /// Takes the lock without waiting.
    ///
    /// - Throws: ``ChatbotError`` (`.temporary`, exit 75) when another process holds it;
    ///   (`.runtime`) when the lock file cannot be opened.
    public init(directory: URL) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ChatbotError(
                .runtime, "cannot open the lock file \(path): \(String(cString: strerror(errno)))",
                hint: "check that the backup directory is writable")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ChatbotError(
                .temporary, "another chatbot backup is running in \(directory.path)",
                hint: "wait for it to finish, then retry")
        }
        self.descriptor = Mutex(descriptor)
    }

    /// Drops the lock now (the descriptor is closed; the kernel releases the `flock`).
    public func release() async { closeDescriptor() }

    deinit { closeDescriptor() }

    private func closeDescriptor() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }
}
