public import Foundation

/// What `manifest.json` at the top of a backup says: what the backup holds and how to check it.
///
/// Every stored file is listed with its SHA-256 and size, so `backup verify` can check the whole
/// archive without the database. The manifest itself is checked through `manifest.sig`
/// (SHA-256 of its bytes, or an HMAC under the backup key when the backup is encrypted).
public struct BackupManifest: Codable, Sendable, Hashable {
    /// One table's data file.
    public struct TableEntry: Codable, Sendable, Hashable {
        /// The table name.
        public var name: String
        /// Rows in the file.
        public var rows: Int
        /// The file, relative to the backup directory (`tables/<name>.ndjson.zst`).
        public var file: String
        /// SHA-256 (hex) of the stored (compressed, possibly encrypted) file.
        public var sha256: String
        /// Size of the stored file in bytes.
        public var bytes: Int64
    }

    /// One object of the object store.
    public struct ObjectEntry: Codable, Sendable, Hashable {
        /// The object's key (SHA-256 of its content).
        public var key: String
        /// The file, relative to the backup directory (`objects/ab/<key>.zst`).
        public var file: String
        /// SHA-256 (hex) of the stored file.
        public var sha256: String
        /// Size of the stored file in bytes.
        public var bytes: Int64
    }

    /// How the files are encrypted (absent for a plain backup).
    public struct Encryption: Codable, Sendable, Hashable {
        /// Always `AES-256-GCM`.
        public var algorithm: String
        /// Plaintext bytes per sealed segment.
        public var segmentSize: Int
        /// `key-file` or `scrypt` (passphrase).
        public var keyDerivation: String
        /// scrypt salt (base64), for a passphrase.
        public var scryptSalt: String?
        /// scrypt cost N (log2), for a passphrase.
        public var scryptLogN: Int?
        /// scrypt block size r, for a passphrase.
        public var scryptBlockSize: Int?
        /// scrypt parallelism p, for a passphrase.
        public var scryptParallelism: Int?
        /// Per-backup HKDF-SHA256 salt (base64) from which the file and manifest keys are derived.
        public var hkdfSalt: String
    }

    /// The archive format version (``BackupManifest/currentFormatVersion``).
    public var formatVersion: Int
    /// When the snapshot was taken (ISO 8601, UTC, milliseconds).
    public var createdAt: String
    /// The chatbot version that wrote the backup.
    public var chatbotVersion: String
    /// The database backend the backup was taken from (`sqlite`, `postgresql`).
    public var backend: String
    /// The schema version of the dumped tables.
    public var schemaVersion: Int
    /// zstd level used.
    public var compressionLevel: Int
    /// The tables, in restore (dependency) order.
    public var tables: [TableEntry]
    /// The objects.
    public var objects: [ObjectEntry]
    /// Encryption parameters, when encrypted.
    public var encryption: Encryption?

    /// Parses the bytes of a `manifest.json` (without checking them: see ``BackupArchive``).
    public static func decoded(from data: Data) throws -> BackupManifest {
        try BackupArchive.decoder.decode(BackupManifest.self, from: data)
    }

    /// The format this binary writes and reads.
    public static let currentFormatVersion = 1

    /// Total size of the stored data files.
    public var dataBytes: Int64 {
        tables.reduce(0) { $0 + $1.bytes } + objects.reduce(0) { $0 + $1.bytes }
    }

    /// Total rows over all tables.
    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }
}
