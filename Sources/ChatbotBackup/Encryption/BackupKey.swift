import ChatbotCore
import Foundation

/// The secret a backup is encrypted with: a 32-byte key, or a passphrase stretched with scrypt.
///
/// ```swift
/// let key = try BackupKey.fromKeyFile("/etc/chatbot/backup.key")
/// ```
public struct BackupKey: Sendable {
    enum Material: Sendable {
        case key(Data)
        case passphrase(Data)
    }

    let material: Material

    /// A key file: exactly 32 raw bytes, or 64 hex characters (surrounding whitespace ignored).
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) when the file cannot be read or has another shape.
    public static func fromKeyFile(_ path: String) throws -> BackupKey {
        let data = try read(path, what: "key file")
        if data.count == 32 { return BackupKey(material: .key(data)) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.utf8.count == 64, let bytes = hexBytes(text) { return BackupKey(material: .key(bytes)) }
        throw ChatbotError(
            .usage,
            "the key file \(path) holds neither 32 raw bytes nor 64 hex characters",
            hint: "create one with: head -c 32 /dev/urandom > FILE (and keep a copy somewhere safe)"
        )
    }

    /// A passphrase file: its first line (without the line break) is the passphrase.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) when the file cannot be read or the passphrase is empty.
    public static func fromPassphraseFile(_ path: String) throws -> BackupKey {
        let data = try read(path, what: "passphrase file")
        let line = data.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first
        var passphrase = Data(line ?? Data())
        if passphrase.last == UInt8(ascii: "\r") { passphrase.removeLast() }
        guard !passphrase.isEmpty else {
            throw ChatbotError(
                .usage, "the passphrase file \(path) is empty", hint: "write the passphrase on its first line")
        }
        return BackupKey(material: .passphrase(passphrase))
    }

    private static func read(_ path: String, what: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChatbotError(.usage, "cannot read the \(what) \(path)", hint: "check the path and its permissions")
        }
        return data
    }

    private static func hexBytes(_ text: String) -> Data? {
        var bytes = Data(capacity: 32)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
