/// What `backup verify` found: every file read, checked and counted.
public struct BackupVerification: Sendable, Hashable, Codable {
    /// The backup checked.
    public var path: String
    /// The backup's schema version.
    public var schemaVersion: Int
    /// Rows counted per table (equal to the manifest's).
    public var rows: [String: Int]
    /// Objects checked.
    public var objects: Int
    /// Stored bytes read.
    public var bytes: Int64
    /// Whether the backup is encrypted.
    public var encrypted: Bool
}
