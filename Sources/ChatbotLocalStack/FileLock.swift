#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An advisory lock on a file (`flock`), shared between processes.
final class FileLock: Sendable {
    // The descriptor is written once in init and only read afterwards.
    private let descriptor: Int32

    struct OpenError: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OpenError(description: "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// Waits for the lock, polling so the waiting task stays cancellable.
    func acquire() async throws {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Tries once; returns whether the lock is now held.
    func tryAcquire() -> Bool {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    func release() {
        flock(descriptor, LOCK_UN)
    }
}
