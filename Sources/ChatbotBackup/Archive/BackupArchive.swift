import ChatbotCore
import Crypto
public import Foundation

/// A backup on disk, opened for reading: its manifest checked against `manifest.sig` (SHA-256,
/// or HMAC-SHA256 under the backup key when encrypted) and, for an encrypted backup, the cipher.
public struct BackupArchive: Sendable {
    /// The backup directory.
    public let directory: URL
    /// The checked manifest.
    public let manifest: BackupManifest
    let cipher: BackupCipher?

    static let manifestName = "manifest.json"
    static let signatureName = "manifest.sig"

    /// Opens the backup at `directory`.
    ///
    /// - Parameter key: Required for an encrypted backup; refused for a plain one.
    /// - Throws: ``ChatbotError``: (`.notFound`) no manifest; (`.usage`) key missing or not
    ///   needed; (`.runtime`) a damaged manifest or a key that does not open the backup.
    public init(at directory: URL, key: BackupKey?) throws {
        self.directory = directory
        let manifestURL = directory.appendingPathComponent(Self.manifestName)
        guard let bytes = FileManager.default.contents(atPath: manifestURL.path) else {
            throw ChatbotError(
                .notFound, "\(directory.path) is not a chatbot backup (no \(Self.manifestName))",
                hint: "pass a directory that `chatbot backup list` shows")
        }
        let signature = FileManager.default.contents(atPath: directory.appendingPathComponent(Self.signatureName).path)
        let signatureText = signature.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let manifest: BackupManifest
        do {
            manifest = try Self.decoder.decode(BackupManifest.self, from: bytes)
        } catch {
            throw ChatbotError(.runtime, "the manifest of \(directory.path) is damaged (not a valid manifest)")
        }
        guard manifest.formatVersion == BackupManifest.currentFormatVersion else {
            throw ChatbotError(
                .conflict, "backup format \(manifest.formatVersion) is not supported by this chatbot",
                hint: "use the chatbot version that wrote it")
        }
        if let encryption = manifest.encryption {
            guard let key else {
                throw ChatbotError(
                    .usage, "\(directory.path) is encrypted", hint: "give the key or passphrase it was encrypted with",
                    reason: .backupKeyMissing)
            }
            let cipher = try BackupCipher.open(encryption, with: key)
            guard signatureText == "hmac-sha256 \(cipher.authenticate(manifest: bytes))\n" else {
                throw ChatbotError(
                    .runtime, "the key does not open \(directory.path), or its manifest was altered",
                    hint: "check the key or passphrase file")
            }
            self.cipher = cipher
        } else {
            if key != nil {
                throw ChatbotError(.usage, "\(directory.path) is not encrypted", hint: "leave out the key option")
            }
            guard signatureText == "sha256 \(Hex.string(SHA256.hash(data: bytes)))\n" else {
                throw ChatbotError(.runtime, "the manifest of \(directory.path) is damaged (checksum mismatch)")
            }
            cipher = nil
        }
        self.manifest = manifest
    }

    /// Reads a manifest without checking it (for listings).
    static func readManifest(in directory: URL) throws -> BackupManifest {
        let data = try Data(contentsOf: directory.appendingPathComponent(manifestName))
        return try decoder.decode(BackupManifest.self, from: data)
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// A reader for one stored file of this backup.
    func reader(path: String, sha256: String, bytes: Int64) throws -> ArchiveFileReader {
        try Self.checkRelative(path)
        return try ArchiveFileReader(directory: directory, path: path, sha256: sha256, bytes: bytes, cipher: cipher)
    }

    /// Refuses manifest paths that could leave the backup directory.
    static func checkRelative(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) else {
            throw ChatbotError(.runtime, "the manifest names a file outside the backup (\(path))")
        }
    }

    /// The schema the backup's tables follow, checked against the tables the manifest lists.
    func schema() throws -> BackupSchema {
        let schema = try BackupSchema.forVersion(manifest.schemaVersion)
        guard schema.tables.map(\.name) == manifest.tables.map(\.name) else {
            throw ChatbotError(.runtime, "the manifest's tables do not match schema version \(manifest.schemaVersion)")
        }
        return schema
    }
}
