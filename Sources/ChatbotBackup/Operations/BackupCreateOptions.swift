/// How `backup create` writes a backup.
public struct BackupCreateOptions: Sendable {
    /// zstd level (1…19).
    public var compressionLevel: Int
    /// Encrypt with this key; `nil` for a plain backup.
    public var key: BackupKey?
    /// The chatbot version recorded in the manifest.
    public var chatbotVersion: String

    /// Creates options; level 3 is zstd's default.
    public init(compressionLevel: Int = 3, key: BackupKey? = nil, chatbotVersion: String) {
        self.compressionLevel = compressionLevel
        self.key = key
        self.chatbotVersion = chatbotVersion
    }
}
