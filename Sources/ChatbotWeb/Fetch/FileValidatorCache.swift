import Crypto
public import Foundation

/// A ``ValidatorCache`` of small JSON files, one per URL (named by the SHA-256 of the URL), under
/// `$XDG_CACHE_HOME/chatbot/http` by default. A corrupt or unreadable file counts as a miss.
public actor FileValidatorCache: ValidatorCache {
    private struct Entry: Codable {
        var url: String
        var validators: CachedValidators
    }

    /// The directory holding the files.
    public let directory: URL

    /// A cache in `directory`, created on first store.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The default location: `<cacheHome>/chatbot/http`, e.g. from `XDGDirectories.cacheHome`.
    public init(cacheHome: String) {
        self.init(directory: URL(filePath: cacheHome).appending(path: "chatbot/http", directoryHint: .isDirectory))
    }

    private func file(for url: URL) -> URL {
        let digest = SHA256.hash(data: Data(url.absoluteString.utf8))
        let name = digest.map { String(format: "%02x", $0) }.joined()
        return directory.appending(path: "\(name).json", directoryHint: .notDirectory)
    }

    /// The stored validators for `url`, or nil.
    public func validators(for url: URL) -> CachedValidators? {
        guard let data = try? Data(contentsOf: file(for: url)),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.url == url.absoluteString
        else { return nil }
        return entry.validators
    }

    /// Writes the validators for `url` atomically; failures are ignored (the cache is an optimisation).
    public func store(_ validators: CachedValidators, for url: URL) {
        guard let data = try? JSONEncoder().encode(Entry(url: url.absoluteString, validators: validators)) else {
            return
        }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: file(for: url), options: .atomic)
    }
}
