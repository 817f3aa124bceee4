public import Foundation

/// Where backups are published and found: a local directory now, an S3 prefix later (hence async).
///
/// A backup is always written to a local staging directory first; ``publish(staging:name:)``
/// makes it visible in one step (a rename locally; for S3, an upload with the manifest last, so a
/// listing never shows a backup without its data). Listing and pruning go through the same seam.
public protocol BackupDestination: Sendable {
    /// Where this is, for messages and reports.
    var location: String { get }
    /// Takes the destination's exclusive lock (exit 75 when held elsewhere). Give it back with
    /// ``BackupLock/release()``; a process that dies without doing so loses a local lock at once,
    /// and a shared one (S3) once it is stale.
    func lock() async throws -> any BackupLock
    /// A fresh, empty staging directory for the backup `name`.
    func makeStagingDirectory(name: String) async throws -> URL
    /// Makes the staged backup visible as `name` and returns its final location.
    func publish(staging: URL, name: String) async throws -> String
    /// Drops a staging directory after a failure.
    func discard(staging: URL)
    /// The complete backups present, newest first.
    func list() async throws -> [BackupSummary]
    /// Deletes the backup `name`.
    func remove(name: String) async throws
    /// Deletes staging directories left by killed runs (call with the lock held).
    func removeAbandonedStaging() async throws -> [String]
}

/// A held ``BackupDestination`` lock.
public protocol BackupLock: Sendable {
    /// Gives the lock back (idempotent; failures are logged by the implementation, not thrown).
    func release() async
}
