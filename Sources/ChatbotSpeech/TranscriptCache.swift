public import ChatbotCore
import Crypto
public import Foundation

/// Finished transcripts on disk, one JSON file per key, so a file already transcribed with the
/// same model and options is not sent again. Writes are atomic (temporary file + rename).
public struct TranscriptCache: Sendable {
    /// The directory (`$XDG_CACHE_HOME/chatbot/transcripts`).
    public let directory: URL

    /// Creates a cache in `directory` (made on first store).
    public init(directory: URL) {
        self.directory = directory
    }

    /// The key of a transcript: the media content's SHA-256 plus everything that changes the result.
    public static func key(contentDigest: String, parts: [String]) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(contentDigest.utf8))
        for part in parts {
            hasher.update(data: Data([0]))
            hasher.update(data: Data(part.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of a file's content, read in 1 MiB pieces.
    ///
    /// Reading and hashing a large media file takes seconds, so it runs on a thread of its own: the
    /// calling task suspends and holds no thread of the cooperative pool meanwhile.
    public static func digest(ofFile path: String) async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try digestBlocking(ofFile: path) }) }
            thread.name = "chatbot-transcript-digest"
            thread.start()
        }
    }

    private static func digestBlocking(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ChatbotError(.runtime, "cannot read \(path)", hint: "check the path and its permissions")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty {
            hasher.update(data: piece)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The stored transcript for `key`, if any (an unreadable entry counts as missing).
    public func load(_ key: String) -> Transcript? {
        guard let data = try? Data(contentsOf: file(key)) else { return nil }
        return try? JSONDecoder().decode(Transcript.self, from: data)
    }

    /// Stores `transcript` under `key`.
    public func store(_ transcript: Transcript, key: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(transcript)
        try data.write(to: file(key), options: .atomic)
    }

    private func file(_ key: String) -> URL {
        directory.appendingPathComponent("\(key).json")
    }
}
