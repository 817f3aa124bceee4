public import Foundation

/// Where a database stands against the migrations this binary knows.
public struct MigrationStatus: Sendable, Hashable {
    /// One migration, known to the binary, recorded in the database, or both.
    public struct Entry: Sendable, Hashable {
        /// The schema version.
        public var version: Int
        /// The migration's name (from the binary, or from the database for unknown versions).
        public var name: String
        /// Whether the database records it as applied.
        public var isApplied: Bool
        /// When it was applied.
        public var appliedAt: Date?
        /// Whether it is applied but its recorded checksum differs from the binary's.
        public var checksumMismatch: Bool
        /// Whether this binary knows the migration (`false` for versions from a newer binary).
        public var isKnown: Bool

        /// Creates an entry.
        public init(
            version: Int,
            name: String,
            isApplied: Bool,
            appliedAt: Date?,
            checksumMismatch: Bool,
            isKnown: Bool
        ) {
            self.version = version
            self.name = name
            self.isApplied = isApplied
            self.appliedAt = appliedAt
            self.checksumMismatch = checksumMismatch
            self.isKnown = isKnown
        }
    }

    /// Every migration, oldest first.
    public var entries: [Entry]
    /// The highest applied version (0 for an empty database).
    public var currentVersion: Int
    /// The highest version this binary knows.
    public var latestVersion: Int

    /// Creates a status.
    public init(entries: [Entry], currentVersion: Int, latestVersion: Int) {
        self.entries = entries
        self.currentVersion = currentVersion
        self.latestVersion = latestVersion
    }

    /// Migrations this binary knows that are not applied yet.
    public var pending: [Entry] { entries.filter { $0.isKnown && !$0.isApplied } }
}
