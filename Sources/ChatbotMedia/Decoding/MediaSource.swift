public import Foundation

/// Where media is read from: a local regular file, or bytes in memory. Never a URL: FFmpeg's
/// protocol handlers are not used at all.
public struct MediaSource: Sendable {
    enum Storage: Sendable {
        case file(String)
        case memory(Data)
    }

    let storage: Storage
    /// The name used in error messages (the path, or a label for memory).
    public let name: String

    /// A local file; it must be a regular file (not a directory, FIFO or device).
    public static func file(_ path: String) -> MediaSource {
        MediaSource(storage: .file(path), name: path)
    }

    /// Media held in memory; `name` labels it in error messages.
    public static func memory(_ data: Data, name: String = "<memory>") -> MediaSource {
        MediaSource(storage: .memory(data), name: name)
    }
}
