import ChatbotCore
import Crypto
import Foundation
import _CryptoExtras

/// The keys of one encrypted backup and the segment format of its files.
///
/// The master key is the key file's 32 bytes, or scrypt(passphrase, salt). HKDF-SHA256 over a
/// per-backup salt derives two keys from it: one seals file segments (AES-256-GCM), one
/// authenticates `manifest.json` (HMAC-SHA256). A stored file is a sequence of segments:
/// `UInt32 BE plaintext length ‖ 12-byte nonce ‖ ciphertext ‖ 16-byte tag`; each segment's
/// authenticated data binds the file's path, the segment index and a final-segment flag, so a
/// segment moved, reordered, dropped or cut off is detected.
struct BackupCipher: Sendable {
    /// Plaintext bytes per segment.
    static let segmentSize = 1 << 20
    /// Bytes a segment adds to its plaintext.
    static let overhead = 4 + 12 + 16
    /// scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s).
    static let scryptLogN = 15
    static let scryptBlockSize = 8
    static let scryptParallelism = 1

    private let fileKey: SymmetricKey
    private let manifestKey: SymmetricKey

    /// Derives fresh parameters for a new backup and returns them with the cipher.
    static func create(with key: BackupKey) throws -> (BackupCipher, BackupManifest.Encryption) {
        let hkdfSalt = randomBytes(32)
        var encryption = BackupManifest.Encryption(
            algorithm: "AES-256-GCM", segmentSize: segmentSize, keyDerivation: "key-file", scryptSalt: nil,
            scryptLogN: nil, scryptBlockSize: nil, scryptParallelism: nil, hkdfSalt: hkdfSalt.base64EncodedString())
        if case .passphrase = key.material {
            encryption.keyDerivation = "scrypt"
            encryption.scryptSalt = randomBytes(16).base64EncodedString()
            encryption.scryptLogN = scryptLogN
            encryption.scryptBlockSize = scryptBlockSize
            encryption.scryptParallelism = scryptParallelism
        }
        return (try open(encryption, with: key), encryption)
    }

    /// The cipher for an existing backup's parameters.
    static func open(_ encryption: BackupManifest.Encryption, with key: BackupKey) throws -> BackupCipher {
        guard encryption.algorithm == "AES-256-GCM", let hkdfSalt = Data(base64Encoded: encryption.hkdfSalt) else {
            throw ChatbotError(.runtime, "the backup uses an unknown encryption scheme (\(encryption.algorithm))")
        }
        let master: SymmetricKey
        switch (key.material, encryption.keyDerivation) {
        case (.key(let bytes), "key-file"):
            master = SymmetricKey(data: bytes)
        case (.passphrase(let passphrase), "scrypt"):
            guard let salt = encryption.scryptSalt.flatMap({ Data(base64Encoded: $0) }),
                let logN = encryption.scryptLogN, (10...22).contains(logN),
                let blockSize = encryption.scryptBlockSize, (1...32).contains(blockSize),
                let parallelism = encryption.scryptParallelism, (1...16).contains(parallelism)
            else {
                throw ChatbotError(.runtime, "the backup's scrypt parameters are missing or out of range")
            }
            master = try KDF.Scrypt.deriveKey(
                from: passphrase, salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: blockSize,
                parallelism: parallelism, maxMemory: 256 << 20)
        case (.key, _):
            throw ChatbotError(
                .usage, "this backup was encrypted with a passphrase",
                hint: "give its passphrase instead of a key", reason: .backupNeedsPassphrase)
        case (.passphrase, _):
            throw ChatbotError(
                .usage, "this backup was encrypted with a key file",
                hint: "give its key instead of a passphrase", reason: .backupNeedsKeyFile)
        }
        return BackupCipher(
            fileKey: HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master, salt: hkdfSalt, info: Data("chatbot-backup v1 files".utf8),
                outputByteCount: 32),
            manifestKey: HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master, salt: hkdfSalt, info: Data("chatbot-backup v1 manifest".utf8),
                outputByteCount: 32)
        )
    }

    /// HMAC-SHA256 (hex) of the manifest's bytes.
    func authenticate(manifest: Data) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: manifest, using: manifestKey))
    }

    /// Seals one segment of the file at `path`.
    func seal(_ plaintext: Data, path: String, index: UInt64, isFinal: Bool) throws -> Data {
        let box = try AES.GCM.seal(
            plaintext, using: fileKey, authenticating: Self.associatedData(path: path, index: index, isFinal: isFinal))
        var segment = Data(capacity: plaintext.count + Self.overhead)
        withUnsafeBytes(of: UInt32(plaintext.count).bigEndian) { segment.append(contentsOf: $0) }
        segment.append(contentsOf: box.nonce)
        segment.append(box.ciphertext)
        segment.append(box.tag)
        return segment
    }

    /// Opens one segment (`nonce ‖ ciphertext ‖ tag`, without the length prefix).
    func open(_ body: Data, path: String, index: UInt64, isFinal: Bool) throws -> Data {
        do {
            let box = try AES.GCM.SealedBox(combined: body)
            return try AES.GCM.open(
                box, using: fileKey, authenticating: Self.associatedData(path: path, index: index, isFinal: isFinal))
        } catch {
            throw ChatbotError(
                .runtime, "\(path): segment \(index) does not decrypt (wrong key, or the file was altered)")
        }
    }

    private static func associatedData(path: String, index: UInt64, isFinal: Bool) -> Data {
        var data = Data("chatbot-backup v1\u{0}\(path)\u{0}".utf8)
        withUnsafeBytes(of: index.bigEndian) { data.append(contentsOf: $0) }
        data.append(isFinal ? 1 : 0)
        return data
    }

    private static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
