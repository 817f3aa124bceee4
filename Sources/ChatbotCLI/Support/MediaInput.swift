import ChatbotCore
import Foundation

/// The media file of `chatbot transcribe`: the path given, or stdin copied to a private temporary
/// file (FFmpeg needs to seek in most containers), removed afterwards.
struct MediaInput {
    let path: String
    let displayName: String
    private let isTemporary: Bool

    static func open(_ argument: String) throws -> MediaInput {
        guard argument == "-" else { return MediaInput(path: argument, displayName: argument, isTemporary: false) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chatbot-stdin-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw ChatbotError(
                .runtime, "cannot create a temporary file for stdin in \(url.deletingLastPathComponent().path)")
        }
        defer { try? handle.close() }
        do {
            while let piece = try FileHandle.standardInput.read(upToCount: 1 << 20), !piece.isEmpty {
                try handle.write(contentsOf: piece)
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw ChatbotError(.runtime, "cannot read stdin: \(error.localizedDescription)")
        }
        return MediaInput(path: url.path, displayName: "stdin", isTemporary: true)
    }

    func remove() {
        if isTemporary { try? FileManager.default.removeItem(atPath: path) }
    }
}
