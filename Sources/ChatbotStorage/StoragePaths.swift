public import Foundation

/// Where the embedded store keeps its files.
///
/// The data directory is the first of: an explicit directory (from `--data-dir` or the
/// configuration), `$CHATBOT_DATA_DIR`, `$XDG_DATA_HOME/chatbot`, `~/.local/share/chatbot`.
public struct StoragePaths: Sendable, Hashable {
    /// The directory holding the database and the objects.
    public var dataDirectory: URL

    /// Uses `dataDirectory` as it is.
    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    /// Resolves the data directory from the environment, as described on the type.
    ///
    /// - Parameters:
    ///   - explicitDirectory: A directory chosen by the caller; wins over the environment.
    ///   - environment: The process environment (injectable for tests).
    ///   - homeDirectory: The user's home directory (injectable for tests).
    public init(
        explicitDirectory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser
    ) {
        if let explicitDirectory {
            self.dataDirectory = explicitDirectory
        } else if let custom = environment["CHATBOT_DATA_DIR"], !custom.isEmpty {
            self.dataDirectory = Self.expandingTilde(custom, homeDirectory: homeDirectory)
        } else if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            // The XDG spec says relative values are invalid and must be ignored.
            self.dataDirectory = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent(
                "chatbot", isDirectory: true)
        } else {
            self.dataDirectory = homeDirectory.appendingPathComponent(".local/share/chatbot", isDirectory: true)
        }
    }

    /// The SQLite database: `<data dir>/chatbot.sqlite`.
    public var database: URL { dataDirectory.appendingPathComponent("chatbot.sqlite", isDirectory: false) }

    /// The object store root: `<data dir>/objects`.
    public var objects: URL { dataDirectory.appendingPathComponent("objects", isDirectory: true) }

    private static func expandingTilde(_ path: String, homeDirectory: URL) -> URL {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") {
            return homeDirectory.appendingPathComponent(String(path.dropFirst(2)), isDirectory: true)
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
