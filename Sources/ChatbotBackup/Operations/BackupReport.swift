/// What `backup create` wrote (the `--json` report).
public struct BackupReport: Sendable, Hashable, Codable {
    /// The published backup's location.
    public var path: String
    /// The backup's name.
    public var name: String
    /// Stored bytes of all files, the manifest included.
    public var bytes: Int64
    /// Rows per table.
    public var rows: [String: Int]
    /// Objects copied.
    public var objects: Int
    /// The schema version dumped.
    public var schemaVersion: Int
    /// Whether it is encrypted.
    public var encrypted: Bool
    /// Wall time in seconds.
    public var durationSeconds: Double
}
