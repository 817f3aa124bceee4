/// What `backup restore` did (the `--json` report).
public struct BackupRestoreReport: Sendable, Hashable, Codable {
    /// The backup restored.
    public var path: String
    /// Rows inserted per table.
    public var rows: [String: Int]
    /// Objects stored.
    public var objects: Int
    /// The backup's schema version.
    public var schemaVersion: Int
    /// The target's schema version afterwards (migrated to this binary's latest).
    public var finalSchemaVersion: Int
    /// Whether existing contents were replaced (`--force`).
    public var replaced: Bool
    /// Wall time in seconds.
    public var durationSeconds: Double
}
