public import Foundation

/// One backup as `backup list` shows it, read from its manifest.
public struct BackupSummary: Sendable, Hashable, Codable {
    /// The backup's name (`chatbot-backup-<UTC time>`).
    public var name: String
    /// Its location (a path, or a URL for remote destinations).
    public var location: String
    /// When its snapshot was taken.
    public var createdAt: Date
    /// The schema version of its tables.
    public var schemaVersion: Int
    /// The backend it was taken from.
    public var backend: String
    /// Rows over all tables.
    public var rows: Int
    /// Objects in it.
    public var objects: Int
    /// Stored size of its data files.
    public var bytes: Int64
    /// Whether it is encrypted.
    public var encrypted: Bool

    /// Creates a summary (destinations build these from manifests).
    public init(
        name: String, location: String, createdAt: Date, schemaVersion: Int, backend: String, rows: Int, objects: Int,
        bytes: Int64, encrypted: Bool
    ) {
        self.name = name
        self.location = location
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.backend = backend
        self.rows = rows
        self.objects = objects
        self.bytes = bytes
        self.encrypted = encrypted
    }
}
